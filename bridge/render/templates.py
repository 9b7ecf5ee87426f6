"""The Jinja2 environments: autoescape on and StrictUndefined, always.

A missing template variable is an error, not a silent blank, and text from packs is
escaped unless a template explicitly marks trusted HTML with ``|safe``.

Page templates come from packs, so they run sandboxed (no ``__class__``/``__globals__``
walk to Python's internals) and a template found in a pack must really lie inside it.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from bridge.data import data_dir

PROJECT_TEMPLATES = data_dir("templates", "templates")


def templates_dir() -> Path:
    """The project's ``templates/`` (``CERTBRIDGE_TEMPLATES`` overrides it)."""
    return Path(os.environ.get("CERTBRIDGE_TEMPLATES") or PROJECT_TEMPLATES)


class TemplateOutsidePack(jinja2.TemplateNotFound):
    """A pack's template resolves (through a symlink) to a file outside the pack."""


class _PackLoader(jinja2.FileSystemLoader):
    """Searches the pack's own ``templates/`` first, then the project's; a template found
    in the pack's folder is refused when its real path leaves the pack."""

    def __init__(self, own: Path | None, shared: list[Path]):
        super().__init__([str(p) for p in ([own] if own else []) + shared])
        self._own = str(own) + "/" if own else None
        self._pack = os.path.realpath(own.parent) + os.sep if own else None

    def get_source(self, environment: jinja2.Environment, template: str):
        source, filename, uptodate = super().get_source(environment, template)
        if self._own and filename.startswith(self._own) and not os.path.realpath(filename).startswith(self._pack):
            raise TemplateOutsidePack(template, f"template '{template}' points outside the pack folder")
        return source, filename, uptodate


def strict_environment(loader: jinja2.BaseLoader, *, sandboxed: bool = False) -> jinja2.Environment:
    return (SandboxedEnvironment if sandboxed else jinja2.Environment)(
        loader=loader,
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
    return strict_environment(_PackLoader(own, [base / "pages", base]), sandboxed=True)


@lru_cache(maxsize=1)
def report_environment() -> jinja2.Environment:
    """Templates for reports and the library site (``templates/``)."""
    return strict_environment(jinja2.FileSystemLoader(str(templates_dir())))
