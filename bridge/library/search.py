"""Searching the library index: a text query plus filters, and the rows the CLI prints."""
from __future__ import annotations

from dataclasses import dataclass

from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr
from bridge.library.index import LibraryIndex, LibraryResource, Placement, fold
from bridge.pack.levels import canonical_level


@dataclass(frozen=True)
class Query:
    """What to look for. Empty fields do not filter.

    ``text`` is split on whitespace; every term must occur in a title or the page text.
    ``certificate`` (name or standard id), ``level``, ``skill`` and ``status`` must hold
    together for at least one placement (the home pack or a course that uses it).
    ``skill`` matches a requirement code or any code under it (``1.2`` matches ``1.2.1``).
    """

    text: str = ""
    certificate: str = ""
    level: str = ""
    skill: str = ""
    type: str = ""
    status: str = ""

    def placement_filter(self):
        """A predicate over placements, or None when no placement filter is set."""
        cert = fold(self.certificate)
        level = ""
        if self.level:
            level = canonical_level(self.level) or ""
            if not level:
                raise BridgeError(tr("Unknown level '{v}': use 初级, 中级, 高级 (or elementary, intermediate, advanced).",
                                     "未知的等级“{v}”：请使用 初级、中级、高级（或 elementary、intermediate、advanced）。",
                                     v=self.level), exit_code=ExitCode.INVALID_INPUT)
        skill, status = self.skill.strip(), self.status
        if not (cert or level or skill or status):
            return None

        def match(p: Placement) -> bool:
            if cert and cert not in (fold(p.certificate), fold(p.standard.id if p.standard else "")):
                return False
            if level and p.level != level:
                return False
            if skill and not any(c == skill or c.startswith(skill + ".") for c in p.resource.skills):
                return False
            return not status or p.resource.status == status

        return match


def search(index: LibraryIndex, query: Query) -> list[LibraryResource]:
    """Resources matching ``query``: those whose title matches first, then library order."""
    terms = fold(query.text).split()
    placement_ok = query.placement_filter()
    title_hits: list[LibraryResource] = []
    text_hits: list[LibraryResource] = []
    for entry in index.resources:
        if query.type and entry.type != query.type:
            continue
        if placement_ok is not None and not any(placement_ok(p) for p in entry.placements):
            continue
        if not terms:
            title_hits.append(entry)
            continue
        text = entry.text
        if all(t in text for t in terms):
            titles = fold(" ".join(p.resource.title for p in entry.placements))
            (title_hits if all(t in titles for t in terms) else text_hits).append(entry)
    return title_hits + text_hits


def resource_row(entry: LibraryResource) -> dict:
    """One result as plain data (the JSON output; the table shows a subset)."""
    return {
        "key": entry.key,
        "pack": entry.pack.id,
        "id": entry.resource.id,
        "title": entry.title,
        "type": entry.type,
        "status": entry.status,
        "skills": list(entry.skills),
        "size": entry.size,
        "defined_in": {"pack": entry.pack.id, "kind": entry.pack.kind, "file": str(entry.pack.file),
                       "section": entry.placements[0].section_title},
        "used_by": [{"pack": p.pack_id, "course": p.course, "resource": p.resource.id, "title": p.resource.title,
                     "section": p.resource.section, "idnumber": p.idnumber, "status": p.resource.status,
                     "visible": p.resource.visible, "reused": p.reused,
                     "certificate": p.certificate, "level": p.level, "skills": list(p.resource.skills)}
                    for p in entry.used_by],
    }
