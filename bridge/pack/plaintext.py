"""Titles Moodle stores as plain text (its ``PARAM_TEXT``): no tags, no control characters.

Moodle's web services strip tags from such parameters or refuse them, so a title with
``<b>`` would validate here and then fail (or change) in the sync. Control and bidi
characters would reach every terminal and report that shows the title.
"""
from __future__ import annotations

import re

from bridge.i18n import tr

# "<" that starts a tag, a comment or a processing instruction, as strip_tags sees it.
_TAG = re.compile(r"<[A-Za-z/!?]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain_text_problem(value: str, *, tags: bool = True) -> str | None:
    """Why ``value`` cannot be a Moodle title, or ``None`` (``tags=False``: controls only)."""
    if tags and (match := _TAG.search(value)):
        return tr("it holds HTML ('{frag}…'); titles are plain text in Moodle: remove the tag.",
                  "其中含有 HTML（“{frag}…”）；Moodle 中标题是纯文本：请删除标签。",
                  frag=value[match.start():match.start() + 12])
    if match := _CONTROL.search(value):
        return tr("it holds the control character U+{code:04X}; remove it (often pasted from another program).",
                  "其中含有控制字符 U+{code:04X}；请删除（通常是从其他程序粘贴带入的）。", code=ord(match.group()))
    return None
