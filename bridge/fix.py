"""``certbridge fix``: rewrite what a Chinese Windows desktop typically gets wrong.

- GBK/GB18030 text (what Notepad and WPS save by default on Chinese Windows) → UTF-8;
- IME punctuation in syntax positions of ``pack.toml`` and GIFT files → ASCII
  (never inside strings, question or answer text: those are the teacher's words);
- in ``pack.toml``, a Windows path ``"files\\讲义.pdf"`` (an invalid TOML escape) → ``/``.

The original is kept as ``NAME.bak`` (``NAME.bak.1``… when that exists) and every change
is listed, so nothing is rewritten behind the teacher's back.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bridge.i18n import tr
from bridge.ime import Finding, apply, decode_utf8_or_gbk, scan_toml
from bridge.safefile import UnsafeFile, is_inside, read_regular

#: What ``fix`` looks at in a folder: the text files of a pack (``.txt`` only in a
#: ``quizzes`` folder: elsewhere it is more likely a handout, published as it is).
TEXT_SUFFIXES = (".toml", ".gift", ".html", ".htm")
_TOML_ESCAPES = set('btnfr"\\uUe')
#: Largest file ``fix`` reads (a quiz file's limit; a pack.toml is far smaller).
MAX_FIX_BYTES = 20 * 2**20


@dataclass
class FixResult:
    path: Path
    changes: list[str] = field(default_factory=list)
    backup: Path | None = None
    error: str | None = None
    still_invalid: str | None = None


def files_to_fix(paths: list[Path]) -> list[Path]:
    """The files named, and the pack text files inside the folders named."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                quizzes = "quizzes" in Path(root).relative_to(path).parts
                found += [Path(root) / n for n in sorted(names) if not n.startswith(".")
                          and (n.lower().endswith(TEXT_SUFFIXES) or (quizzes and n.lower().endswith(".txt")))
                          and is_inside(Path(root) / n, path)]  # a link out of the folder is not its file
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def fix_file(path: Path) -> FixResult:
    result = FixResult(path)
    try:
        data = read_regular(path, MAX_FIX_BYTES)
    except UnsafeFile as err:
        result.error = err.message if err.reason != "unreadable" else tr("cannot read it: {e}", "无法读取：{e}",
                                                                          e=err.why)
        return result
    decoded = decode_utf8_or_gbk(data)
    if decoded is None:
        result.error = tr("neither UTF-8 nor GBK/GB18030 text; open it in an editor and save it as UTF-8",
                          "既不是 UTF-8 也不是 GBK/GB18030 文本；请用编辑器打开并另存为 UTF-8")
        return result
    text, gbk = decoded
    bom = not gbk and data.startswith(b"\xef\xbb\xbf")
    if gbk:
        result.changes.append(tr("converted from GBK/GB18030 to UTF-8", "已从 GBK/GB18030 编码转为 UTF-8"))
    suffix = path.suffix.lower()
    findings: list[Finding] = []
    if suffix == ".toml":
        findings = scan_toml(text)
    elif suffix in (".gift", ".txt"):
        from bridge.quiz.ime import find_gift_ime  # the quiz package is heavier; only for quiz files

        findings = find_gift_ime(text)
    for f in findings:
        result.changes.append(tr("{l}:{c}: {name} {ch} ({u}) → {r}", "{l}:{c}：{name} {ch}（{u}）→ {r}",
                                 l=f.line, c=f.column, name=f.name, ch=f.char, u=f.code_point,
                                 r=repr(f.replacement) if f.replacement == " " else f.replacement))
    new_text = apply(text, findings)
    if suffix == ".toml":
        new_text = _fix_backslashes(new_text, result)
    if not result.changes:
        return result
    result.changes.sort(key=_position)  # in file order, the encoding (no position) first
    result.backup = _backup(path)
    _write(path, (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8"))
    if suffix == ".toml":
        result.still_invalid = _toml_error(new_text)
    return result


def _fix_backslashes(text: str, result: FixResult) -> str:
    """``"files\\讲义.pdf"``: a backslash TOML cannot read, in a one-line string → ``/``."""
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if "\\" not in line or '"""' in line:
            continue
        code = line.split("#", 1)[0] if '"' not in line else line
        spans = [(m.start(), m.end()) for m in re.finditer(r'"(?:[^"\\]|\\.)*"', code)]
        chars = list(line)
        for start, end in spans:
            i = start + 1
            while i < end - 1:
                if chars[i] == "\\":
                    if chars[i + 1] not in _TOML_ESCAPES:
                        chars[i] = "/"
                        result.changes.append(tr("{l}:{c}: \\ in a path → /", "{l}:{c}：路径中的 \\ → /",
                                                 l=number, c=i + 1))
                    elif chars[i + 1] == "\\" and _looks_like_path(line[start:end]):
                        chars[i:i + 2] = ["/", ""]
                        result.changes.append(tr("{l}:{c}: \\\\ in a path → /", "{l}:{c}：路径中的 \\\\ → /",
                                                 l=number, c=i + 1))
                    i += 2
                    continue
                i += 1
        lines[number - 1] = "".join(chars)
    return "\n".join(lines)


def _position(change: str) -> tuple[int, int]:
    found = re.match(r"(\d+):(\d+)", change)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def _looks_like_path(string: str) -> bool:
    return bool(re.search(r"\.[A-Za-z0-9]{1,5}\"$", string))


def _toml_error(text: str) -> str | None:
    from bridge.pack.tomlfile import tomllib

    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        return str(err)
    return None


def _backup(path: Path) -> Path:
    backup = path.with_name(path.name + ".bak")
    n = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.bak.{n}")
        n += 1
    shutil.copy2(path, backup)
    return backup


def _write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
