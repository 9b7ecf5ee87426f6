"""The pack model: what a loaded, resolved ``pack.toml`` holds."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from bridge.pack.lines import LineIndex

RESOURCE_TYPES = ("file", "page", "url", "quiz", "label")
#: Moodle module name for each resource type.
MODNAME = {"file": "resource", "page": "page", "url": "url", "quiz": "quiz", "label": "label"}
STATUSES = ("ready", "planned")
IDNUMBER_PREFIX = "certbridge"
IDNUMBER_MAX = 100  # Moodle's course_modules.idnumber length


def idnumber_prefix(pack_id: str) -> str:
    """The idnumber prefix of every module a pack owns (what ``get_modules`` lists)."""
    return f"{IDNUMBER_PREFIX}:{pack_id}:"


def idnumber_for(pack_id: str, resource_id: str) -> str:
    return idnumber_prefix(pack_id) + resource_id


class SourceSpot(NamedTuple):
    """Where an entry stands in its file; the line is looked up only when asked."""

    index: LineIndex
    path: tuple

    def line(self, key: str | None = None) -> int | None:
        return self.index.line(*self.path, key) if key else self.index.line(*self.path)


@dataclass(frozen=True)
class Requirement:
    """One 职业技能要求 of a standard at one level, with its 工作领域 and 工作任务."""

    code: str
    text: str
    area_code: str
    area: str
    task_code: str
    task: str


@dataclass
class Standard:
    """A certificate's 职业技能等级标准: requirement tables per level."""

    id: str
    certificate: str
    issuer: str
    version: str
    path: Path
    levels: dict[str, list[Requirement]] = field(default_factory=dict)

    def requirements(self, level: str) -> list[Requirement]:
        return self.levels.get(level, [])

    def requirement_map(self, level: str) -> dict[str, Requirement]:
        return {r.code: r for r in self.requirements(level)}


@dataclass
class Certificate:
    name: str
    issuer: str
    level: str  # canonical: 初级 | 中级 | 高级
    standard: Standard | None
    standard_ref: str = ""  # as written: a standard id or a .toml path inside the pack
    spot: SourceSpot | None = field(default=None, repr=False, compare=False)  # the [certificate] table


@dataclass
class Course:
    shortname: str
    fullname: str
    category: list[str]  # path from the top category down
    target: float = 0.5
    summary: str = ""


@dataclass(slots=True)  # slots: a library holds tens of thousands of these
class Resource:
    """One planned resource, resolved: a ``use`` reference already points at its source."""

    id: str
    type: str
    title: str
    section: int  # Moodle section number (1-based)
    position: int  # 0-based index within the section
    skills: tuple[str, ...] = ()
    status: str = "ready"
    visible: bool = True
    description: str = ""
    source: Path | None = None  # absolute path of a file inside the home pack
    source_ref: str | None = None  # ``source`` as written in pack.toml
    template: str | None = None
    vars: dict[str, Any] = field(default_factory=dict)
    url: str | None = None
    text: str | None = None
    use: str | None = None  # "<pack id>:<resource id>" when reused
    home_pack: str = ""  # pack id where the content is authored
    home_id: str = ""  # resource id in the home pack
    home_root: Path | None = None  # folder of the home pack (templates are searched there)
    keys: frozenset[str] = frozenset()  # the keys written in pack.toml for this entry
    spot: SourceSpot | None = field(default=None, repr=False, compare=False)
    #: Content already produced while validating (rendered page, parsed quiz), so the
    #: desired state does not render or parse it a second time in the same run.
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def line(self) -> int | None:
        """The line of this entry's ``[[sections.resources]]`` header."""
        return self.spot.line() if self.spot else None

    def line_of(self, key: str) -> int | None:
        """The line of ``key`` in this entry, else of the entry."""
        if self.spot is None:
            return None
        return (self.spot.line(key) if key in self.keys else None) or self.spot.line()

    @property
    def ready(self) -> bool:
        return self.status == "ready"

    @property
    def modname(self) -> str:
        return MODNAME[self.type]


@dataclass
class Section:
    number: int
    title: str
    summary: str = ""
    resources: list[Resource] = field(default_factory=list)


@dataclass
class Pack:
    id: str
    title: str
    version: str
    owners: list[str]
    root: Path
    file: Path
    kind: str = "course"  # course | library
    description: str = ""
    certificate: Certificate | None = None
    course: Course | None = None
    sections: list[Section] = field(default_factory=list)

    @property
    def resources(self) -> list[Resource]:
        return [r for s in self.sections for r in s.resources]

    def resource(self, resource_id: str) -> Resource | None:
        return next((r for r in self.resources if r.id == resource_id), None)

    def idnumber(self, resource: Resource) -> str:
        return idnumber_for(self.id, resource.id)

    @property
    def prefix(self) -> str:
        return idnumber_prefix(self.id)
