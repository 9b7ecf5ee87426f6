"""Text width on a terminal: a CJK (wide or fullwidth) character takes two columns, a
combining mark none, so tables of Chinese text still line up."""
from __future__ import annotations

import re
import unicodedata

# C0/C1 controls and DEL, except tab and newline, and the bidi overrides: text from a
# pack or a Moodle site (titles, paths, error messages, names) must not be able to move
# the cursor, recolour or retitle a terminal, or display in another order than it reads.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` without terminal control characters (escape sequences lose their ESC).

    Every command prints text that came from a pack or a site through this function."""
    return _CONTROLS.sub("", text)


def display_width(text: str) -> int:
    """How many terminal columns ``text`` takes."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
               for ch in text)


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, with an ellipsis when cut."""
    text = printable(text)
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` columns, on the left when ``right``."""
    text = printable(text)
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap
