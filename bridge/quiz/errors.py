"""Problems found in a quiz file, and the error that carries them to the CLI."""
from __future__ import annotations

from dataclasses import dataclass

from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr

#: How many problems the error message lists before "… and N more".
_MAX_LISTED = 20


@dataclass(frozen=True)
class QuizProblem:
    """One thing wrong in a quiz file, where it is, and how to fix it.

    ``code`` is a short kebab-case identifier (``gift-unclosed-brace``) that tests and
    tools can match on; ``message`` and ``hint`` are in the language of the moment.
    """

    file: str
    line: int | None
    code: str
    message: str
    hint: str | None = None
    #: 1-based column of the spot (GIFT), or the column heading (spreadsheets).
    column: int | str | None = None
    #: Replaces the line in the text form, e.g. "第 5 行（答案）" for a spreadsheet row.
    where: str | None = None
    #: The source line with a caret under the spot.
    context: str | None = None

    @property
    def column_number(self) -> int | None:
        """The column as a number (GIFT); ``None`` for a spreadsheet's heading or none."""
        return self.column if isinstance(self.column, int) else None

    @property
    def location(self) -> str:
        if self.where:
            return f"{self.file}:{self.where}"
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}" + (f":{self.column}" if self.column_number is not None else "")

    def __str__(self) -> str:
        text = f"{self.location}: {self.code}: {self.message}"
        return f"{text}\n{self.context}" if self.context else text

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column, "code": self.code,
                "message": self.message, "hint": self.hint}


class QuizError(BridgeError):
    """A quiz file that cannot be published; ``problems`` lists everything found."""

    exit_code = ExitCode.INVALID_INPUT

    def __init__(self, problems: list[QuizProblem]):
        self.problems = list(problems)
        lines = [str(p) for p in self.problems[:_MAX_LISTED]]
        if len(self.problems) > _MAX_LISTED:
            lines.append(tr("… and {n} more", "……另有 {n} 个问题", n=len(self.problems) - _MAX_LISTED))
        header = tr("{n} problem(s) in the quiz:", "题库文件中有 {n} 个问题：", n=len(self.problems))
        super().__init__("\n".join([header, *lines]),
                         hint=next((p.hint for p in self.problems if p.hint), None))


class ProblemLog:
    """Collects the problems of one file; parsers report into it and carry on."""

    #: Problems kept per file; past that they are only counted (a hostile file could
    #: otherwise hold a million of them).
    MAX_KEPT = 500

    def __init__(self, file: str):
        self.file = file
        self.problems: list[QuizProblem] = []
        self.dropped = 0

    def add(self, line: int | None, code: str, message: str, hint: str | None = None, *,
            column: int | str | None = None, where: str | None = None, context: str | None = None) -> None:
        if len(self.problems) >= self.MAX_KEPT:
            self.dropped += 1
            return
        self.problems.append(QuizProblem(self.file, line, code, message, hint, column, where, context))

    def __bool__(self) -> bool:
        return bool(self.problems)
