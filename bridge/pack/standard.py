"""Certificate standards: loading the requirement tables, grouping them as the standard
does (工作领域 → 工作任务 → 职业技能要求), and finding a standard by id."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from bridge.i18n import tr
from bridge.pack import schema
from bridge.pack.levels import canonical_level
from bridge.pack.model import Requirement, Standard
from bridge.pack.paths import resolve_inside
from bridge.pack.problems import Problem, ProblemList
from bridge.pack.tomlfile import read_toml

_CODE = re.compile(r"^\d+(\.\d+){0,3}$")
#: A standard id names a file in a standards folder: no path parts.
_STANDARD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def load_standard(path: Path) -> tuple[Standard | None, list[Problem]]:
    """Load one standard file; every problem is returned, none raised."""
    problems = ProblemList(path)
    data, lines = read_toml(path, problems)
    if data is None:
        return None, problems.items
    schema.check_table(data, schema.STANDARD_TOP, (), tr("the standard file", "标准文件"), problems, lines)
    head = data.get("standard", {})
    if not schema.check_table(head, schema.STANDARD, ("standard",), "[standard]", problems, lines):
        return None, problems.items
    std = Standard(id=str(head.get("id", path.stem)), certificate=str(head.get("certificate", "")),
                   issuer=str(head.get("issuer", "")), version=str(head.get("version", "")), path=path)
    for li, level in enumerate(data.get("levels", []) if isinstance(data.get("levels"), list) else []):
        if not schema.check_table(level, schema.STANDARD_LEVEL, ("levels", li), "[[levels]]", problems, lines):
            continue
        name = canonical_level(str(level.get("level", "")))
        if name is None:
            problems.add(lines.line("levels", li, "level"), "bad-level",
                         tr("Unknown level '{v}': use 初级, 中级 or 高级.", "未知的等级“{v}”：请使用 初级、中级 或 高级。",
                            v=level.get("level")))
            continue
        reqs = std.levels.setdefault(name, [])
        _load_areas(level.get("areas", []), ("levels", li), reqs, problems, lines)
    return std, problems.items


def _load_areas(areas, path, reqs: list[Requirement], problems: ProblemList, lines) -> None:
    seen: set[str] = set()
    for ai, area in enumerate(areas if isinstance(areas, list) else []):
        apath = path + ("areas", ai)
        if not schema.check_table(area, schema.STANDARD_AREA, apath, "[[levels.areas]]", problems, lines):
            continue
        for ti, task in enumerate(area.get("tasks", []) if isinstance(area.get("tasks"), list) else []):
            tpath = apath + ("tasks", ti)
            if not schema.check_table(task, schema.STANDARD_TASK, tpath, "[[levels.areas.tasks]]", problems, lines):
                continue
            for ri, req in enumerate(task.get("requirements", []) if isinstance(task.get("requirements"), list) else []):
                rpath = tpath + ("requirements", ri)
                if not schema.check_table(req, schema.STANDARD_REQUIREMENT, rpath, "requirements", problems, lines):
                    continue
                code = str(req.get("code", ""))
                if not _CODE.match(code) or not code.startswith(str(task.get("code", "")) + "."):
                    problems.add(lines.line(*rpath) or lines.line(*tpath, "requirements"), "standard-invalid",
                                 tr("Requirement code '{c}' must extend its task code '{t}' (like {t}.1).",
                                    "职业技能要求编码“{c}”应以所属工作任务编码“{t}”开头（如 {t}.1）。",
                                    c=code, t=task.get("code")))
                    continue
                if code in seen:
                    problems.add(lines.line(*tpath, "requirements"), "duplicate-id",
                                 tr("Requirement code '{c}' appears twice.", "职业技能要求编码“{c}”重复。", c=code))
                    continue
                seen.add(code)
                reqs.append(Requirement(code=code, text=str(req.get("text", "")),
                                        area_code=str(area.get("code", "")), area=str(area.get("name", "")),
                                        task_code=str(task.get("code", "")), task=str(task.get("name", ""))))


R = TypeVar("R")


@dataclass
class Task(Generic[R]):
    """One 工作任务 and a row per requirement."""

    code: str
    name: str
    requirements: list[R] = field(default_factory=list)


@dataclass
class Area(Generic[R]):
    """One 工作领域 and its tasks."""

    code: str
    name: str
    tasks: list[Task[R]] = field(default_factory=list)

    @property
    def size(self) -> int:
        """How many requirements (table rows) the area spans."""
        return sum(len(t.requirements) for t in self.tasks)


def group_requirements(requirements: Iterable[Requirement],
                       row: Callable[[Requirement], R] = lambda req: req) -> list[Area[R]]:
    """``requirements`` grouped into areas and tasks by code, in first-seen order, each
    requirement turned into ``row(requirement)``."""
    areas: dict[str, Area[R]] = {}
    tasks: dict[tuple[str, str], Task[R]] = {}
    for req in requirements:
        area = areas.get(req.area_code)
        if area is None:
            area = areas[req.area_code] = Area(req.area_code, req.area)
        task = tasks.get((req.area_code, req.task_code))
        if task is None:
            task = tasks[req.area_code, req.task_code] = Task(req.task_code, req.task)
            area.tasks.append(task)
        task.requirements.append(row(req))
    return list(areas.values())


def find_standard(ref: str, pack_root: Path, search_dirs: list[Path]) -> Path | None:
    """Resolve a pack's ``standard`` value: a ``.toml`` path inside the pack, or an id
    looked up in each search dir (``<dir>/<id>.toml``).
    A path leaving the pack, or an id with path parts, finds nothing."""
    if ref.endswith(".toml"):
        candidate, _ = resolve_inside(pack_root, ref)
        return candidate if candidate is not None and candidate.is_file() else None
    if not _STANDARD_ID.match(ref):
        return None
    for directory in search_dirs:
        candidate = directory / f"{ref}.toml"
        if candidate.is_file():
            return candidate
    return None
