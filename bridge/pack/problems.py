"""Validation problems: what is wrong, where, and what to do about it."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack. ``line`` is 1-based, ``None`` when no line applies."""

    file: str
    line: int | None
    code: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.code}: {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "code": self.code,
                "severity": self.severity, "message": self.message}


@dataclass
class ProblemList:
    """Collects problems for one file so checks can keep going after the first."""

    file: Path
    items: list[Problem] = field(default_factory=list)

    def add(self, line: int | None, code: str, message: str) -> None:
        self.items.append(Problem(str(self.file), line, code, message))

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)
