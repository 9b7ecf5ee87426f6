"""The Jinja2 environments: autoescape on and StrictUndefined, always.

A missing template variable is an error, not a silent blank, and text from packs is
escaped unless a template explicitly marks trusted HTML with ``|safe``.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import jinja2

PROJECT_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


def templates_dir() -> Path:
    """The project's ``templates/`` (``CERTBRIDGE_TEMPLATES`` overrides it)."""
    return Path(os.environ.get("CERTBRIDGE_TEMPLATES") or PROJECT_TEMPLATES)


def strict_environment(search_path: list[Path]) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page_environment(pack_root: Path) -> jinja2.Environment:
    """Page templates: the pack's own ``templates/`` first, then ``templates/pages``.

    Packs without templates of their own share one environment, so a library of many
    packs compiles each project template once.
    """
    own = pack_root / "templates"
    return _page_environment(own if own.is_dir() else None, templates_dir())


@lru_cache(maxsize=64)
def _page_environment(own: Path | None, base: Path) -> jinja2.Environment:
    return strict_environment([*([own] if own else []), base / "pages", base])


@lru_cache(maxsize=1)
def report_environment() -> jinja2.Environment:
    """Templates for reports and the library site (``templates/``)."""
    return strict_environment([templates_dir()])
