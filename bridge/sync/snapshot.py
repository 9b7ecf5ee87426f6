"""What Moodle holds for one course: read with one plugin listing call.

Both ``plan``/``sync`` and ``report`` read Moodle through this module, so they agree on
what is there.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from bridge.moodle.errors import MoodleError
from bridge.moodle.types import RemoteModule


@dataclass
class CourseSnapshot:
    """One course as Moodle has it. ``course`` is None when the course does not exist yet;
    ``error`` is set when it could not be read (the report shows it as unknown)."""

    shortname: str
    prefix: str
    course: dict | None = None
    modules: dict[str, RemoteModule] = field(default_factory=dict)
    duplicates: list[RemoteModule] = field(default_factory=list)  # same idnumber twice
    error: MoodleError | None = None
    #: The course plan stored in Moodle ("" none; None: the plugin does not keep plans)
    plan_fingerprint: str | None = None

    @property
    def courseid(self) -> int | None:
        return int(self.course["id"]) if self.course else None

    @property
    def exists(self) -> bool:
        return self.course is not None


def read_course(client, shortname: str, prefix: str, *, courseid: int | None = None) -> CourseSnapshot:
    """Read a course's managed modules. With a known ``courseid`` (from the sync state)
    this is a single ``local_certbridge_get_modules`` call; otherwise the course is first
    looked up by shortname."""
    snapshot = CourseSnapshot(shortname=shortname, prefix=prefix)
    try:
        if courseid is None:
            snapshot.course = client.get_course_by_shortname(shortname)
            if snapshot.course is None:
                return snapshot
            courseid = int(snapshot.course["id"])
        else:
            snapshot.course = {"id": courseid, "shortname": shortname}
        listing = client.list_modules(courseid, prefix)
    except MoodleError as err:
        snapshot.error = err
        return snapshot
    modules = listing.modules
    snapshot.plan_fingerprint = listing.plan_fingerprint
    # Two modules with one idnumber would be a bug somewhere; the planner sees the first
    # and the sync removes the extra (see planner duplicates).
    for module in modules:
        snapshot.modules.setdefault(module.idnumber, module)
    snapshot.duplicates = [m for m in modules if snapshot.modules[m.idnumber] is not m]
    return snapshot
