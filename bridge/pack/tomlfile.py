"""Reading a TOML file into data, line index and problems (never raises for bad input)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bridge.i18n import get_lang, tr
from bridge.ime import caret, fix_command, looks_like_gbk, scan_toml
from bridge.pack.lines import LineIndex
from bridge.pack.problems import Problem, ProblemList

try:  # tomli is the standard library's tomllib, compiled: 2.5x faster on a large library
    import tomli as tomllib
except ImportError:  # pragma: no cover - the pure-Python twin behaves the same
    import tomllib


def not_utf8_message(path: Path, data: bytes, pos: int) -> str:
    """Why a file is not UTF-8 and what to do; GBK/GB18030 files are named as such."""
    if looks_like_gbk(data):
        return tr("{f} is GBK/GB18030-encoded, not UTF-8. Convert it with: {cmd}",
                  "{f} 是 GBK/GB18030 编码，不是 UTF-8。请运行 {cmd} 转为 UTF-8。",
                  f=path.name, cmd=fix_command(path))
    return tr("{f} is not UTF-8 text (byte {pos}). Save it as UTF-8.",
              "{f} 不是 UTF-8 编码（第 {pos} 字节）。请以 UTF-8 编码保存。", f=path.name, pos=pos)


def decode_text(data: bytes, problems: ProblemList) -> str | None:
    """UTF-8 (BOM allowed) or a ``not-utf8`` problem naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problems.add(line, "not-utf8", not_utf8_message(Path(problems.file), data, err.start + 1))
        return None


#: Largest ``pack.toml`` or standard file read (packs are untrusted; a real one is < 1 MiB).
MAX_TOML_BYTES = 8 * 2**20

# tomllib's messages, in Chinese (the English ones are kept as they are).
_TOML_ZH = [
    (r"Expected '=' after a key in a key/value pair", "键后面应是“=”"),
    (r"Expected newline or end of document after a statement", "一行只能写一项：这里应换行"),
    (r"Expected '\]' at the end of a table declaration", "表名后面缺少“]”"),
    (r"Expected '\]\]' at the end of an array declaration", "表数组名后面缺少“]]”"),
    (r"Expected (.+)", "这里应是 {0}"),
    (r"Unclosed array", "数组没有用“]”结束（元素之间用半角逗号分隔）"),
    (r"Unclosed inline table", "内联表没有用“}}”结束"),
    (r"Invalid value", "值无效（字符串要加半角双引号，数字、true/false 不加）"),
    (r"Invalid statement", "无法识别的语句"),
    (r"Invalid initial character for a key part", "键名不能以这个字符开头"),
    (r"Invalid date or datetime", "日期或时间无效"),
    (r"Invalid hex value", "\\u 转义中的十六进制值无效"),
    (r"Unterminated string", "字符串没有结束"),
    (r"Unescaped '\\' in a string", "字符串中有未转义的“\\”"),
    (r"Illegal character '\\n'", "这一行的字符串没有结束：请用相同的引号结束它"),
    (r"Illegal character (.+)", "非法字符 {0}"),
    (r"Found invalid character (.+)", "非法字符 {0}"),
    (r"Cannot declare (.+) twice", "{0} 重复声明"),
    (r"Cannot overwrite a value", "重复给同一个键赋值"),
    (r"Cannot mutate immutable namespace (.+)", "不能修改已定义的 {0}"),
    (r"Cannot redefine namespace (.+)", "不能重新定义 {0}"),
    (r"Duplicate inline table key (.+)", "内联表中的键 {0} 重复"),
]


def _toml_detail(msg: str) -> str:
    if get_lang() != "zh":
        if msg.startswith("Illegal character '\\n'"):  # what tomllib says for an unclosed "…
            msg += " (a string is not closed on this line: end it with the same quote)"
        return msg
    for pattern, zh in _TOML_ZH:
        found = re.fullmatch(pattern, msg)
        if found:
            return zh.format(*found.groups())
    return msg


def _syntax_problems(path: Path, text: str, err: Exception, problems: ProblemList) -> None:
    """IME characters if there are any (each one, with its column), else tomllib's error,
    translated, with a caret under the spot."""
    source_lines = text.split("\n")
    findings = scan_toml(text)
    for f in findings:
        problems.add(f.line, "ime-char", f.message(), column=f.column,
                     context=caret(source_lines[f.line - 1], f.column))
    if findings:
        problems.items.append(Problem(
            str(problems.file), None, "ime-char", severity="note",
            message=tr("{n} full-width character(s) from a Chinese input method; fix them all at once with: {cmd}",
                       "共 {n} 处中文输入法的全角字符；可运行 {cmd} 一次全部改正",
                       n=len(findings), cmd=fix_command(path))))
        return
    msg = getattr(err, "msg", None) or re.sub(r"\s*\(at .*?\)$", "", str(err))
    line, column = getattr(err, "lineno", None), getattr(err, "colno", None)
    if line is None:
        found = re.search(r"line (\d+), column (\d+)", str(err))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
    detail = _toml_detail(msg)
    hint = tr("Fix this spot (strings need \"quotes\", tables are written [name]).",
              "请修改标记处（字符串要加半角双引号，表写作 [name]）。")
    if "Unescaped '\\'" in msg:
        hint = tr("For a Windows path write / between folders: \"files/讲义.pdf\".",
                  "Windows 路径请用 / 分隔文件夹，例如 \"files/讲义.pdf\"。")
    context = caret(source_lines[line - 1], column) if line and column and line <= len(source_lines) else None
    problems.add(line, "toml-syntax",
                 tr("TOML syntax error: {detail}. {hint}", "TOML 语法错误：{detail}。{hint}", detail=detail, hint=hint),
                 column=column, context=context)


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
        _syntax_problems(path, text.replace("\r\n", "\n"), err, problems)
        return None, lines
