"""The base error and the process exit codes (documented in README.md)."""
from __future__ import annotations

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
