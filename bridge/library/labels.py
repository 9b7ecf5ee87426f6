"""Names the catalogue shows for values (resource types, statuses, pack kinds).

The catalogue is shared as files, so it shows both languages: Chinese, then English.
Fixed wording lives in the templates themselves; these are the words chosen per value,
built once as HTML so a page only looks them up.
"""
from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

_NAMES: dict[str, tuple[str, str]] = {
    "type_file": ("file", "文件"),
    "type_page": ("page", "页面"),
    "type_url": ("link", "链接"),
    "type_quiz": ("quiz", "测验"),
    "type_label": ("label", "标签"),
    "status_ready": ("ready", "已就绪"),
    "status_planned": ("planned", "计划中"),
    "kind_course": ("course pack", "课程资源包"),
    "kind_library": ("shared library", "共享资源库"),
}


class Names(dict):
    """Names by key; an unknown value (``type_x``) shows as ``x`` rather than failing a page."""

    def __missing__(self, key: str) -> Markup:
        return escape(key.partition("_")[2] or key)


@lru_cache(maxsize=1)
def names() -> Names:
    """Each name as HTML: ``中文 <span class="en">English</span>``."""
    return Names({key: Markup('{} <span lang="en" class="en">{}</span>').format(zh, en)
                  for key, (en, zh) in _NAMES.items()})
