"""How much of one course is online: a pure function of the desired course and what
Moodle holds (a fresh ``CourseSnapshot``), no I/O.

Each planned resource gets exactly one state (see docs/report.md):

- ``online``   the module exists, students can see it (visible, not stealth, its section
               visible) and its fingerprint is the pack's current content;
- ``hidden``   it exists but students cannot see it (hidden, stealth, section hidden,
               or the pack itself marks it hidden);
- ``outdated`` it is visible but its content differs from the pack's;
- ``missing``  no module with its idnumber (never synced, or deleted by hand);
- ``planned``  the pack marks it ``status = "planned"``: not produced yet;
- ``unknown``  the course could not be read, so nothing is known about it.

The figure is ``online / planned`` where ``planned`` counts every resource of the pack,
produced or not: a pack with 10 resources of which 5 are online stands at 50%.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from bridge.moodle.types import RemoteModule
from bridge.render.desired import DesiredCourse, DesiredModule
from bridge.sync.snapshot import CourseSnapshot

ONLINE, MISSING, HIDDEN, OUTDATED, PLANNED, UNKNOWN = "online", "missing", "hidden", "outdated", "planned", "unknown"
#: Every state, in the order reports show them.
STATES = (ONLINE, OUTDATED, HIDDEN, MISSING, PLANNED, UNKNOWN)


@dataclass  # neither frozen (slow __init__) nor slots (orjson writes a __dict__ fastest): 10⁵ of these
class ResourceStatus:
    """One planned resource and its state in Moodle. Its fields are, as they are, the JSON
    format's ``resources`` entries (docs/report.md); the Moodle idnumber is the course's
    ``idnumber_prefix`` + ``resource_id``."""

    resource_id: str
    name: str
    type: str
    section: int
    skills: tuple[str, ...]
    state: str
    reason: str = ""  # why it is not online, in short words (machine-friendly code)
    cmid: int | None = None


@dataclass
class CourseCompletion:
    """A course's figure: its resources' states and how the share online compares with the target.

    The counts are computed once, on first use: fill ``resources`` before reading them.
    """

    site: str
    pack_id: str
    pack_title: str
    shortname: str
    fullname: str
    target: float
    resources: list[ResourceStatus] = field(default_factory=list)
    courseid: int | None = None
    course_url: str = ""
    error: str = ""  # why the course could not be read; its resources are then ``unknown``
    idnumber_prefix: str = ""  # every resource's Moodle idnumber is this + its resource_id

    @property
    def known(self) -> bool:
        return not self.error

    @property
    def planned(self) -> int:
        return len(self.resources)

    @property
    def online(self) -> int:
        return self.counts[ONLINE]

    @cached_property
    def counts(self) -> dict[str, int]:
        """How many resources are in each state (every state present, zeros included)."""
        counts = dict.fromkeys(STATES, 0)
        for r in self.resources:
            counts[r.state] += 1
        return counts

    @property
    def ratio(self) -> float | None:
        """online / planned in 0–1; ``None`` when the course could not be read.
        A course with nothing planned has nothing missing: 1.0."""
        if not self.known:
            return None
        return self.online / self.planned if self.planned else 1.0

    @property
    def meets_target(self) -> bool | None:
        ratio = self.ratio
        # A tiny epsilon so 5/10 meets 0.5 even if the target was written as 0.50000000001-ish.
        return None if ratio is None else ratio + 1e-9 >= self.target

    @property
    def status(self) -> str:
        """``meets`` | ``below`` | ``unknown`` — the course's line in the summary."""
        meets = self.meets_target
        return "unknown" if meets is None else ("meets" if meets else "below")


def module_state(desired: DesiredModule, remote: RemoteModule | None) -> tuple[str, str]:
    """The state of one resource and a short reason code (empty when online)."""
    if not desired.ready:
        return PLANNED, "status-planned"
    if remote is None:
        return MISSING, "not-in-course"
    if not remote.sectionvisible:
        return HIDDEN, "section-hidden"
    if not remote.visible:
        return HIDDEN, "hidden-in-pack" if not desired.visible else "hidden"
    if remote.stealth or not remote.visibleoncoursepage:
        return HIDDEN, "stealth"
    if remote.modname != desired.modname:
        return OUTDATED, "type-differs"
    if desired.fingerprint is not None and remote.fingerprint != desired.fingerprint:
        return OUTDATED, "content-differs" if remote.fingerprint else "content-unknown"
    return ONLINE, ""


def course_completion(desired: DesiredCourse, snapshot: CourseSnapshot, *, site: str = "",
                      pack_title: str = "", site_url: str = "") -> CourseCompletion:
    """Each planned resource's state in ``snapshot`` and the course's figure (pure)."""
    error = ""
    if snapshot.error is not None:
        error = getattr(snapshot.error, "message", None) or str(snapshot.error)
    completion = _completion(desired, snapshot, error, site=site, pack_title=pack_title)
    if snapshot.course is not None and not error:
        completion.fullname = snapshot.course.get("fullname") or desired.fullname
        if site_url and snapshot.courseid:
            completion.course_url = f"{site_url.rstrip('/')}/course/view.php?id={snapshot.courseid}"
    return completion


def unknown_completion(desired: DesiredCourse, error: str, *, site: str = "", pack_title: str = "") -> CourseCompletion:
    """A course nothing could be learned about (site unusable, pack broken): its produced
    resources are ``unknown``, its planned ones stay ``planned``."""
    snapshot = CourseSnapshot(shortname=desired.shortname, prefix=desired.prefix)
    return _completion(desired, snapshot, error or "unknown error", site=site, pack_title=pack_title)


def _completion(desired: DesiredCourse, snapshot: CourseSnapshot, error: str, *, site: str,
                pack_title: str) -> CourseCompletion:
    completion = CourseCompletion(site=site, pack_id=desired.pack_id, pack_title=pack_title,
                                  shortname=desired.shortname, fullname=desired.fullname,
                                  target=desired.target, error=error, idnumber_prefix=desired.prefix,
                                  courseid=None if error else snapshot.courseid)
    listed = {} if error else snapshot.modules
    course_missing = snapshot.course is None
    append = completion.resources.append  # a hot loop: ~10⁵ resources in a large report
    for module in desired.modules:
        remote = listed.get(module.idnumber)
        if module.status != "ready":
            state, reason = PLANNED, "status-planned"
        elif error:
            state, reason = UNKNOWN, "course-unreadable"
        elif course_missing:
            state, reason = MISSING, "course-missing"
        else:
            state, reason = module_state(module, remote)
        append(ResourceStatus(module.resource_id, module.name, module.type, module.section,
                              module.skills, state, reason, None if remote is None else remote.cmid))
    return completion
