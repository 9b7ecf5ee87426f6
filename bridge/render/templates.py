"""Where templates live, and the Jinja2 environment of the project's own templates.

Autoescape and StrictUndefined, always: a missing variable is an error, not a silent
blank, and text is escaped unless a template marks trusted HTML with ``|safe``. Page
templates come from packs and are rendered elsewhere, sandboxed and in a separate
process (``bridge.render.sandbox``, ``bridge.render.worker``).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import jinja2

from bridge.data import data_dir

PROJECT_TEMPLATES = data_dir("templates", "templates")


def templates_dir() -> Path:
    """The project's ``templates/`` (``CERTBRIDGE_TEMPLATES`` overrides it)."""
    return Path(os.environ.get("CERTBRIDGE_TEMPLATES") or PROJECT_TEMPLATES)


def page_search_path(pack_root: Path) -> tuple[str | None, list[str]]:
    """Where a page template is looked for: the pack's own ``templates/`` (if any) first,
    then the project's ``templates/pages`` and ``templates/``."""
    own = pack_root / "templates"
    base = templates_dir()
    return (str(own) if own.is_dir() else None), [str(base / "pages"), str(base)]


@lru_cache(maxsize=1)
def report_environment() -> jinja2.Environment:
    """Templates for reports and the library site (``templates/``): the project's own."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              trim_blocks=True, lstrip_blocks=True)
