"""Reading a TOML file into data, line index and problems (never raises for bad input)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bridge.i18n import tr
from bridge.pack.lines import LineIndex
from bridge.pack.problems import ProblemList

try:  # tomli is the standard library's tomllib, compiled: 2.5x faster on a large library
    import tomli as tomllib
except ImportError:  # pragma: no cover - the pure-Python twin behaves the same
    import tomllib


def decode_text(data: bytes, problems: ProblemList) -> str | None:
    """UTF-8 (BOM allowed) or a ``not-utf8`` problem naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problems.add(line, "not-utf8",
                     tr("The file is not UTF-8 text (byte {pos}). Save it as UTF-8.",
                        "文件不是 UTF-8 编码（第 {pos} 字节）。请以 UTF-8 编码保存。", pos=err.start))
        return None


#: Largest ``pack.toml`` or standard file read (packs are untrusted; a real one is < 1 MiB).
MAX_TOML_BYTES = 8 * 2**20


def read_toml(path: Path, problems: ProblemList) -> tuple[dict[str, Any] | None, LineIndex]:
    from bridge.safefile import UnsafeFile, read_regular

    try:
        raw = read_regular(path, MAX_TOML_BYTES)
    except UnsafeFile as err:
        if err.reason == "not-regular":
            problems.add(None, "file-not-regular", err.message)
        elif err.reason == "too-large":
            problems.add(None, "file-too-large", err.message)
        else:
            problems.add(None, "file-missing",
                         tr("Cannot read the file: {err}.", "无法读取文件：{err}。", err=err.why))
        return None, LineIndex("")
    text = decode_text(raw, problems)
    if text is None:
        return None, LineIndex("")
    lines = LineIndex(text)
    try:
        return tomllib.loads(text), lines
    except RecursionError:
        problems.add(None, "toml-syntax",
                     tr("TOML syntax error: arrays or tables are nested too deeply. Flatten the data.",
                        "TOML 语法错误：数组或表嵌套过深。请减少嵌套层数。"))
        return None, lines
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        detail = re.sub(r"\s*\(at .*?\)$", "", str(err))
        if detail.startswith("Illegal character '\\n'"):  # what tomllib says for an unclosed "…
            detail += tr(" (a string is not closed on this line: end it with the same quote)",
                         "（这一行的字符串没有结束：请用相同的引号结束它）")
        problems.add(int(match.group(1)) if match else None, "toml-syntax",
                     tr("TOML syntax error: {detail}. Fix this line (strings need quotes, tables [name]).",
                        "TOML 语法错误：{detail}。请修改这一行（字符串要加引号，表写作 [name]）。", detail=detail))
        return None, lines
