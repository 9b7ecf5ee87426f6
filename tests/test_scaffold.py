"""`certbridge new`: a pack started from the certificate standard validates at once and
its first report stands at 0% with every requirement uncovered."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.pack import load_catalog
from bridge.pack.standard import group_requirements, load_standard
from bridge.sandbox import Sandbox
from fixtures.sync_world import run_cli

REPO = Path(__file__).resolve().parent.parent
WEB = REPO / "resource_packs" / "standards" / "web-frontend.toml"


def new(*args: str):
    return CliRunner().invoke(main, ["new", *args])


@pytest.mark.parametrize("level", ["初级", "intermediate"])
def test_new_pack_has_one_section_per_area_and_one_planned_page_per_requirement(tmp_path, level):
    target = tmp_path / "packs" / "web-basic"
    result = new(str(target), "--standard", "web-frontend", "--level", level, "--shortname", "WEB-1",
                 "--fullname", "网页设计基础")
    assert result.exit_code == 0, result.output
    standard, _ = load_standard(WEB)
    canonical = {"intermediate": "中级"}.get(level, level)
    areas = group_requirements(standard.requirements(canonical))
    catalog = load_catalog([target])
    assert catalog.problems == []
    pack = catalog.selected()[0]
    assert (pack.id, pack.course.shortname, pack.course.fullname) == ("web-basic", "WEB-1", "网页设计基础")
    assert (pack.certificate.name, pack.certificate.level, pack.certificate.standard.id) == (
        standard.certificate, canonical, "web-frontend")
    assert [s.title for s in pack.sections] == [f"工作领域 {a.code}：{a.name}" for a in areas]
    codes = [r.code for r in standard.requirements(canonical)]
    assert [r.skills for r in pack.resources] == [(c,) for c in codes]
    assert {r.status for r in pack.resources} == {"planned"}
    text = (target / "pack.toml").read_text("utf-8")
    assert "# 接下来：" in text and text.count("# 职业技能要求 ") == len(codes)
    assert (target / "standards" / "web-frontend.toml").is_file()  # sync finds it beside the pack


def test_first_report_is_zero_percent_with_every_requirement_uncovered(tmp_path):
    target = tmp_path / "packs" / "web-basic"
    assert new(str(target), "--standard", "web-frontend", "--level", "初级").exit_code == 0
    with Sandbox(tmp_path / "sandbox") as sb:
        synced = run_cli(sb, tmp_path / "state", "sync", str(target))
        assert synced.exit_code == 0, synced.output
        report = run_cli(sb, tmp_path / "state", "report", str(target), "--format", "json")
    data = json.loads(report.output)
    course = data["courses"][0]
    assert (course["online"], course["ratio"], course["status"]) == (0, 0.0, "below")
    coverage = data["coverage"][0]
    standard, _ = load_standard(WEB)
    assert coverage["covered"] == 0
    assert coverage["uncovered"] == [r.code for r in standard.requirements("初级")]


def test_unknown_standard_or_level_lists_what_exists(tmp_path):
    result = new(str(tmp_path / "x"), "--standard", "network-ops", "--level", "初级")
    assert result.exit_code == 2
    assert "network-ops" in result.stderr and "web-frontend" in result.stderr and "cloud-computing" in result.stderr
    result = new(str(tmp_path / "x"), "--lang", "zh", "--standard", "web-frontend", "--level", "专家级")
    assert result.exit_code == 2 and "可用的等级：初级、中级、高级" in result.stderr
    assert not (tmp_path / "x").exists()


def test_new_refuses_a_folder_in_use_or_a_bad_id(tmp_path):
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine", "utf-8")
    result = new(str(used), "--standard", "web-frontend", "--level", "初级")
    assert result.exit_code == 2 and (used / "notes.txt").read_text("utf-8") == "mine"
    assert not (used / "pack.toml").exists()
    result = new(str(tmp_path / "网页课程"), "--standard", "web-frontend", "--level", "初级")
    assert result.exit_code == 2 and "--id" in result.stderr
    assert new(str(tmp_path / "网页课程"), "--id", "web-course", "--standard", "web-frontend",
               "--level", "初级").exit_code == 0
