"""Reading files that come from packs, which are untrusted: regular files only, bounded.

A FIFO would block a reader forever, a device (``/dev/zero``) never ends, and a huge file
exhausts memory. Every read of pack-supplied content goes through ``read_regular``, which
opens without blocking, checks the opened descriptor (not the name, which could be
swapped in between) and never reads more than the limit allows.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from bridge.i18n import tr


class UnsafeFile(OSError):
    """The path is not a regular file within limits. ``reason`` is a short code:
    ``not-regular``, ``too-large``, ``outside`` or ``unreadable``."""

    def __init__(self, path: Path | str, reason: str, message: str, why: str = ""):
        super().__init__(message)
        self.path, self.reason, self.message, self.why = Path(path), reason, message, why or message

    def __str__(self) -> str:
        return self.message


def kind_of(mode: int) -> str:
    """What a non-regular file is, for messages."""
    for test, en, zh in ((stat.S_ISFIFO, "a named pipe (FIFO)", "命名管道（FIFO）"),
                         (stat.S_ISCHR, "a character device", "字符设备"),
                         (stat.S_ISBLK, "a block device", "块设备"),
                         (stat.S_ISSOCK, "a socket", "套接字"),
                         (stat.S_ISDIR, "a folder", "目录")):
        if test(mode):
            return tr(en, zh)
    return tr("not a regular file", "非普通文件")


def read_regular(path: Path | str, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``; raises ``UnsafeFile`` for anything else.

    ``O_NONBLOCK`` makes opening a FIFO return at once instead of waiting for a writer;
    the descriptor's type is then checked, so nothing but a regular file is ever read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise UnsafeFile(path, "unreadable", tr("cannot read {p}: {e}", "无法读取 {p}：{e}",
                                                 p=path, e=err.strerror or err), str(err.strerror or err)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile(path, "not-regular",
                             tr("{p} is {kind}, not a regular file; certbridge reads only regular files (no pipes, devices or folders).",
                                "{p} 是{kind}，不是普通文件；certbridge 只读取普通文件（不读管道、设备或目录）。", p=path, kind=kind_of(info.st_mode)))
        if info.st_size > max_bytes:
            raise too_large(path, max_bytes)
        chunks, total = [], 0
        while True:  # read one byte past the limit: the file may grow after fstat
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise too_large(path, max_bytes)
        return b"".join(chunks)
    except OSError as err:
        if isinstance(err, UnsafeFile):
            raise
        raise UnsafeFile(path, "unreadable", tr("cannot read {p}: {e}", "无法读取 {p}：{e}",
                                                 p=path, e=err.strerror or err), str(err.strerror or err)) from None
    finally:
        os.close(fd)


def too_large(path: Path | str, max_bytes: int) -> UnsafeFile:
    return UnsafeFile(path, "too-large", tr("{p} is larger than the limit of {mib} MiB.",
                                            "{p} 超过 {mib} MiB 的上限。", p=path, mib=_mib(max_bytes)))


def is_inside(path: Path | str, folder: Path | str) -> bool:
    """Whether the real path of ``path`` lies inside the real path of ``folder``."""
    real, base = os.path.realpath(path), os.path.realpath(folder)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def _mib(n: int) -> str:
    return f"{n / 2**20:g}"
