"""The planner is pure: these tests build desired/remote/state by hand, with no I/O."""
import dataclasses

import pytest

from bridge.moodle.errors import AccessDenied
from bridge.moodle.types import RemoteModule
from bridge.render.desired import DesiredCourse, DesiredModule
from bridge.sync import planner as P
from bridge.sync.snapshot import CourseSnapshot
from bridge.sync.state import CourseRow, ModuleRow

PREFIX = "certbridge:p:"
SECTIONS = [(1, "一"), (2, "二")]


def dm(rid, *, modname="page", section=1, position=0, name=None, visible=True, status="ready", fp=None):
    return DesiredModule(idnumber=PREFIX + rid, resource_id=rid, type=modname, modname=modname, section=section,
                         position=position, name=name or rid.upper(), intro="", visible=visible, status=status,
                         skills=(), fingerprint=None if status == "planned" else (fp or "fp-" + rid))


def course(*modules):
    return DesiredCourse(pack_id="p", prefix=PREFIX, shortname="C", fullname="Course", category=["A"], summary="",
                         target=0.5, sections=list(SECTIONS), modules=list(modules))


def remote_of(d: DesiredModule, cmid=10, **kw) -> RemoteModule:
    base = dict(idnumber=d.idnumber, cmid=cmid, instance=cmid, modname=d.modname, name=d.name, section=d.section,
                sectionvisible=True, position=d.position, visible=d.visible, visibleoncoursepage=d.visible,
                stealth=False, deletioninprogress=False, timemodified=0, fingerprint=d.fingerprint)
    base.update(kw)
    return RemoteModule(**base)


def row_of(r: RemoteModule) -> ModuleRow:
    return ModuleRow(r.idnumber, "p", r.cmid, r.modname, r.fingerprint, r.name, r.visible and not r.stealth,
                     r.section, 0.0)


def snap(*remotes, exists=True, duplicates=()):
    s = CourseSnapshot("C", PREFIX, course={"id": 3} if exists else None)
    s.modules = {r.idnumber: r for r in remotes}
    s.duplicates = list(duplicates)
    return s


def last_of(*remotes, sections=tuple(SECTIONS)):
    return P.LastState(CourseRow("C", "p", 3, sections, 0.0), {r.idnumber: row_of(r) for r in remotes})


def kinds(plan):
    return [(a.kind, a.idnumber.removeprefix(PREFIX), a.reasons) for a in plan.actions]


def test_new_course_creates_course_sections_and_every_ready_module():
    a, b, c = dm("a"), dm("b", section=2), dm("c", status="planned")
    plan = P.plan_course(course(a, b, c), P.LastState(), snap(exists=False), P.Policy())
    assert kinds(plan) == [("create_course", "", ("new-course",)), ("ensure_sections", "", ("new-course",)),
                           ("create", "a", ("new",)), ("create", "b", ("new",))]
    assert plan.counts() == {"create": 2, "update": 0, "hide": 0, "delete": 0, "unchanged": 0, "drift": 0,
                             "conflict": 0}
    assert plan.changes == 2


def test_in_sync_course_plans_no_write():
    a, b = dm("a"), dm("b", modname="label", name="")
    ra, rb = remote_of(a), remote_of(b, cmid=11, name="Label text shown by Moodle")
    plan = P.plan_course(course(a, b), last_of(ra, rb), snap(ra, rb), P.Policy())
    assert plan.writes == [] and plan.counts()["unchanged"] == 2


def test_lost_state_adopts_matching_modules_and_only_reapplies_sections():
    a = dm("a")
    plan = P.plan_course(course(a), P.LastState(), snap(remote_of(a)), P.Policy())
    assert kinds(plan) == [("ensure_sections", "", ("titles",)), ("unchanged", "a", ())]


def test_section_titles_changed_in_pack():
    a = dm("a")
    ra = remote_of(a)
    plan = P.plan_course(course(a), last_of(ra, sections=((1, "old"), (2, "二"))), snap(ra), P.Policy())
    assert kinds(plan)[0] == ("ensure_sections", "", ("titles",))


@pytest.mark.parametrize("change,reasons", [
    (dict(fp="new"), ("content",)),
    (dict(name="Renamed"), ("title",)),
    (dict(section=2), ("section",)),
    (dict(visible=False), ("visibility",)),
    (dict(fp="new", name="Renamed"), ("content", "title")),
])
def test_pack_changes_are_updates_with_reasons(change, reasons):
    before = dm("a")
    r = remote_of(before)
    after = dm("a", **{"fp": before.fingerprint, **change})
    plan = P.plan_course(course(after), last_of(r), snap(r), P.Policy())
    (action,) = plan.module_actions
    assert (action.kind, action.reasons) == ("update", reasons)
    assert action.sends_content == ("content" in reasons)
    assert action.only_visibility == (reasons == ("visibility",))


def test_hand_hidden_module_is_drift_restored_or_left():
    a = dm("a")
    r = remote_of(a)
    hidden = dataclasses.replace(r, visible=False, visibleoncoursepage=False)
    restore = P.plan_course(course(a), last_of(r), snap(hidden), P.Policy())
    assert kinds(restore)[-1] == ("update", "a", ("drift-hidden",))
    assert restore.module_actions[0].only_visibility
    leave = P.plan_course(course(a), last_of(r), snap(hidden), P.Policy(drift="leave"))
    assert kinds(leave)[-1] == ("drift", "a", ("drift-hidden",)) and leave.writes == []


def test_stealth_counts_as_hidden():
    a = dm("a")
    r = remote_of(a)
    stealth = dataclasses.replace(r, stealth=True, visibleoncoursepage=False)
    assert kinds(P.plan_course(course(a), last_of(r), snap(stealth), P.Policy()))[-1] == ("update", "a", ("drift-hidden",))


def test_hand_edits_and_deletion_are_drift():
    a, b = dm("a"), dm("b", position=1)
    ra, rb = remote_of(a), remote_of(b, cmid=11)
    edited = dataclasses.replace(ra, fingerprint="edited", name="hand title")
    plan = P.plan_course(course(a, b), last_of(ra, rb), snap(edited), P.Policy())
    assert kinds(plan) == [("update", "a", ("drift-edited",)), ("update", "b", ("drift-deleted",))]
    assert all(x.sends_content for x in plan.module_actions)
    left = P.plan_course(course(a, b), last_of(ra, rb), snap(edited), P.Policy(drift="leave"))
    assert [a.kind for a in left.actions] == ["drift", "drift"]


def test_pack_change_and_hand_change_together_is_drift():
    a = dm("a")
    ra = remote_of(a)
    plan = P.plan_course(course(dm("a", fp="pack-new")), last_of(ra),
                         snap(dataclasses.replace(ra, name="by hand")), P.Policy())
    assert kinds(plan) == [("update", "a", ("content", "drift-edited"))]


def test_removed_resources_hide_or_delete_under_prune():
    a, gone, planned_now = dm("a"), dm("gone", position=1), dm("later", position=2)
    ra, rg, rl = remote_of(a), remote_of(gone, cmid=11), remote_of(planned_now, cmid=12)
    desired = course(a, dm("later", position=2, status="planned"))
    plan = P.plan_course(desired, last_of(ra, rg, rl), snap(ra, rg, rl), P.Policy())
    assert kinds(plan) == [("unchanged", "a", ()), ("hide", "gone", ("removed",)), ("hide", "later", ("not-ready",))]
    pruned = P.plan_course(desired, last_of(ra, rg, rl), snap(ra, rg, rl), P.Policy(prune=True))
    assert [k for k, *_ in kinds(pruned)] == ["unchanged", "delete", "delete"]
    already_hidden = dataclasses.replace(rg, visible=False)
    assert kinds(P.plan_course(course(a), last_of(ra), snap(ra, already_hidden), P.Policy()))[-1] == ("unchanged", "gone", ())


def test_duplicates_are_deleted_by_cmid():
    a = dm("a")
    ra = remote_of(a)
    extra = dataclasses.replace(ra, cmid=99)
    plan = P.plan_course(course(a), last_of(ra), snap(ra, duplicates=[extra]), P.Policy())
    assert kinds(plan)[-1] == ("delete", "a", ("duplicate",)) and plan.actions[-1].remote.cmid == 99


def test_type_change_is_a_content_update():
    a = dm("a", modname="resource")
    r = remote_of(dm("a", modname="page"))
    (action,) = P.plan_course(course(a), last_of(r), snap(r), P.Policy()).module_actions
    assert action.reasons == ("type",) and action.sends_content


def test_positions_skip_planned_resources():
    mods = [dm("x", position=0, status="planned"), dm("y", position=1), dm("z", position=2)]
    plan = P.plan_course(course(*mods), P.LastState(), snap(exists=False), P.Policy())
    assert [(a.idnumber[-1], a.position) for a in plan.module_actions] == [("y", 0), ("z", 1)]


def test_unreadable_course_plans_nothing():
    s = CourseSnapshot("C", PREFIX, error=AccessDenied("no"))
    plan = P.plan_course(course(dm("a")), P.LastState(), s, P.Policy())
    assert plan.actions == [] and plan.error == "no"


def test_plan_as_dict_has_counts_and_actions():
    a = dm("a")
    data = P.plan_course(course(a), P.LastState(), snap(exists=False), P.Policy()).to_dict()
    assert data["create_course"] and data["summary"]["create"] == 1
    assert data["actions"] == [{"kind": "create", "idnumber": PREFIX + "a", "name": "A", "reasons": ["new"]}]


def test_unknown_drift_policy_is_rejected():
    with pytest.raises(ValueError):
        P.Policy(drift="ignore")
