"""Where the project's data folders are: in a checkout (or an editable install) beside
``bridge/``; in a built install inside the package, ``bridge/_data/`` (see setup.py)."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(checkout_path: str, installed_name: str) -> Path:
    """``checkout_path`` (relative to the repository) when it exists, else the copy made
    at build time under ``bridge/_data/installed_name``."""
    checkout = _PACKAGE.parent / checkout_path
    return checkout if checkout.is_dir() else _PACKAGE / "_data" / installed_name
