"""Chinese input-method (IME) punctuation where a file format needs ASCII.

A teacher typing with a Chinese IME gets ＝ ， “ ” ［ ］ ｛ ｝ ＃ ： ～ and the ideographic
space instead of = , " [ ] { } # : ~ and a space. Inside text those are fine; where the
format expects syntax they break TOML or, worse, silently change a GIFT question. This
module knows the characters and finds them in ``pack.toml`` outside strings and
comments; ``bridge.quiz.ime`` does the same for GIFT. Both feed the checks (one problem
per character, with line and column) and ``certbridge fix`` (which rewrites exactly them).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bridge.i18n import tr
from bridge.textwidth import display_width

#: IME character → (ASCII to type instead, English name, Chinese name).
CHARS: dict[str, tuple[str, str, str]] = {
    "＝": ("=", "full-width equals sign", "全角等号"),
    "，": (",", "full-width comma", "全角逗号"),
    "、": (",", "ideographic comma", "顿号"),
    "“": ('"', "left curly quote", "中文左引号"),
    "”": ('"', "right curly quote", "中文右引号"),
    "＂": ('"', "full-width quote", "全角双引号"),
    "‘": ("'", "left curly single quote", "中文左单引号"),
    "’": ("'", "right curly single quote", "中文右单引号"),
    "＇": ("'", "full-width apostrophe", "全角单引号"),
    "［": ("[", "full-width left bracket", "全角左方括号"),
    "］": ("]", "full-width right bracket", "全角右方括号"),
    "【": ("[", "left black lenticular bracket", "中文左方头括号"),
    "】": ("]", "right black lenticular bracket", "中文右方头括号"),
    "｛": ("{", "full-width left brace", "全角左花括号"),
    "｝": ("}", "full-width right brace", "全角右花括号"),
    "＃": ("#", "full-width number sign", "全角井号"),
    "：": (":", "full-width colon", "全角冒号"),
    "～": ("~", "full-width tilde", "全角波浪号"),
    "〜": ("~", "wave dash", "波浪线"),
    "％": ("%", "full-width percent sign", "全角百分号"),
    "．": (".", "full-width full stop", "全角句点"),
    "\u3000": (" ", "ideographic (full-width) space", "全角空格"),
}


@dataclass(frozen=True)
class Finding:
    """One IME character in a syntax position: 1-based line and column (in characters)."""

    line: int
    column: int
    char: str
    replacement: str

    @property
    def code_point(self) -> str:
        return f"U+{ord(self.char):04X}"

    @property
    def name(self) -> str:
        """The character's name in the message language."""
        return tr(*CHARS[self.char][1:])

    def message(self) -> str:
        return tr("full-width {c} ({u}, {name}) where the format needs the ASCII {r} : type {r} instead",
                  "这里应是半角字符 {r} ，却是{name} {c} （{u}）：请切换到英文输入法输入 {r}",
                  c=self.char, u=self.code_point, name=self.name, r=self.replacement)


def looks_like_gbk(data: bytes) -> bool:
    """True when bytes that are not UTF-8 read as GBK/GB18030 Chinese text (what Notepad
    and WPS save by default on Chinese Windows)."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def decode_utf8_or_gbk(data: bytes) -> tuple[str, bool] | None:
    """``(text, was_gbk)``: UTF-8 (a BOM dropped), else GBK/GB18030 (what Notepad, WPS
    and Excel save on Chinese Windows); ``None`` when the bytes are neither."""
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), True
    except UnicodeDecodeError:
        return None


def fix_command(path: object) -> str:
    return f"certbridge fix {path}"


def caret(line_text: str, column: int) -> str:
    """The source line and a ``^`` under ``column`` (counting wide characters as two)."""
    line_text = line_text.rstrip("\r\n").replace("\t", " ")
    return f"    {line_text}\n    {' ' * display_width(line_text[:column - 1])}^"


def apply(text: str, findings: list[Finding]) -> str:
    """``text`` with every finding replaced by its ASCII character."""
    lines = text.split("\n")
    for f in sorted(findings, key=lambda f: (f.line, f.column), reverse=True):
        row = lines[f.line - 1]
        if row[f.column - 1:f.column] == f.char:
            lines[f.line - 1] = row[:f.column - 1] + f.replacement + row[f.column:]
    return "\n".join(lines)


_DOUBLE = "“”＂"
_SINGLE = "‘’＇"
_BARE_KEY_BEFORE = re.compile(r"""^\s*[A-Za-z0-9_."'-][A-Za-z0-9_."' -]*$""")


def scan_toml(text: str) -> list[Finding]:
    """IME characters of a TOML text outside strings and comments.

    A curly quote standing where a string starts (or ends) is reported and read as that
    quote, so the Chinese text inside the string is left alone; a full-width colon after
    a key is reported as the ``=`` it stands for.
    """
    found: list[Finding] = []
    multi = _Multi()
    for number, line in enumerate(text.split("\n"), start=1):
        found.extend(_scan_toml_line(number, line.rstrip("\r"), multi))
    return found


class _Multi:
    """Carries an open multi-line string (\"\"\" or \'\'\') from one line to the next."""

    def __init__(self) -> None:
        self.quote: str | None = None


def _scan_toml_line(number: int, line: str, multi: _Multi) -> list[Finding]:
    found: list[Finding] = []

    def flag(i: int) -> None:
        ch = line[i]
        replacement = CHARS[ch][0]
        if ch == "：" and _BARE_KEY_BEFORE.match(line[:i]):
            replacement = "="
        found.append(Finding(number, i + 1, ch, replacement))

    i, n = 0, len(line)
    if multi.quote:
        close = line.find(multi.quote)
        while close > 0 and multi.quote == '"""' and not unescaped(line, close):
            close = line.find(multi.quote, close + 1)
        if close < 0:
            return found
        i, multi.quote = close + 3, None
    while i < n:
        ch = line[i]
        if ch == "#":
            break
        if ch == "＃":
            flag(i)
            break
        if line.startswith('"""', i) or line.startswith("'''", i):
            quote = line[i:i + 3]
            close = line.find(quote, i + 3)
            while close > 0 and quote == '"""' and not unescaped(line, close):
                close = line.find(quote, close + 1)
            if close < 0:
                multi.quote = quote
                break
            i = close + 3
            continue
        if ch in "\"'" or ch in _DOUBLE or ch in _SINGLE:
            double = ch == '"' or ch in _DOUBLE
            curly_opened = ch not in "\"'"
            if curly_opened:
                flag(i)
            i = _string_end(line, i + 1, double, curly_opened, flag)
            continue
        if ch in CHARS:
            flag(i)
        i += 1
    return found


def _string_end(line: str, j: int, double: bool, curly_opened: bool, flag) -> int:
    """Index after the string whose body starts at ``j``. A curly quote closes it where a
    value ends (line end, comma, bracket, comment) and, in a string opened with an ASCII
    quote, only when no ASCII quote later on the line could close it instead."""
    ascii_quote, curly = ('"', _DOUBLE) if double else ("'", _SINGLE)
    while j < len(line):
        ch = line[j]
        if double and ch == "\\":
            j += 2
            continue
        if ch == ascii_quote:
            return j + 1
        if ch in curly and _ends_value(line, j + 1) and (
                curly_opened or _count_quotes(line, j + 1, ascii_quote, double) % 2 == 0):
            flag(j)
            return j + 1
        j += 1
    return j


def _ends_value(line: str, k: int) -> bool:
    rest = line[k:].lstrip(" \t\u3000")
    return not rest or rest[0] in ",]}#，、］】｝＃"


def _count_quotes(line: str, start: int, quote: str, double: bool) -> int:
    count, j = 0, start
    while j < len(line):
        if double and line[j] == "\\":
            j += 2
            continue
        count += line[j] == quote
        j += 1
    return count


def unescaped(text: str, i: int) -> bool:
    """Whether ``text[i]`` is preceded by an even number of backslashes (counted back
    from ``i``, not by copying ``text[:i]``: a long line with many quotes stays linear)."""
    j = i
    while j > 0 and text[j - 1] == "\\":
        j -= 1
    return (i - j) % 2 == 0
