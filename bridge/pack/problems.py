"""Validation problems: what is wrong, where, and what to do about it."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack. ``line`` and ``column`` are 1-based, ``None`` when
    they do not apply; ``where`` replaces ``line`` in the text form (a spreadsheet's
    "第 5 行"); ``context`` is the source line with a caret under the spot."""

    file: str
    line: int | None
    code: str
    message: str
    severity: str = "error"
    column: int | None = None
    where: str | None = None
    context: str | None = None

    def __str__(self) -> str:
        if self.where:
            where = f"{self.file}:{self.where}"
        elif self.line:
            where = f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")
        else:
            where = self.file
        text = f"{where}: {self.code}: {self.message}"
        return f"{text}\n{self.context}" if self.context else text

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.column or 0)

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "code": self.code,
                "severity": self.severity, "message": self.message}


@dataclass
class ProblemList:
    """Collects problems for one file so checks can keep going after the first."""

    file: Path
    items: list[Problem] = field(default_factory=list)

    def add(self, line: int | None, code: str, message: str, *, column: int | None = None,
            context: str | None = None) -> None:
        self.items.append(Problem(str(self.file), line, code, message, column=column, context=context))

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)
