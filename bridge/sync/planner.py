"""The planner: a pure function of (desired course, last synced state, remote snapshot,
policy) → the actions that make Moodle match the pack. No I/O, no clock.

Moodle is compared with the pack on what ``local_certbridge_get_modules`` reports:
fingerprint, name, section, visibility (incl. stealth) and module type. The last synced
state is only used to say *why* something differs: when Moodle's value is no longer the
one we last wrote, Moodle was changed by hand (drift); otherwise the pack changed.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bridge.moodle.types import RemoteModule
from bridge.render.desired import DesiredCourse, DesiredModule
from bridge.sync.snapshot import CourseSnapshot
from bridge.sync.state import CourseRow, ModuleRow

# Action kinds.
CREATE_COURSE = "create_course"
ENSURE_SECTIONS = "ensure_sections"
SET_PLAN = "set_plan"  # store the course plan in Moodle for the in-Moodle report
CREATE = "create"
UPDATE = "update"
HIDE = "hide"
DELETE = "delete"
UNCHANGED = "unchanged"
DRIFT = "drift"  # Moodle was changed by hand and the policy says leave it: reported only
CONFLICT = "conflict"  # a hand edit of content or title under "protect": not written until adopted or restored
#: Kinds about the course, not one module.
COURSE_KINDS = (CREATE_COURSE, ENSURE_SECTIONS, SET_PLAN)
KINDS = (CREATE_COURSE, ENSURE_SECTIONS, SET_PLAN, CREATE, UPDATE, HIDE, DELETE, UNCHANGED, DRIFT,
         CONFLICT)
#: The kinds counted in a plan's summary, per module.
SUMMARY_KINDS = (CREATE, UPDATE, HIDE, DELETE, UNCHANGED, DRIFT, CONFLICT)

# Reasons. Those starting with "drift-" mean Moodle changed since our last sync.
CONTENT, TITLE, VISIBILITY, SECTION, TYPE = "content", "title", "visibility", "section", "type"
DRIFT_HIDDEN, DRIFT_DELETED, DRIFT_EDITED = "drift-hidden", "drift-deleted", "drift-edited"
NEW, REMOVED, NOT_READY, DUPLICATE = "new", "removed", "not-ready", "duplicate"
NEW_COURSE, TITLES, PLAN_CHANGED = "new-course", "titles", "plan-changed"

RESTORE, LEAVE, PROTECT = "restore", "leave", "protect"
DRIFT_POLICIES = (RESTORE, LEAVE, PROTECT)
#: Hand-edited fields whose overwrite would lose a person's work: kept before a restore,
#: conflicts under "protect" (a hidden or moved module loses nothing).
KEPT_FIELDS = (CONTENT, TITLE)


@dataclass(frozen=True)
class Policy:
    """How the sync treats hand changes and modules no longer in the pack."""

    drift: str = RESTORE  # restore (keep a copy, then overwrite) | leave (report only) | protect (conflict)
    prune: bool = False  # delete (instead of hide) modules removed from the pack

    def __post_init__(self) -> None:
        if self.drift not in DRIFT_POLICIES:
            raise ValueError(f"drift policy must be one of {DRIFT_POLICIES}, not {self.drift!r}")


@dataclass(frozen=True)
class LastState:
    """What the state store remembers of one course (empty when the state file is new)."""

    course: CourseRow | None = None
    modules: dict[str, ModuleRow] = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    """One step of a plan. ``module`` is the desired module (create/update); ``remote``
    what Moodle holds (update/hide/delete/unchanged)."""

    kind: str
    idnumber: str = ""
    name: str = ""
    reasons: tuple[str, ...] = ()
    module: DesiredModule | None = None
    remote: RemoteModule | None = None
    position: int = -1  # where a created module goes among its section's pushed modules
    drifted: tuple[str, ...] = ()  # fields changed by hand since our last write (content, title, …)

    @property
    def writes(self) -> bool:
        return self.kind not in (UNCHANGED, DRIFT, CONFLICT)

    @property
    def overwrites_hand_edit(self) -> bool:
        """A write that would replace hand-edited content or title: keep Moodle's version first."""
        return self.kind == UPDATE and any(f in KEPT_FIELDS for f in self.drifted)

    @property
    def sends_content(self) -> bool:
        """True when the module's content (file, XML, page) must be sent."""
        if self.kind not in (CREATE, UPDATE) or self.module is None:
            return False
        r = self.remote
        return r is None or r.modname != self.module.modname or r.fingerprint != self.module.fingerprint

    @property
    def only_visibility(self) -> bool:
        """An update that only shows/hides (done with core's edit_module, no content sent)."""
        if self.kind != UPDATE or self.module is None or self.remote is None:
            return False
        m, r = self.module, self.remote
        return (m.fingerprint == r.fingerprint and m.modname == r.modname and m.section == r.section
                and (m.modname == "label" or m.name == r.name))

    def to_dict(self) -> dict:
        data: dict = {"kind": self.kind}
        if self.idnumber:
            data["idnumber"] = self.idnumber
        if self.name:
            data["name"] = self.name
        if self.reasons:
            data["reasons"] = list(self.reasons)
        if self.drifted:
            data["drifted"] = list(self.drifted)
        if self.remote is not None:
            data["cmid"] = self.remote.cmid
        return data


@dataclass
class CoursePlan:
    pack_id: str
    shortname: str
    prefix: str
    courseid: int | None
    actions: list[Action] = field(default_factory=list)
    error: str = ""  # the course could not be read: nothing planned

    @property
    def course_actions(self) -> list[Action]:
        return [a for a in self.actions if a.kind in COURSE_KINDS]

    @property
    def module_actions(self) -> list[Action]:
        return [a for a in self.actions if a.kind not in COURSE_KINDS]

    @property
    def writes(self) -> list[Action]:
        return [a for a in self.actions if a.writes]

    @property
    def changes(self) -> int:
        """Module changes (create/update/hide/delete): what --max-changes limits."""
        return sum(1 for a in self.module_actions if a.writes)

    def counts(self) -> dict[str, int]:
        counter = Counter(a.kind for a in self.module_actions)
        return {kind: counter.get(kind, 0) for kind in SUMMARY_KINDS}

    def to_dict(self) -> dict:
        return {"pack": self.pack_id, "shortname": self.shortname, "courseid": self.courseid,
                "create_course": any(a.kind == CREATE_COURSE for a in self.actions),
                "ensure_sections": any(a.kind == ENSURE_SECTIONS for a in self.actions),
                "set_plan": any(a.kind == SET_PLAN for a in self.actions),
                "summary": self.counts(), "error": self.error or None,
                "actions": [a.to_dict() for a in self.module_actions]}


def plan_course(desired: DesiredCourse, last: LastState, snapshot: CourseSnapshot, policy: Policy) -> CoursePlan:
    """The actions that bring ``snapshot`` to ``desired`` under ``policy`` (pure)."""
    plan = CoursePlan(desired.pack_id, desired.shortname, desired.prefix, snapshot.courseid)
    if snapshot.error is not None:
        plan.error = getattr(snapshot.error, "message", None) or str(snapshot.error)
        return plan
    new_course = not snapshot.exists
    if new_course:
        plan.actions.append(Action(CREATE_COURSE, name=desired.fullname, reasons=(NEW_COURSE,)))
    applied = last.course.sections if last.course is not None and not new_course else None
    if new_course or applied != tuple(desired.sections):
        plan.actions.append(Action(ENSURE_SECTIONS, reasons=(NEW_COURSE if new_course else TITLES,)))
    # The stored plan (what the in-Moodle report reads) is sent only when it changed, so a
    # no-op sync stays one read per course. A plugin without plans reports None: skip it.
    wanted_plan = (desired.plan or {}).get("fingerprint")
    if wanted_plan and (new_course or (snapshot.plan_fingerprint is not None
                                       and snapshot.plan_fingerprint != wanted_plan)):
        plan.actions.append(Action(SET_PLAN, reasons=(NEW_COURSE if new_course else PLAN_CHANGED,)))

    pushed = [m for m in desired.modules if m.ready]
    positions = _positions(pushed)
    remote = {} if new_course else snapshot.modules
    for module in pushed:
        plan.actions.append(_plan_module(module, remote.get(module.idnumber), last.modules.get(module.idnumber),
                                         policy, positions[module.idnumber]))
    ready = {m.idnumber for m in pushed}
    for idnumber, r in sorted(remote.items()):
        if idnumber in ready:
            continue
        wanted = desired.module(idnumber)
        reason = NOT_READY if wanted is not None else REMOVED
        if policy.prune:
            plan.actions.append(Action(DELETE, idnumber, r.name, (reason,), remote=r))
        elif r.visible:
            plan.actions.append(Action(HIDE, idnumber, r.name, (reason,), remote=r))
        else:
            plan.actions.append(Action(UNCHANGED, idnumber, r.name, remote=r))
    for r in snapshot.duplicates:
        plan.actions.append(Action(DELETE, r.idnumber, r.name, (DUPLICATE,), remote=r))
    return plan


def _positions(pushed: list[DesiredModule]) -> dict[str, int]:
    """Each pushed module's index among the pushed modules of its section (planned ones
    leave no gap in Moodle)."""
    out: dict[str, int] = {}
    counters: Counter = Counter()
    for m in sorted(pushed, key=lambda m: (m.section, m.position)):
        out[m.idnumber] = counters[m.section]
        counters[m.section] += 1
    return out


def _plan_module(d: DesiredModule, r: RemoteModule | None, s: ModuleRow | None, policy: Policy,
                 position: int) -> Action:
    if r is None:
        if s is None:
            return Action(CREATE, d.idnumber, d.name, (NEW,), module=d, position=position)
        kind = UPDATE if policy.drift == RESTORE else DRIFT
        return Action(kind, d.idnumber, d.name, (DRIFT_DELETED,), module=d, position=position)
    if r.modname != d.modname:
        reasons, drifted = [TYPE], ()
    else:
        changes = _field_changes(d, r, s)
        reasons, drifted = _reasons(d, changes), tuple(f for f, by_hand in changes if by_hand)
    if not reasons:
        return Action(UNCHANGED, d.idnumber, d.name, module=d, remote=r)
    kind = UPDATE
    if drifted and policy.drift == PROTECT and any(f in KEPT_FIELDS for f in drifted):
        kind = CONFLICT
    elif drifted and policy.drift != RESTORE:
        kind = DRIFT  # leave; and under protect, a hidden or moved module (nothing would be lost)
    return Action(kind, d.idnumber, d.name, tuple(reasons), module=d, remote=r, position=position, drifted=drifted)


def module_differences(d: DesiredModule, r: RemoteModule, s: ModuleRow | None) -> list[str]:
    """Why ``r`` does not match ``d``, each difference named as a pack change or as drift
    (Moodle's value is not what we last wrote, per ``s``)."""
    if r.modname != d.modname:
        return [TYPE]
    return _reasons(d, _field_changes(d, r, s))


def _field_changes(d: DesiredModule, r: RemoteModule, s: ModuleRow | None) -> list[tuple[str, bool]]:
    """The fields (``content``, ``title``, ``section``, ``visibility``) in which ``r``, of
    ``d``'s type, differs from ``d``, each with whether Moodle's value was changed by hand
    (it is not what we last wrote, per ``s``; never without a state to compare with)."""
    out = []
    if d.fingerprint != r.fingerprint:
        out.append((CONTENT, s is not None and r.fingerprint != s.fingerprint))
    if d.modname != "label" and d.name != r.name:
        out.append((TITLE, s is not None and r.name != s.name))
    if d.section != r.section:
        out.append((SECTION, s is not None and r.section != s.section))
    shown = r.visible and not r.stealth
    if d.visible != shown:
        # We last left it visible and it is hidden now: hidden by hand.
        out.append((VISIBILITY, s is not None and s.visible != shown))
    return out


def _reasons(d: DesiredModule, changes: list[tuple[str, bool]]) -> list[str]:
    """The changes as reasons: the field's name, or for a hand change ``drift-hidden``
    (a module we show was hidden) or ``drift-edited``."""
    reasons: list[str] = []
    for name, by_hand in changes:
        reason = name if not by_hand else DRIFT_HIDDEN if name == VISIBILITY and d.visible else DRIFT_EDITED
        if reason not in reasons:
            reasons.append(reason)
    return reasons
