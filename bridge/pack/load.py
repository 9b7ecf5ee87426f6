"""Loading ``pack.toml`` into the model, with every structural problem collected."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bridge.i18n import tr
from bridge.textwidth import printable
from bridge.pack import schema
from bridge.pack.levels import canonical_level
from bridge.pack.lines import LineIndex
from bridge.pack.model import (IDNUMBER_MAX, RESOURCE_TYPES, STATUSES, Certificate, Course, Pack,
                               Resource, Section, SourceSpot, idnumber_for)
from bridge.pack.paths import PackPaths
from bridge.pack.plaintext import plain_text_problem
from bridge.pack.problems import ProblemList
from bridge.pack.tomlfile import read_toml

PACK_FILE = "pack.toml"
_PACK_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
_RESOURCE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def pack_file(path: Path) -> Path:
    """Accept a pack folder or its ``pack.toml``."""
    return path / PACK_FILE if path.is_dir() else path


class PackLoader:
    """Builds a ``Pack`` from one ``pack.toml``. References (``use``) stay unresolved."""

    def __init__(self, file: Path):
        self.file = file
        self.root = file.parent
        self.problems = ProblemList(file)
        self.lines = LineIndex("")
        self.paths = PackPaths(self.root)

    def load(self) -> Pack | None:
        data, self.lines = read_toml(self.file, self.problems)
        if data is None:
            return None
        schema.check_table(data, schema.TOP, (), "pack.toml", self.problems, self.lines)
        head = data.get("pack")
        if not isinstance(head, dict) or not schema.check_table(head, schema.PACK, ("pack",), "[pack]",
                                                                 self.problems, self.lines):
            return None
        pack = Pack(id=str(head.get("id", "")), title=str(head.get("title", "")),
                    version=str(head.get("version", "")), owners=self._owners(head.get("owners")),
                    root=self.root, file=self.file, kind=str(head.get("kind", "course")),
                    description=str(head.get("description", "")))
        if pack.id and not _PACK_ID.match(pack.id):
            self._bad(("pack", "id"), tr("Pack id '{v}' must be lowercase letters, digits, '.', '_' or '-' "
                                         "(at most 40, starting with a letter or digit).",
                                         "资源包 id“{v}”只能使用小写字母、数字、“.”、“_”、“-”（不超过 40 个字符，以字母或数字开头）。",
                                         v=pack.id))
        if pack.kind not in ("course", "library"):
            self._bad(("pack", "kind"), tr("kind must be 'course' or 'library'.", "kind 必须是 course 或 library。"))
        if pack.kind == "course":
            pack.certificate = self._certificate(data.get("certificate"))
            pack.course = self._course(data.get("course"))
        elif pack.kind == "library":
            for table in ("certificate", "course"):  # would be silently ignored: say so
                if table in data:
                    self._bad((table,), tr("A library pack (kind = \"library\") belongs to no course: remove [{t}]. "
                                           "Skill codes of its resources are checked in each course that uses them.",
                                           "共享资源库（kind = \"library\"）不属于任何课程：请删除 [{t}]。其资源的技能编码在引用它的各课程中检查。",
                                           t=table))
        pack.sections = self._sections(data.get("sections", []), pack)
        self._plain(("pack", "title"), pack.title, tags=False)  # never sent to Moodle: controls only
        if pack.course is not None:
            self._plain(("course", "fullname"), pack.course.fullname)
            self._plain(("course", "shortname"), pack.course.shortname)
            for part in pack.course.category:
                self._plain(("course", "category"), part)
        return pack

    # -- tables -----------------------------------------------------------------
    def _owners(self, owners: Any) -> list[str]:
        if not isinstance(owners, list):
            return []
        if not owners or not all(isinstance(o, str) and o.strip() for o in owners):
            self._bad(("pack", "owners"), tr("owners must list at least one name (strings).",
                                             "owners 至少要列出一位负责人（字符串）。"))
        return [o for o in owners if isinstance(o, str)]

    def _certificate(self, table: Any) -> Certificate | None:
        if table is None:
            self.problems.add(self.lines.line("pack"), "missing-field",
                              tr("A course pack needs a [certificate] table.", "课程资源包需要 [certificate] 表。"))
            return None
        if not schema.check_table(table, schema.CERTIFICATE, ("certificate",), "[certificate]",
                                  self.problems, self.lines):
            return None
        level = canonical_level(str(table.get("level", "")))
        if "level" in table and level is None:
            self.problems.add(self.lines.line("certificate", "level"), "bad-level",
                              tr("Unknown level '{v}': use 初级, 中级, 高级 (or elementary, intermediate, advanced).",
                                 "未知的等级“{v}”：请使用 初级、中级、高级（或 elementary、intermediate、advanced）。",
                                 v=table.get("level")))
        return Certificate(name=str(table.get("name", "")), issuer=str(table.get("issuer", "")),
                           level=level or "", standard=None, standard_ref=str(table.get("standard", "")),
                           spot=SourceSpot(self.lines, ("certificate",)))

    def _course(self, table: Any) -> Course | None:
        if table is None:
            self.problems.add(self.lines.line("pack"), "missing-field",
                              tr("A course pack needs a [course] table.", "课程资源包需要 [course] 表。"))
            return None
        if not schema.check_table(table, schema.COURSE, ("course",), "[course]", self.problems, self.lines):
            return None
        target = table.get("target", 0.5)
        if isinstance(target, (int, float)) and not isinstance(target, bool) and not 0 <= target <= 1:
            self._bad(("course", "target"), tr("target is a fraction from 0 to 1 (0.5 = 50%).",
                                               "target 是 0 到 1 之间的比例（0.5 即 50%）。"))
        category = [part.strip() for part in str(table.get("category", "")).split("/") if part.strip()]
        if "category" in table and not category:
            self._bad(("course", "category"), tr("category must name a category, e.g. \"信息工程学院 / 软件技术\".",
                                                 "category 必须给出课程类别，例如 \"信息工程学院 / 软件技术\"。"))
        return Course(shortname=str(table.get("shortname", "")), fullname=str(table.get("fullname", "")),
                      category=category, target=float(target) if isinstance(target, (int, float)) else 0.5,
                      summary=str(table.get("summary", "")))

    def _sections(self, sections: Any, pack: Pack) -> list[Section]:
        result: list[Section] = []
        seen: dict[str, Resource] = {}
        for si, table in enumerate(sections if isinstance(sections, list) else []):
            path = ("sections", si)
            if not schema.check_table(table, schema.SECTION, path, "[[sections]]", self.problems, self.lines):
                continue
            section = Section(number=si + 1, title=str(table.get("title", "")), summary=str(table.get("summary", "")))
            self._plain(path + ("title",), section.title)
            entries = table.get("resources", [])
            for ri, entry in enumerate(entries if isinstance(entries, list) else []):
                resource = self._resource(entry, path + ("resources", ri), section, pack)
                if resource is None:
                    continue
                if resource.id in seen:
                    self.problems.add(resource.line_of("id"), "duplicate-id",
                                      tr("Resource id '{id}' is already used on line {first}; ids must be unique in a pack.",
                                         "资源 id“{id}”已在第 {first} 行使用；同一资源包内 id 必须唯一。",
                                         id=resource.id, first=seen[resource.id].line_of("id")))
                    continue
                seen[resource.id] = resource
                section.resources.append(resource)
            result.append(section)
        return result

    def _resource(self, entry: Any, path: tuple, section: Section, pack: Pack) -> Resource | None:
        where = "[[sections.resources]]"
        if not schema.check_table(entry, schema.RESOURCE, path, where, self.problems, self.lines):
            return None
        spot = SourceSpot(self.lines, path)
        rid = entry.get("id")
        if not isinstance(rid, str):
            return None
        if not _RESOURCE_ID.match(rid):
            self._bad(path + ("id",), tr("Resource id '{v}' may hold only letters, digits, '.', '_' and '-'.",
                                         "资源 id“{v}”只能包含字母、数字、“.”、“_”、“-”。", v=rid))
        if pack.id and len(idnumber_for(pack.id, rid)) > IDNUMBER_MAX:
            self.problems.add(spot.line("id"), "idnumber-too-long",
                              tr("The Moodle idnumber of '{id}' would exceed {n} characters; shorten the pack or resource id.",
                                 "资源“{id}”对应的 Moodle idnumber 会超过 {n} 个字符；请缩短资源包或资源的 id。",
                                 id=rid, n=IDNUMBER_MAX))
        resource = Resource(id=rid, type=str(entry.get("type", "")), title=str(entry.get("title", "")),
                            section=section.number, position=len(section.resources),
                            skills=tuple(str(s) for s in entry.get("skills", []) if isinstance(entry.get("skills"), list)),
                            status=str(entry.get("status", "ready")), visible=bool(entry.get("visible", True)),
                            description=str(entry.get("description", "")), template=entry.get("template"),
                            vars=dict(entry.get("vars", {})) if isinstance(entry.get("vars"), dict) else {},
                            url=entry.get("url"), text=entry.get("text"), use=entry.get("use"),
                            home_pack=pack.id, home_id=rid, spot=spot, keys=frozenset(entry),
                            source_ref=entry.get("source") if isinstance(entry.get("source"), str) else None)
        self._plain(path + ("title",), resource.title)
        if resource.status not in STATUSES:
            self._bad(path + ("status",), tr("status must be 'ready' or 'planned'.", "status 必须是 ready 或 planned。"))
        if resource.use is not None:
            extra = sorted(set(entry) - schema.USE_OVERRIDES)
            if extra:
                self._bad(path + (extra[0],), tr("A resource with 'use' takes its content from the source; "
                                                 "remove {keys} (only title, visible, description, skills, status may be overridden).",
                                                 "带 use 的资源内容来自源资源；请删除 {keys}（只能覆盖 title、visible、description、skills、status）。",
                                                 keys=", ".join(extra)))
            return resource
        if "type" not in entry:
            self.problems.add(spot.line(), "missing-field", tr("The resource '{id}' needs a type.", "资源“{id}”缺少 type。", id=rid))
        elif resource.type not in RESOURCE_TYPES:
            self.problems.add(self.lines.line(*path, "type"), "unknown-type",
                              tr("Unknown resource type '{t}'; use one of {types}.", "未知的资源类型“{t}”；可用类型：{types}。",
                                 t=resource.type, types=", ".join(RESOURCE_TYPES)))
        if resource.type != "label" and not resource.title.strip():
            self.problems.add(spot.line(), "missing-field", tr("The resource '{id}' needs a title.", "资源“{id}”缺少 title。", id=rid))
        if "source" in entry:
            resource.source, why = self.paths.resolve(str(entry["source"]))
            if why:
                self.problems.add(resource.line_of("source"), "path-escapes", why)
        return resource

    def _plain(self, path: tuple, value: str, *, tags: bool = True) -> None:
        """A title Moodle keeps as plain text: refused when it holds tags or controls."""
        if why := plain_text_problem(value, tags=tags):
            self.problems.add(self.lines.line(*path), "title-not-plain",
                              tr("{key} '{v}' cannot be a Moodle title: {why}", "{key}“{v}”不能作为 Moodle 标题：{why}",
                                 key=path[-1], v=printable(value)[:60], why=why))

    def _bad(self, path: tuple, message: str) -> None:
        self.problems.add(self.lines.line(*path), "bad-value", message)


def load_pack(path: Path) -> tuple[Pack | None, list]:
    """Load one pack (folder or ``pack.toml``) without resolving references or checking content."""
    loader = PackLoader(pack_file(path))
    pack = loader.load()
    return pack, loader.problems.items
