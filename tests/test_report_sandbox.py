"""The report read live from the sandbox after a sync and some changes made by hand in
Moodle: hand-computed figures, one listing call per course, an unreadable course, the
CLI's formats and --fail-under, history from every run."""
from __future__ import annotations

import csv
import json

import lxml.html
import pytest
from click.testing import CliRunner
from fixtures.report import add_copy, copy_packs, synced_sandbox

from bridge.cli import main
from bridge.moodle.client import MoodleClient
from bridge.report.run import run_report
from bridge.sandbox import FaultPlan
from bridge.sync.state import StateStore

P = "certbridge:report-demo:"
TOKEN_ENV = "REPORT_TEST_TOKEN"


@pytest.fixture
def site(tmp_path, monkeypatch):
    """Two synced courses (RPT-101, RPT-202) on a fresh sandbox; a config file naming it."""
    with synced_sandbox(tmp_path, monkeypatch, TOKEN_ENV) as (sandbox, config, config_file, _):
        yield sandbox, config, config_file


def hand_edit(sandbox) -> None:
    """Of RPT-101's 10 planned: 2 planned-status, hide 1, delete 1, change 1 → 5 online."""
    sandbox.admin.hide_module(P + "mdn-css")
    sandbox.admin.delete_module(P + "note2")
    sandbox.admin.set_module_content(P + "page-box", "<p>改过的内容</p>")


def cli(config_file, *args):
    return CliRunner().invoke(main, ["report", "--config", str(config_file), "--lang", "en", *args])


def test_hand_computed_figures_read_live_with_one_listing_per_course(site):
    sandbox, config, _ = site
    hand_edit(sandbox)
    sandbox.admin.reset_calls()
    report = run_report(config)
    calls = [c.wsfunction for c in sandbox.admin.calls()]
    assert calls.count("local_certbridge_get_modules") == 2 and len(calls) == 3  # + get_info once
    demo, other = report.courses
    assert (demo.planned, demo.online, demo.ratio, demo.meets_target) == (10, 5, 0.5, True)
    assert demo.counts == {"online": 5, "outdated": 1, "hidden": 1, "missing": 1, "planned": 2, "unknown": 0}
    state = {r.resource_id: (r.state, r.reason) for r in demo.resources}
    assert state["mdn-css"] == ("hidden", "hidden")
    assert state["note2"] == ("missing", "not-in-course")
    assert state["page-box"] == ("outdated", "content-differs")
    assert (other.online, other.ratio) == (8, 0.8)
    assert demo.course_url == f"{sandbox.url}/course/view.php?id={demo.courseid}"


def test_hidden_section_and_stealth_are_not_online(site):
    sandbox, config, _ = site
    demo_id = next(c["id"] for c in sandbox.admin.courses() if c["shortname"] == "RPT-101")
    sandbox.admin.hide_section(demo_id, 2)  # mdn-js and note2
    sandbox.admin.stealth_module(P + "handout")
    demo = run_report(config).courses[0]
    state = {r.resource_id: (r.state, r.reason) for r in demo.resources}
    assert state["mdn-js"] == state["note2"] == ("hidden", "section-hidden")
    assert state["handout"] == ("hidden", "stealth")
    assert (demo.online, demo.ratio, demo.meets_target) == (5, 0.5, True)


def test_an_unreadable_course_is_unknown_and_the_rest_is_produced(site):
    sandbox, config, _ = site
    # The second listing call fails (HTTP 503 from a proxy); no retries, to keep it quick.
    sandbox.admin.set_faults(FaultPlan(fail_after=1, only_functions=["local_certbridge_get_modules"]))
    report = run_report(config, client_factory=lambda s: MoodleClient(s.url, s.token, retries=0))
    demo, other = report.courses
    assert (demo.status, demo.ratio) == ("meets", 0.8)
    assert other.status == "unknown" and other.ratio is None and "503" in other.error
    assert other.counts["unknown"] == 8 and other.counts["planned"] == 2


def test_cli_formats_fail_under_and_history(site, tmp_path):
    sandbox, config, config_file = site
    hand_edit(sandbox)

    result = cli(config_file, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["report_version"] == 1
    assert [(c["shortname"], c["online"], c["planned"], c["ratio"], c["meets_target"]) for c in data["courses"]] == [
        ("RPT-101", 5, 10, 0.5, True), ("RPT-202", 8, 10, 0.8, True)]

    assert cli(config_file, "--fail-under", "50").exit_code == 0
    failing = cli(config_file, "--fail-under", "60%")
    assert failing.exit_code == 1 and "RPT-101" in failing.stderr and "RPT-202" not in failing.stderr
    assert cli(config_file, "--fail-under", "120").exit_code == 2

    assert cli(config_file, "report-e", "--format", "csv", "--out", str(tmp_path / "r.csv")).exit_code == 0
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["shortname"], r["fullname"], r["online"]) for r in rows] == [("RPT-202", "报告演示课程", "8")]

    table = cli(config_file, "--category", "信息工程学院", "--record")
    assert table.exit_code == 0 and "RPT-101" in table.stdout and "\x1b[" not in table.stdout

    # The sync and the one --record run left figures (the other reports did not); the HTML draws them.
    with StateStore(config.state_path(config.sites[0])) as store:
        history = store.history("RPT-101")
    assert [h.source for h in history] == ["sync", "report"]
    assert [h.ratio for h in history] == [0.8, 0.5]
    out = tmp_path / "report.html"
    assert cli(config_file, "--format", "html", "--out", str(out)).exit_code == 0
    doc = lxml.html.parse(str(out)).getroot()
    assert doc.xpath("//script") == []
    assert len(doc.xpath("//*[@id='trend-chart']//*[local-name()='polyline']")) == 2
    assert doc.xpath("string(//*[@id='n-meets'])") == "2"


def test_a_site_that_cannot_be_used_is_said_once_in_chinese_and_fails_the_gate_as_unreadable(tmp_path, monkeypatch):
    packs = copy_packs(tmp_path)
    add_copy(packs, "report-e", "RPT-202")
    for name in ("NO_SUCH_TOKEN_VAR", "CERTBRIDGE_URL", "CERTBRIDGE_TOKEN", "CERTBRIDGE_STATE_DIR"):
        monkeypatch.delenv(name, raising=False)
    config_file = tmp_path / "certbridge.toml"
    config_file.write_text('packs = ["packs"]\n\n[[sites]]\nname = "campus"\nurl = "https://moodle.example.edu.cn"\n'
                           'token_env = "NO_SUCH_TOKEN_VAR"\n', "utf-8")
    result = CliRunner().invoke(main, ["report", "--config", str(config_file), "--lang", "zh", "--fail-under", "50"])
    assert result.exit_code == 1
    assert result.stdout.count("NO_SUCH_TOKEN_VAR") == 1  # the reason once, not under every course
    assert "无法读取：RPT-101, RPT-202" in result.stdout and "未达标" not in result.stdout
    assert "无法读取：campus RPT-101" in result.stderr and "低于" not in result.stderr
