"""Surgical edits of a pack.toml: change one string value, add a key, comment a line out —
everything else in the file (comments, spacing, order) stays byte for byte. Each edit is
checked by parsing the result: it must be the old document with only that change."""
from __future__ import annotations

import copy
import re
import tomllib
from typing import Any

from bridge.drift.store import DriftError
from bridge.i18n import tr

_KEY_LINE = r"^(?P<indent>[ \t]*)(?P<key>{key})[ \t]*=[ \t]*"


def toml_string(value: str) -> str:
    """A TOML string literal for ``value``: a multi-line literal string for HTML with line
    breaks (readable in the file), else a basic string with escapes."""
    if "\n" in value and "'''" not in value and not value.endswith("'") and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]",
                                                                                           value.replace("\r\n", "\n")):
        literal = "'''\n" + value + "'''"
        if _parses_to(literal, value):
            return literal
    out = []
    for c in value:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _parses_to(literal: str, value: str) -> bool:
    try:
        return tomllib.loads(f"x = {literal}\n")["x"] == value
    except tomllib.TOMLDecodeError:
        return False


def _value_end(text: str, start: int) -> int:
    """Where the TOML string value starting at ``start`` ends (exclusive)."""
    for quote in ('"""', "'''"):
        if text.startswith(quote, start):
            i = start + 3
            while True:
                j = text.find(quote, i)
                if j < 0:
                    raise ValueError("unclosed string")
                if quote == '"""' and _escaped(text, j):
                    i = j + 1
                    continue
                end = j + 3
                while end < len(text) and text[end] == quote[0] and end - j < 5:
                    end += 1  # up to two quotes may stand right before the closing delimiter
                return end
    if text.startswith('"', start):
        i = start + 1
        while i < len(text):
            if text[i] == "\\":
                i += 2
                continue
            if text[i] == '"':
                return i + 1
            if text[i] == "\n":
                break
            i += 1
        raise ValueError("unclosed string")
    if text.startswith("'", start):
        j = text.find("'", start + 1)
        if j < 0 or "\n" in text[start:j]:
            raise ValueError("unclosed string")
        return j + 1
    raise ValueError("not a string")


def _escaped(text: str, index: int) -> bool:
    n = 0
    while index - n - 1 >= 0 and text[index - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def _line_offset(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset


def _get(doc: dict, path: tuple) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _checked(old: str, new: str, path: tuple, change) -> str:
    """``new`` if it parses to ``old``'s document with ``change(entry)`` applied at ``path``."""
    try:
        before, after = tomllib.loads(old), tomllib.loads(new)
    except tomllib.TOMLDecodeError as err:
        raise DriftError(tr("pack.toml could not be edited safely ({err}); it was left as it was.",
                            "无法安全地修改 pack.toml（{err}）；文件保持原样。", err=err)) from None
    expected = copy.deepcopy(before)
    change(_get(expected, path))
    if after != expected:
        raise DriftError(tr("pack.toml could not be edited safely (the edit would change more than {key}); it was "
                            "left as it was.", "无法安全地修改 pack.toml（该修改会改动 {key} 以外的内容）；文件保持原样。",
                            key=".".join(str(p) for p in path)))
    return new


def set_string(text: str, path: tuple, line: int | None, key: str, value: str) -> str:
    """``text`` with the string ``key`` of the entry at ``path`` set to ``value``. ``line``
    is the key's line when it exists (from ``LineIndex``), else the entry header's: the key
    is then added on the line after the entry's ``id`` (or its header)."""
    entry = _get(tomllib.loads(text), path)
    if key in entry:
        if line is None:
            raise DriftError(tr("{key} not found in pack.toml.", "pack.toml 中找不到 {key}。", key=key))
        start = _line_offset(text, line)
        match = re.compile(_KEY_LINE.format(key=re.escape(key)), re.M).match(text, start)
        if match is None:
            raise DriftError(tr("pack.toml line {line}: expected {key} = …", "pack.toml 第 {line} 行：应为 {key} = …",
                                line=line, key=key))
        try:
            end = _value_end(text, match.end())
        except ValueError:
            raise DriftError(tr("pack.toml line {line}: {key} is not a plain string.", "pack.toml 第 {line} 行：{key} 不是普通字符串。",
                                line=line, key=key)) from None
        new = text[:match.end()] + toml_string(value) + text[end:]
    else:
        new = insert_line(text, line, f"{key} = {toml_string(value)}")
    return _checked(text, new, path, lambda e: e.__setitem__(key, value))


def insert_line(text: str, after_line: int | None, content: str) -> str:
    """``content`` as a new line after line ``after_line``, indented like that line."""
    if after_line is None:
        raise DriftError(tr("The resource's entry was not found in pack.toml.", "pack.toml 中找不到该资源的条目。"))
    start = _line_offset(text, after_line)
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    indent = re.match(r"[ \t]*", text[start:end]).group(0)
    newline = "\r\n" if text[start:end + 1].endswith("\r\n") or text[end - 1:end] == "\r" else "\n"
    return text[:end] + newline + indent + content + text[end:] if end < len(text) else text + newline + indent + content


def replace_key_line(text: str, path: tuple, line: int, key: str, comment: str, new_key: str, value: str) -> str:
    """Comment out the one-line ``key = …`` at ``line`` (with ``comment`` after it) and put
    ``new_key = value`` in its place."""
    start = _line_offset(text, line)
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    original = text[start:end].rstrip("\r")
    match = re.compile(_KEY_LINE.format(key=re.escape(key))).match(original)
    if match is None:
        raise DriftError(tr("pack.toml line {line}: expected {key} = …", "pack.toml 第 {line} 行：应为 {key} = …",
                            line=line, key=key))
    indent = match.group("indent")
    replacement = f"{indent}# {original.strip()}  # {comment}\n{indent}{new_key} = {toml_string(value)}"
    new = text[:start] + replacement + text[start + len(original):]

    def change(entry: dict) -> None:
        entry.pop(key, None)
        entry[new_key] = value

    return _checked(text, new, path, change)
