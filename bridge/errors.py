"""The base error and the process exit codes (documented in README.md)."""
from __future__ import annotations

import errno
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    #: The run finished but some items failed, or a report is below --fail-under.
    FAILURES = 1
    #: Invalid input: a pack, quiz, config file or command line that is wrong.
    INVALID_INPUT = 2
    #: The Moodle site cannot be used: unreachable, bad token, plugin missing or too old.
    SITE_ERROR = 3
    #: Another writing run holds the site's lock.
    LOCKED = 4
    #: A safety limit stopped the run before any write (--max-changes, --max-delete).
    LIMIT_EXCEEDED = 5
    #: Local state cannot be used (e.g. state schema newer than this program).
    STATE_ERROR = 6
    INTERRUPTED = 130


class BridgeError(Exception):
    """An error the CLI turns into one message and an exit code, never a traceback."""

    exit_code: ExitCode = ExitCode.FAILURES

    def __init__(self, message: str, *, hint: str | None = None, exit_code: ExitCode | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


#: Errors that mean the disk (or the user's quota) is full, not that the path is wrong.
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def write_error(err: OSError, path: object = None) -> BridgeError:
    """An ``OSError`` while writing ``path`` (or ``err.filename``) as one message and its
    exit code: a full disk is 1 (nothing is wrong with the input; what was there is kept),
    a path that cannot be written is 2."""
    from bridge.i18n import tr

    where = err.filename or path
    if err.errno in DISK_FULL:
        message = (tr("No space left on the device holding {path}.", "{path} 所在的设备没有剩余空间。", path=where)
                   if where else tr("No space left on the device.", "设备没有剩余空间。"))
        return BridgeError(message, hint=tr("Free some space (df -h shows where) and run again; files from earlier "
                                            "runs were left as they were.",
                                            "请释放空间（df -h 可查看）后重新运行；之前运行生成的文件保持不变。"),
                           exit_code=ExitCode.FAILURES)
    why = err.strerror or str(err)
    return BridgeError(tr("{where}: {why}", "{where}：{why}", where=where, why=why) if where else why,
                       hint=tr("Check the path, its permissions and the free space.", "请检查路径、权限和剩余空间。"),
                       exit_code=ExitCode.INVALID_INPUT)
