"""The whole report: every course's figure, each pack's skill coverage, the trend history.

``CompletionReport.to_dict()`` is the JSON format (``report_version`` 1, documented in
docs/report.md); the other renderers read the same object.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

from bridge.report.completion import CourseCompletion
from bridge.report.coverage import PackCoverage
from bridge.sync.state import FigureRow

REPORT_VERSION = 1


@dataclass(frozen=True)
class SiteRef:
    name: str
    url: str


@dataclass
class CompletionReport:
    """A report run: courses in the order they were asked for, on one or more sites."""

    generated_at: float  # epoch seconds, like the history's ``at``
    sites: list[SiteRef] = field(default_factory=list)
    courses: list[CourseCompletion] = field(default_factory=list)
    coverage: list[PackCoverage] = field(default_factory=list)
    #: (site, shortname) → past figures, oldest first (this run included once recorded)
    history: dict[tuple[str, str], list[FigureRow]] = field(default_factory=dict)
    #: (site, shortname) → hand edits kept by sync and not adopted: {"kept": n, "in_moodle": m}
    hand_edits: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)

    def hand_edits_of(self, course: CourseCompletion) -> dict[str, int]:
        return self.hand_edits.get((course.site, course.shortname), {"kept": 0, "in_moodle": 0})

    def trend(self, course: CourseCompletion) -> list[FigureRow]:
        return self.history.get((course.site, course.shortname), [])

    @property
    def summary(self) -> dict[str, int]:
        """How many courses meet their target, fall below it, or could not be read."""
        statuses = [c.status for c in self.courses]
        return {"courses": len(statuses), "meets_target": statuses.count("meets"),
                "below_target": statuses.count("below"), "unknown": statuses.count("unknown")}

    @property
    def multi_site(self) -> bool:
        return len({c.site for c in self.courses}) > 1

    def unreadable(self) -> list[tuple[str, list[CourseCompletion]]]:
        """Courses that could not be read, grouped by reason (first seen first): a site
        that is down is one reason for all its courses, said once."""
        groups: dict[str, list[CourseCompletion]] = {}
        for c in self.courses:
            if not c.known:
                groups.setdefault(c.error, []).append(c)
        return list(groups.items())

    def failing(self, fail_under: float) -> list[CourseCompletion]:
        """Courses below ``fail_under`` (0–1) — or unreadable, since they cannot be shown to pass."""
        return [c for c in self.courses if c.ratio is None or c.ratio + 1e-9 < fail_under]

    def to_dict(self) -> dict:
        """The JSON document (schema: docs/report.md), for ``orjson.dumps`` (it serialises
        the resources' dataclasses itself, much faster than building 10⁵ dicts)."""
        return {
            "report_version": REPORT_VERSION,
            "generated_at": iso_time(self.generated_at),
            "summary": self.summary,
            "sites": [{"name": s.name, "url": s.url} for s in self.sites],
            "courses": [self._course_dict(c) for c in self.courses],
            "coverage": [_coverage_dict(p) for p in self.coverage],
        }

    def _course_dict(self, c: CourseCompletion) -> dict:
        ratio = c.ratio
        return {
            "site": c.site, "pack_id": c.pack_id, "pack_title": c.pack_title,
            "shortname": c.shortname, "fullname": c.fullname, "course_id": c.courseid, "url": c.course_url,
            "planned": c.planned, "online": c.online,
            "ratio": None if ratio is None else round(ratio, 6),
            "target": c.target, "meets_target": c.meets_target, "status": c.status,
            "counts": c.counts, "error": c.error, "hand_edits": self.hand_edits_of(c),
            # Lean on purpose (a report may hold 10⁵ resources): the Moodle idnumber is
            # idnumber_prefix + resource_id.
            "idnumber_prefix": c.idnumber_prefix,
            "resources": c.resources,  # ResourceStatus dataclasses: orjson writes their fields
            "history": [{"at": iso_time(p.at), "source": p.source, "planned": p.planned, "online": p.online,
                         "ratio": p.ratio, "target": p.target} for p in self.trend(c)],
        }


def _coverage_dict(p: PackCoverage) -> dict:
    return {
        "site": p.site, "pack_id": p.pack_id, "pack_title": p.pack_title, "shortname": p.shortname,
        "certificate": p.certificate, "level": p.level, "standard": p.standard_id, "known": p.known,
        "requirements": p.total, "covered": p.covered_count,
        "uncovered": [rc.requirement.code for rc in p.uncovered],
        "areas": [{"code": a.code, "name": a.name, "tasks": [
            {"code": t.code, "name": t.name, "requirements": [
                {"code": rc.requirement.code, "text": rc.requirement.text, "covered": rc.covered,
                 "resources": [r.resource_id for r in rc.resources]}
                for rc in t.requirements]}
            for t in a.tasks]} for a in p.areas],
    }



def local_time(epoch: float) -> str:
    """``2026-11-29T16:00:00+08:00`` — this machine's local time with its offset, what
    people read in the CSV, the table and the HTML page."""
    return datetime.fromtimestamp(epoch).astimezone().isoformat(timespec="seconds")


@lru_cache(maxsize=4096)  # one run stamps all its courses with the same time
def iso_time(epoch: float) -> str:
    """``2026-11-29T08:00:00Z`` — what the JSON and CSV formats carry."""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
