"""Chinese IME punctuation where GIFT needs its ASCII markers.

Moodle reads ``{=2 ～3 ～4}`` as a short-answer question whose one right answer is
"2 ～3 ～4", and ``｛=Ctrl+S｝`` as an ungraded description: students would get questions
they cannot answer right. This finds a full-width ``＝ ～ ＃ ％ ： ｛ ｝`` standing where GIFT
expects a marker — answer markers at the start of an answer, feedback ``＃``, a
``：：title：：``, the braces of the answer block — and leaves the same characters alone
inside question and answer text. ``bridge.quiz.gift`` reports what this finds (and does
not parse those questions further); ``certbridge fix`` rewrites exactly these spots.
"""
from __future__ import annotations

import re

from bridge.i18n import tr
from bridge.ime import CHARS, Finding, caret, unescaped
from bridge.quiz.errors import ProblemLog

_MARKERS = "=~＝～〜"
_FULL_MARKERS = "＝～〜"
_TITLE_OPEN = re.compile(r"^(::|：：|:：|：:)")
_TITLE_CLOSE = re.compile(r"::|：：|:：|：:")
_WEIGHT = re.compile(r"([%％])(-?\d+(?:\.\d*)?)([%％])")
_TRUE_FALSE = {"T", "F", "TRUE", "FALSE"}


class _Block:
    """A question's lines joined (each stripped), mapping offsets back to line and column."""

    def __init__(self, lines: list[tuple[int, str]]):
        self.starts: list[tuple[int, int, int]] = []  # (offset in text, line number, leading spaces)
        parts, offset = [], 0
        for number, raw in lines:
            stripped = raw.strip()
            self.starts.append((offset, number, len(raw) - len(raw.lstrip())))
            parts.append(stripped)
            offset += len(stripped) + 1
        self.text = "\n".join(parts)
        self.found: list[Finding] = []

    def flag(self, offset: int) -> None:
        start, number, lead = next(s for s in reversed(self.starts) if s[0] <= offset)
        char = self.text[offset]
        self.found.append(Finding(number, offset - start + lead + 1, char, CHARS[char][0]))


# Any character this module looks for: most files hold none, and are not scanned further.
_ANY_IME = re.compile("[＝～〜＃％：｛｝]")


def find_gift_ime(text: str) -> list[Finding]:
    """Every IME character standing where GIFT syntax is expected, in file order (in the
    first ``MAX_QUESTIONS`` blocks: the parser stops there too)."""
    from bridge.quiz.source import MAX_QUESTIONS

    found: list[Finding] = []
    if not _ANY_IME.search(text):
        return found
    lines: list[tuple[int, str]] = []
    blocks = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            if lines:
                found.extend(_check_block(lines))
                blocks += 1
                if blocks > MAX_QUESTIONS:
                    return found
            lines = []
        elif not line.startswith("//"):
            lines.append((number, raw))
    if lines:
        found.extend(_check_block(lines))
    return found


def _check_block(lines: list[tuple[int, str]]) -> list[Finding]:
    if lines[0][1].strip().startswith("$CATEGORY:"):
        lines = lines[1:]
        if not lines:
            return []
    block = _Block(lines)
    body = _check_title(block)
    braces = _answer_block(block, body)
    if braces is not None:
        _check_answers(block, *braces)
    return block.found


def _check_title(block: _Block) -> int:
    """Flag IME colons of a ``::title::``; the offset where the question text starts."""
    opened = _TITLE_OPEN.match(block.text)
    if not opened:
        return 0
    closed = _TITLE_CLOSE.search(block.text, 2)
    if opened.group() == "::" and (closed is None or closed.group() == "::"):
        return closed.end() if closed else 0
    for i in range(2):
        if block.text[i] == "：":
            block.flag(i)
    if closed is None:
        return 2
    for i in range(closed.start(), closed.end()):
        if block.text[i] == "：":
            block.flag(i)
    return closed.end()


def _unescaped_all(text: str, char: str, start: int) -> list[int]:
    found, i = [], text.find(char, start)
    while i >= 0:
        if unescaped(text, i):
            found.append(i)
        i = text.find(char, i + 1)
    return found


def _answer_block(block: _Block, start: int) -> tuple[int, int] | None:
    """Offsets of the answer block's braces, flagging a full-width one that stands for
    a brace; None when the question has no answer block."""
    text = block.text
    opens, closes = _unescaped_all(text, "{", start), _unescaped_all(text, "}", start)
    if opens and not any(c > opens[0] for c in closes):
        full = text.find("｝", opens[0])
        if full >= 0:
            block.flag(full)
            return opens[0], full
        return None
    if closes and not any(o < closes[0] for o in opens):
        full = text.rfind("｛", start, closes[0])
        if full >= 0:
            block.flag(full)
            return full, closes[0]
        return None
    if opens:
        return opens[0], next(c for c in closes if c > opens[0])
    full_open = text.find("｛", start)
    full_close = text.find("｝", full_open + 1) if full_open >= 0 else -1
    if full_close < 0:
        return None
    inside = text[full_open + 1:full_close].strip()
    if not inside or inside[0] in _MARKERS + "#＃" or inside.upper() in _TRUE_FALSE:
        block.flag(full_open)
        block.flag(full_close)
        return full_open, full_close
    return None  # braces in the question text, e.g. 集合｛1，2，3｝


def _check_answers(block: _Block, open_at: int, close_at: int) -> None:
    text = block.text
    content = text[open_at + 1:close_at]
    first = len(content) - len(content.lstrip())
    numerical = content.lstrip()[:1] in ("#", "＃")
    for i, ch in enumerate(content):
        at = open_at + 1 + i
        after_space = i == first or (i > 0 and content[i - 1].isspace())
        if ch in _FULL_MARKERS and after_space:
            block.flag(at)
        elif ch == "＃" and (after_space or content[i - 1:i] in ("#", "＃") or content[i + 1:i + 2] in ("#", "＃")):
            block.flag(at)
        elif ch == "：" and numerical and content[i - 1:i].isdigit() and content[i + 1:i + 2].isdigit():
            block.flag(at)
    for weight in _WEIGHT.finditer(content):
        before = content[:weight.start()].rstrip()
        if before[-1:] in _MARKERS and "％" in (weight.group(1) + weight.group(3)):
            for index in (weight.start(1), weight.start(3)):
                if content[index] == "％":
                    block.flag(open_at + 1 + index)


def report_gift_ime(text: str, log: ProblemLog) -> set[int]:
    """Log every IME character in a GIFT syntax position; the lines holding them."""
    found = find_gift_ime(text)
    if not found:
        return set()
    source = text.split("\n")
    hint = tr("fix every one at once with: certbridge fix {f}", "可运行 certbridge fix {f} 一次全部改正", f=log.file)
    for f in found:
        log.add(f.line, "gift-ime-char", f.message(), hint, column=f.column, context=caret(source[f.line - 1], f.column))
    return {f.line for f in found}
