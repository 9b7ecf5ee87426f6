"""Bilingual (Chinese / English) user-facing text.

Messages are written inline at the call site as ``tr("English", "中文")`` so that a
message and its translation never drift apart. The language comes from ``--lang``
(``set_lang``), else ``CERTBRIDGE_LANG``, else the locale (``LC_ALL``/``LC_MESSAGES``/
``LANG`` starting with ``zh`` → Chinese), else English.
"""
from __future__ import annotations

import contextvars
import os

LANGS = ("zh", "en")
_lang: contextvars.ContextVar[str | None] = contextvars.ContextVar("certbridge_lang", default=None)
#: The last language set, for threads started without this context (a sync's workers).
_chosen: str | None = None


def detect_lang(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    explicit = env.get("CERTBRIDGE_LANG", "").strip().lower()
    if explicit[:2] in LANGS:
        return explicit[:2]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def set_lang(lang: str | None) -> None:
    """Fix the language for this context; ``None`` goes back to detection."""
    if lang is not None and lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    global _chosen
    _lang.set(lang)
    _chosen = lang


def get_lang() -> str:
    return _lang.get() or _chosen or detect_lang()


def tr(en: str, zh: str, /, **fmt: object) -> str:
    """Return the message in the current language, formatted with ``fmt``."""
    text = zh if get_lang() == "zh" else en
    return text.format(**fmt) if fmt else text

