"""Reading a quiz file's bytes into text: size limit, UTF-8 (with or without BOM)."""
from __future__ import annotations

from pathlib import Path

from bridge.i18n import tr
from bridge.ime import fix_command, looks_like_gbk
from bridge.quiz.errors import ProblemLog

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: Questions one quiz file may hold: far above any real quiz, low enough that a file of
#: a million one-line questions stops in seconds instead of filling memory.
MAX_QUESTIONS = 20_000


def too_many_questions(log: ProblemLog, line: int | None) -> None:
    log.add(line, "quiz-too-many-questions",
            tr("the file holds more than {n} questions", "文件中的题目超过 {n} 道", n=f"{MAX_QUESTIONS:,}"),
            tr("split the question bank into several quizzes", "请把题库拆分为多个测验"))


def read_limited(path: Path, log: ProblemLog, max_bytes: int) -> bytes | None:
    """The file's bytes, or ``None`` (with a problem logged) if unreadable, not a regular
    file, or too big."""
    from bridge.safefile import UnsafeFile, read_regular

    try:
        return read_regular(path, max_bytes)
    except UnsafeFile as err:
        if err.reason == "too-large":
            log.add(None, "quiz-too-large",
                    tr("the file is larger than the limit of {limit} bytes",
                       "文件超过上限 {limit} 字节", limit=max_bytes),
                    tr("split the question bank into several files", "请把题库拆分为多个文件"))
        else:
            log.add(None, "quiz-unreadable", tr("cannot read the file: {err}", "无法读取文件：{err}",
                                                err=err.message if err.reason == "not-regular" else err.why))
        return None


def decode_utf8(data: bytes, log: ProblemLog) -> str | None:
    """The text of ``data`` without a BOM, or ``None`` (problem logged) if not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        hint = tr("save the file as UTF-8", "请将文件另存为 UTF-8 编码")
        if looks_like_gbk(data):
            hint = tr("the file is GBK/GB18030-encoded; convert it to UTF-8 with: {cmd}",
                      "文件是 GBK/GB18030 编码；请运行 {cmd} 转为 UTF-8", cmd=fix_command(log.file))
        log.add(line, "quiz-not-utf8",
                tr("the file is not valid UTF-8 (byte {pos})", "文件不是有效的 UTF-8 编码（第 {pos} 字节）",
                   pos=err.start + 1), hint)
        return None
