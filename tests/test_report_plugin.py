"""The report inside Moodle: the plan the sync stores (``set_course_plan``) and the live
figures the plugin computes from it (``get_report``), on the sandbox. ``certbridge report``
and ``get_report`` must agree course by course on the same state, hand changes included;
a no-op sync after the plan is stored still makes one read per course and no write."""
from __future__ import annotations

import pytest
from fixtures.report import synced_sandbox

from bridge.moodle.client import MoodleClient
from bridge.moodle.errors import MoodleError
from bridge.render.plan import plan_fingerprint
from bridge.report.run import run_report
from bridge.sync.progress import Reporter
from bridge.sync.run import RunOptions, plan_site, sync_site

P = "certbridge:report-demo:"
TOKEN_ENV = "REPORT_PLUGIN_TEST_TOKEN"


@pytest.fixture
def site(tmp_path, monkeypatch):
    """RPT-101 and RPT-202 synced to a fresh sandbox (their plans stored by that sync)."""
    with synced_sandbox(tmp_path, monkeypatch, TOKEN_ENV) as (sandbox, config, _, packs):
        with MoodleClient(sandbox.url, sandbox.token) as client:
            yield sandbox, config, client, packs


def writes(sandbox):
    return [c.wsfunction for c in sandbox.admin.calls() if c.write]


def assert_parity(config, client):
    """Every course of ``certbridge report`` against the plugin's ``get_report``."""
    report = run_report(config, record=False)
    assert report.courses
    for course in report.courses:
        live = client.get_report(course.courseid)
        assert (live["planned"], live["online"], live["status"], live["meets_target"]) == (
            course.planned, course.online, course.status, course.meets_target), course.shortname
        assert live["ratio"] == pytest.approx(course.ratio)
        assert live["counts"] == {k: v for k, v in course.counts.items() if k != "unknown"}
        assert [(r["resource_id"], r["state"], r["reason"], r["cmid"] or None) for r in live["resources"]] == [
            (r.resource_id, r.state, r.reason, r.cmid) for r in course.resources]
        coverage = next(p for p in report.coverage if p.shortname == course.shortname)
        assert [u["code"] for u in live["uncovered"]] == [rc.requirement.code for rc in coverage.uncovered]
        assert (live["requirements"], live["covered"]) == (coverage.total, coverage.covered_count)
    return report


def test_the_sync_stores_each_course_plan_and_get_report_agrees_with_certbridge_report(site):
    sandbox, config, client, _ = site
    report = assert_parity(config, client)
    demo = client.get_report(report.courses[0].courseid)
    assert (demo["pack_id"], demo["certificate"]["level"], demo["certificate"]["standard"]) == (
        "report-demo", "初级", "report-std")
    assert demo["status"] == "meets" and demo["counts"]["planned"] == 2


def test_parity_after_hand_changes_in_moodle(site):
    sandbox, config, client, _ = site
    demo_id = next(c["id"] for c in sandbox.admin.courses() if c["shortname"] == "RPT-101")
    sandbox.admin.hide_module(P + "mdn-css")  # hidden by hand
    sandbox.admin.delete_module(P + "note2")  # deleted by hand
    sandbox.admin.set_module_content(P + "page-box", "<p>改过的内容</p>")  # outdated
    sandbox.admin.stealth_module(P + "handout")
    sandbox.admin.hide_section(demo_id, 2)  # mdn-js (and the deleted note2)
    report = assert_parity(config, client)
    live = {r["resource_id"]: (r["state"], r["reason"]) for r in client.get_report(demo_id)["resources"]}
    assert live["mdn-css"] == ("hidden", "hidden") and live["note2"] == ("missing", "not-in-course")
    assert live["page-box"] == ("outdated", "content-differs") and live["handout"] == ("hidden", "stealth")
    assert live["mdn-js"] == ("hidden", "section-hidden")
    assert report.courses[0].status == "below"


def test_a_no_op_sync_after_the_plan_is_stored_is_one_read_per_course_and_no_write(site):
    sandbox, config, client, packs = site
    sandbox.admin.reset_calls()
    summary = sync_site(config, config.sites[0], RunOptions(), Reporter())
    assert summary["exit_code"] == 0 and writes(sandbox) == []
    assert [c.wsfunction for c in sandbox.admin.calls()] == ["local_certbridge_get_modules"] * 2
    # Only the target changes: the plan alone is sent again, once.
    toml = packs / "report-demo" / "pack.toml"
    toml.write_text(toml.read_text("utf-8").replace("target = 0.5", "target = 0.6"), "utf-8")
    plan = plan_site(config, config.sites[0], RunOptions(), Reporter())
    assert [w.plan.to_dict()["set_plan"] for w in plan.courses] == [True, False]
    sandbox.admin.reset_calls()
    sync_site(config, config.sites[0], RunOptions(), Reporter())
    assert writes(sandbox) == ["local_certbridge_set_course_plan"]
    assert client.get_report(plan.courses[0].snapshot.courseid)["target"] == 0.6


def test_the_plan_fingerprint_is_what_get_modules_returns_and_deleting_the_course_drops_the_plan(site):
    sandbox, config, client, _ = site
    plan = plan_site(config, config.sites[0], RunOptions(), Reporter()).courses[0]
    stored = client.list_modules(plan.snapshot.courseid, plan.desired.prefix).plan_fingerprint
    assert stored == plan.desired.plan["fingerprint"] == plan_fingerprint(plan.desired.plan)
    client.delete_course(plan.snapshot.courseid)
    with sandbox._site.store.read() as db:
        assert db.execute("SELECT COUNT(*) FROM course_plans WHERE courseid=?",
                          (plan.snapshot.courseid,)).fetchone()[0] == 0


def test_a_course_without_a_plan_says_so(site):
    sandbox, _, client, _ = site
    courseid = client.create_course("NOPLAN-1", "无计划课程", 1)["id"]
    with pytest.raises(MoodleError) as err:
        client.get_report(courseid)
    assert err.value.errorcode == "certbridge_noplan" and "certbridge sync" in err.value.message
