"""run_report over a fake Moodle: scope, one listing per course, unknown courses, history."""
from __future__ import annotations

import pytest
from fixtures.report import (FakeClient, add_copy, config_for, copy_packs, denied, hand_edited_snapshot,
                             synced_snapshot)

from bridge.render.desired import desired_course
from bridge.report.run import ReportScopeError, plan_courses, run_report, select_packs
from bridge.sync.state import StateStore


@pytest.fixture
def setup(tmp_path):
    packs = copy_packs(tmp_path)
    add_copy(packs, "report-two", "RPT-202", category="商学院 / 电子商务")
    config = config_for(tmp_path, packs)
    chosen = select_packs(config)
    desired = {p.id: desired_course(p) for p in chosen}
    demo = hand_edited_snapshot(desired["report-demo"])
    two = synced_snapshot(desired["report-two"], courseid=8)
    client = FakeClient({"RPT-101": demo, "RPT-202": two})
    return config, client


def test_scope_all_by_id_and_by_category(setup):
    config, _ = setup
    assert [p.id for p in select_packs(config)] == ["report-demo", "report-two"]
    assert [p.id for p in select_packs(config, ["report-two"])] == ["report-two"]
    assert [p.id for p in select_packs(config, category="商学院")] == ["report-two"]
    assert [p.id for p in select_packs(config, category=" 信息工程学院 /软件技术 ")] == ["report-demo"]
    assert select_packs(config, category="信息工程学院 / 软件") == []  # whole names only
    with pytest.raises(ReportScopeError, match="nope"):
        select_packs(config, ["nope"])


def test_figures_and_one_listing_per_course_once_the_course_id_is_known(setup):
    config, client = setup
    report = run_report(config, client_factory=lambda site: client, clock=lambda: 1000.0)
    figures = {c.shortname: (c.online, c.planned, c.ratio, c.status) for c in report.courses}
    assert figures == {"RPT-101": (5, 10, 0.5, "meets"), "RPT-202": (8, 10, 0.8, "meets")}
    assert client.calls.count("get_modules") == 2
    # With course ids in the state (a sync saved them) a report needs only the listings.
    with StateStore(config.state_path(config.sites[0])) as store:
        store.save_course("RPT-101", "report-demo", 7)
        store.save_course("RPT-202", "report-two", 8)
    client.calls.clear()
    run_report(config, client_factory=lambda site: client, clock=lambda: 2000.0)
    assert client.calls == ["get_info", "get_modules", "get_modules"]


def test_an_unreadable_course_is_unknown_and_the_rest_is_reported(setup):
    config, client = setup
    client.fail[7] = denied()
    report = run_report(config, client_factory=lambda site: client, clock=lambda: 1000.0)
    bad, good = report.courses
    assert (bad.shortname, bad.status, bad.ratio, bad.error) == ("RPT-101", "unknown", None, "You cannot view this course")
    assert (good.shortname, good.status, good.ratio) == ("RPT-202", "meets", 0.8)
    assert report.summary == {"courses": 2, "meets_target": 1, "below_target": 0, "unknown": 1}
    assert [c.shortname for c in report.failing(0.5)] == ["RPT-101"]


def test_a_site_that_cannot_be_used_makes_its_courses_unknown(setup):
    config, _ = setup

    def no_site(site):
        raise ValueError("Site URL must start with http:// or https://")

    report = run_report(config, client_factory=no_site, clock=lambda: 1000.0)
    assert [c.status for c in report.courses] == ["unknown", "unknown"]
    assert "http://" in report.courses[0].error


def test_a_report_records_history_only_when_asked(setup):
    config, client = setup
    run_report(config, client_factory=lambda site: client, clock=lambda: 500.0)
    report = run_report(config, client_factory=lambda site: client, clock=lambda: 600.0)
    assert report.trend(report.courses[0]) == []  # looking at the figures does not change the trend


def test_each_recorded_run_adds_history_and_reads_it_back(setup):
    config, client = setup
    for at in (1000.0, 2000.0, 3000.0):
        report = run_report(config, client_factory=lambda site: client, clock=lambda: at, record=True)
    trend = report.trend(report.courses[0])
    assert [(p.at, p.source, p.ratio) for p in trend] == [(1000.0, "report", 0.5), (2000.0, "report", 0.5),
                                                          (3000.0, "report", 0.5)]
    client.fail[7] = denied()
    report = run_report(config, client_factory=lambda site: client, clock=lambda: 4000.0, record=True)
    assert len(report.trend(report.courses[0])) == 3  # nothing known, nothing recorded
    assert len(report.trend(report.courses[1])) == 4


def test_all_sites_report_each_course_per_site(tmp_path, setup):
    config, client = setup
    config.sites += config_for(tmp_path, config.packs[0], ("branch",)).sites
    report = run_report(config, all_sites=True, client_factory=lambda site: client, clock=lambda: 1.0)
    assert [(c.site, c.shortname) for c in report.courses] == [
        ("campus", "RPT-101"), ("campus", "RPT-202"), ("branch", "RPT-101"), ("branch", "RPT-202")]
    assert report.multi_site and len(report.coverage) == 4
    assert (tmp_path / "state" / "branch.sqlite").is_file()


def test_a_pack_whose_content_cannot_be_built_is_unknown(setup):
    config, client = setup
    chosen = select_packs(config, ["report-two"])
    (chosen[0].root / "files" / "handout.txt").unlink()
    planned = plan_courses(chosen)
    assert "cannot be built" in planned[0].problem
    report = run_report(config, packs=["report-two"], client_factory=lambda site: client, clock=lambda: 1.0)
    assert report.courses[0].status == "unknown" and "cannot be built" in report.courses[0].error


def test_cli_without_moodle_writes_csv_with_bom_and_refuses_unknown_packs(setup, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from bridge.cli import main
    from bridge.report import run

    config, client = setup
    monkeypatch.setattr(run, "default_client", lambda site: client)
    config_file = tmp_path / "certbridge.toml"
    config_file.write_text(f'packs = ["{config.packs[0].as_posix()}"]\nstate_dir = "state"\n\n[[sites]]\n'
                           f'name = "campus"\nurl = "https://campus.example.edu.cn"\ntoken_env = "UNUSED"\n', "utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["report", "--config", str(config_file), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf") and "RPT-202".encode() in result.stdout_bytes
    result = runner.invoke(main, ["report", "--config", str(config_file), "--lang", "zh"])
    assert result.exit_code == 0 and "达标" in result.stdout and "\x1b[" not in result.stdout
    result = runner.invoke(main, ["report", "--config", str(config_file), "no-such-pack"])
    assert result.exit_code == 2 and "no-such-pack" in result.stderr
