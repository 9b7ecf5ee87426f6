"""The report inside Moodle against a live site (sandbox, or a real Moodle with
``CERTBRIDGE_E2E_URL``): a sync stores each course plan, and after hand changes in Moodle
(a module hidden, one deleted, a section hidden) ``certbridge report`` and the plugin's
``get_report`` agree course by course. A second sync writes nothing."""
from __future__ import annotations

import shutil
import time
import uuid

import pytest
from fixtures.report import add_copy, copy_packs

from bridge.config import Config, Site
from bridge.report.run import run_report
from bridge.sync.progress import Reporter
from bridge.sync.run import RunOptions, sync_site

pytestmark = pytest.mark.e2e

RUN = f"{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
TOKEN_ENV = "CERTBRIDGE_E2E_REPORT_TOKEN"


@pytest.fixture(scope="module")
def synced(moodle_site, tmp_path_factory):
    """Two courses of the report-demo pack synced under unique ids; deleted afterwards when the token may."""
    tmp = tmp_path_factory.mktemp("report-e2e")
    packs = copy_packs(tmp)
    ids = [f"e2e-rpt{i}-{RUN}" for i in (1, 2)]
    for i, pack_id in enumerate(ids, 1):
        add_copy(packs, pack_id, f"E2E-RPT{i}-{RUN}", category=f"certbridge e2e / 报告 {RUN}")
    shutil.rmtree(packs / "report-demo")  # its fixed shortname could clash on a shared site
    site = Site(name="e2e", url=moodle_site.url, token_env=TOKEN_ENV, workers=2, verify_tls=moodle_site.verify)
    config = Config(sites=[site], packs=[packs], state_dir=tmp / "state")
    with pytest.MonkeyPatch.context() as mp, moodle_site.client() as client:
        mp.setenv(TOKEN_ENV, moodle_site.token)
        summary = sync_site(config, site, RunOptions(), Reporter())
        assert summary["exit_code"] == 0, summary
        courses = {c["course"]: int(client.get_course_by_shortname(c["course"])["id"]) for c in summary["courses"]}
        try:
            yield config, client, courses
        finally:
            for courseid in courses.values():
                moodle_site.delete_course_quietly(courseid)


def test_report_and_get_report_agree_after_hand_changes(synced, moodle_site):
    config, client, courses = synced
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(TOKEN_ENV, moodle_site.token)
        first = run_report(config, record=False)
        demo = first.courses[0]
        cmid = {r.resource_id: r.cmid for r in demo.resources}
        client.edit_module("hide", cmid["mdn-css"])  # hidden by hand
        client.delete_modules([cmid["note2"]])  # deleted by hand
        sections = {s["section"]: s["id"] for s in client.get_course_contents(demo.courseid)}
        client.edit_section("hide", sections[2])  # mdn-js with it
        report = run_report(config, record=False)
    assert len(report.courses) == 2
    for course in report.courses:
        live = client.get_report(course.courseid)
        assert (live["planned"], live["online"], live["status"]) == (course.planned, course.online, course.status)
        assert live["ratio"] == pytest.approx(course.ratio)
        assert live["counts"] == {k: v for k, v in course.counts.items() if k != "unknown"}
        assert [(r["resource_id"], r["state"], r["reason"], r["cmid"] or None) for r in live["resources"]] == [
            (r.resource_id, r.state, r.reason, r.cmid) for r in course.resources], course.shortname
        coverage = next(p for p in report.coverage if p.shortname == course.shortname)
        assert [u["code"] for u in live["uncovered"]] == [rc.requirement.code for rc in coverage.uncovered]
    states = {r.resource_id: (r.state, r.reason) for r in report.courses[0].resources}
    assert states["mdn-css"] == ("hidden", "hidden") and states["note2"] == ("missing", "not-in-course")
    assert states["mdn-js"] == ("hidden", "section-hidden")


def test_a_second_sync_reads_once_per_course_and_writes_nothing(synced, moodle_site):
    config, _, courses = synced
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(TOKEN_ENV, moodle_site.token)
        summary = sync_site(config, config.sites[0], RunOptions(drift="leave"), Reporter())
    calls = summary["calls"]
    assert calls["writes"] == 0, calls
    assert calls["by_function"] == {"local_certbridge_get_modules": len(courses)}
