"""Per-resource states and course figures, computed by hand (no Moodle)."""
from __future__ import annotations

import dataclasses

import pytest
from fixtures.report import demo_pack, denied, hand_edited_snapshot, remote, synced_snapshot

from bridge.render.desired import desired_course
from bridge.report.completion import course_completion, module_state, unknown_completion
from bridge.report.coverage import pack_coverage
from bridge.sync.snapshot import CourseSnapshot


@pytest.fixture(scope="module")
def pack():
    return demo_pack()


@pytest.fixture(scope="module")
def desired(pack):
    return desired_course(pack)


def states(completion):
    return {r.resource_id: r.state for r in completion.resources}


def test_hand_computed_case_is_half_online_and_meets_the_default_target(desired):
    c = course_completion(desired, hand_edited_snapshot(desired), site="campus", site_url="http://m.example/")
    assert (c.planned, c.online) == (10, 5)
    assert c.ratio == 0.5 and c.target == 0.5 and c.meets_target is True and c.status == "meets"
    assert c.counts == {"online": 5, "outdated": 1, "hidden": 1, "missing": 1, "planned": 2, "unknown": 0}
    assert states(c) == {"page-structure": "online", "page-box": "outdated", "handout": "online",
                         "mdn-html": "online", "mdn-css": "hidden", "note1": "online", "mdn-js": "online",
                         "note2": "missing", "forms-video": "planned", "dom-lab": "planned"}
    assert c.course_url == "http://m.example/course/view.php?id=7"


def test_one_more_loss_falls_below_target(desired):
    snapshot = hand_edited_snapshot(desired)
    del snapshot.modules[desired.prefix + "mdn-js"]
    c = course_completion(desired, snapshot)
    assert (c.online, c.ratio, c.meets_target, c.status) == (4, 0.4, False, "below")


@pytest.mark.parametrize("changes, expected", [
    ({}, ("online", "")),
    ({"visible": False}, ("hidden", "hidden")),
    ({"stealth": True}, ("hidden", "stealth")),
    ({"visibleoncoursepage": False}, ("hidden", "stealth")),
    ({"sectionvisible": False}, ("hidden", "section-hidden")),
    ({"fingerprint": "f" * 40}, ("outdated", "content-differs")),
    ({"fingerprint": ""}, ("outdated", "content-unknown")),
    ({"modname": "resource"}, ("outdated", "type-differs")),
    ({"sectionvisible": False, "fingerprint": ""}, ("hidden", "section-hidden")),  # hidden wins: nobody sees it
])
def test_module_state(desired, changes, expected):
    module = desired.module(desired.prefix + "page-structure")
    assert module_state(module, remote(module, 1, **changes)) == expected


def test_missing_and_planned(desired):
    assert module_state(desired.module(desired.prefix + "note1"), None) == ("missing", "not-in-course")
    planned = desired.module(desired.prefix + "dom-lab")
    # Planned stays planned even if someone made a module with its idnumber by hand.
    assert module_state(planned, remote(planned, 9))[0] == "planned"


def test_course_not_in_moodle_yet_has_everything_missing(desired):
    c = course_completion(desired, CourseSnapshot(desired.shortname, desired.prefix))
    assert c.counts["missing"] == 8 and c.counts["planned"] == 2
    assert (c.ratio, c.meets_target, c.courseid, c.course_url) == (0.0, False, None, "")


def test_unreadable_course_is_unknown_with_the_reason(desired):
    snapshot = CourseSnapshot(desired.shortname, desired.prefix, course={"id": 7}, error=denied())
    c = course_completion(desired, snapshot)
    assert c.error == "You cannot view this course"
    assert c.counts["unknown"] == 8 and c.counts["planned"] == 2 and c.online == 0
    assert (c.ratio, c.meets_target, c.status) == (None, None, "unknown")
    assert unknown_completion(desired, "boom").counts == c.counts


def test_target_from_the_pack(pack):
    strict = dataclasses.replace(pack, course=dataclasses.replace(pack.course, target=0.8))
    d = desired_course(strict)
    c = course_completion(d, synced_snapshot(d))
    assert (c.ratio, c.target, c.meets_target) == (0.8, 0.8, True)
    c = course_completion(d, hand_edited_snapshot(d))
    assert c.meets_target is False


def test_coverage_flags_requirements_with_nothing_online(pack, desired):
    c = course_completion(desired, hand_edited_snapshot(desired))
    cov = pack_coverage(pack, c)
    assert [a.code for a in cov.areas] == ["1", "2"]
    assert [t.code for t in cov.areas[0].tasks] == ["1.1", "1.2"]
    by_code = {rc.requirement.code: rc for rc in cov.requirements}
    assert list(by_code) == ["1.1.1", "1.1.2", "1.1.3", "1.2.1", "1.2.2", "2.1.1", "2.1.2"]
    assert [r.resource_id for r in by_code["1.1.1"].resources] == ["page-structure", "handout", "mdn-html"]
    # 1.2.1 only by the outdated page, 1.2.2 only by the hidden link, 1.1.3 / 2.1.2 only planned.
    assert [rc.requirement.code for rc in cov.uncovered] == ["1.1.3", "1.2.1", "1.2.2", "2.1.2"]
    assert (cov.total, cov.covered_count, cov.level, cov.standard_id) == (7, 3, "初级", "report-std")
    assert cov.areas[0].size == 5
