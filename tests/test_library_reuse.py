"""Reuse across packs (``use``): one authored resource, a Moodle activity per course,
validation of broken references and cycles, and sync of both courses to the sandbox."""
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.pack import load_catalog
from bridge.render.desired import desired_course

REUSE = Path(__file__).parent / "data" / "reuse"


@pytest.fixture
def ok_library(tmp_path) -> Path:
    """A writable copy of tests/data/reuse/ok: a shared library and two courses using it."""
    target = tmp_path / "packs"
    shutil.copytree(REUSE / "ok", target)
    return target


def test_one_source_two_courses_each_with_its_own_idnumber():
    catalog = load_catalog([REUSE / "ok"])
    assert catalog.ok, [str(p) for p in catalog.problems]
    a, b = catalog.packs["course-a"], catalog.packs["course-b"]
    in_a, in_b = a.resource("box-model"), b.resource("box-review")
    assert (in_a.home_pack, in_a.home_id) == (in_b.home_pack, in_b.home_id) == ("shared", "box-model")
    assert a.idnumber(in_a) == "certbridge:course-a:box-model"
    assert b.idnumber(in_b) == "certbridge:course-b:box-review"
    # Content comes from the source; the using entry's placement and overrides are its own.
    source = catalog.packs["shared"].resource("box-model")
    assert in_a.source == in_b.source == source.source
    assert (in_a.title, in_a.section, in_a.visible) == (source.title, 1, True)
    assert (in_b.title, in_b.section, in_b.visible) == ("复习：CSS 盒模型", 2, False)
    # Both courses push the same bytes, so Moodle reports the same fingerprint in each.
    page_a = desired_course(a).module("certbridge:course-a:box-model")
    page_b = desired_course(b).module("certbridge:course-b:box-review")
    assert page_a.fingerprint == page_b.fingerprint and page_a.content == page_b.content


def test_a_course_pack_can_reuse_from_another_course_and_a_planned_source_stays_planned():
    catalog = load_catalog([REUSE / "ok"])
    semantic = catalog.packs["course-b"].resource("semantic")
    assert (semantic.home_pack, semantic.home_id, semantic.type) == ("course-a", "intro", "page")
    video = catalog.packs["course-a"].resource("video")
    assert video.status == "planned" and not video.ready


def test_library_pack_and_its_users_validate(ok_library):
    result = CliRunner().invoke(main, ["validate", str(ok_library), "--format", "json"])
    doc = json.loads(result.output)
    assert result.exit_code == 0, doc["problems"]
    assert sorted(doc["packs"]) == ["course-a", "course-b", "shared"]


def test_a_library_pack_with_a_course_table_is_an_error_not_ignored(ok_library):
    manifest = ok_library / "shared" / "pack.toml"
    text = manifest.read_text("utf-8")
    manifest.write_text(text.replace('kind = "library"\n', 'kind = "library"\n\n[course]\nshortname = "LIB"\n'
                                     'fullname = "共享"\ncategory = "共享"\n'), "utf-8")
    catalog = load_catalog([ok_library / "shared"])
    (problem,) = catalog.problems
    assert (problem.code, problem.line) == ("bad-value", 9) and "remove [course]" in problem.message
    assert catalog.packs["shared"].course is None


def test_validate_reports_unknown_planned_and_cyclic_references():
    result = CliRunner().invoke(main, ["validate", str(REUSE / "broken"), "--format", "json"])
    assert result.exit_code == 2
    found = {(Path(p["file"]).parent.name, p["line"], p["code"]) for p in json.loads(result.output)["problems"]}
    assert {("course-x", 27, "reference-unknown"),  # nowhere:mdn — no such pack
            ("course-x", 31, "reference-unknown"),  # shared:missing — no such resource
            ("course-x", 35, "reference-planned"),  # shared:draft marked ready
            ("course-x", 44, "reference-cycle"),  # course-x:loop1 ↔ course-y:loop2
            ("course-y", 23, "reference-cycle"),
            ("course-z", 23, "reference-cycle"),  # uses itself
            } <= found
    # The valid reference and the planned one kept planned raise nothing.
    assert not {line for pack, line, _ in found if pack == "course-x" and line in (23, 39)}


def test_cycle_message_names_the_chain():
    catalog = load_catalog([REUSE / "broken" / "course-y"])
    (cycle,) = [p for p in catalog.problems if p.code == "reference-cycle"]
    assert "course-y:loop2 → course-x:loop1 → course-y:loop2" in cycle.message


def test_reuse_syncs_to_both_courses_and_a_source_edit_updates_both(ok_library, tmp_path):
    from bridge.sandbox import Sandbox  # noqa: I001 — the sandbox is only needed here
    from fixtures.sync_world import remote_modules, run_cli

    state = tmp_path / "state"
    with Sandbox(tmp_path / "sandbox") as sb:
        first = run_cli(sb, state, "sync", str(ok_library))
        assert first.exit_code == 0, first.output
        modules = {m["idnumber"]: m for m in remote_modules(sb)}
        a, b = modules["certbridge:course-a:box-model"], modules["certbridge:course-b:box-review"]
        assert a["course"] != b["course"] and a["id"] != b["id"]
        assert a["fingerprint"] == b["fingerprint"]
        assert (b["name"], int(b["visible"]), b["sectionnum"]) == ("复习：CSS 盒模型", 0, 2)
        assert (a["name"], int(a["visible"]), a["sectionnum"]) == ("CSS 布局基础", 1, 1)
        assert not any(i.startswith("certbridge:shared:") for i in modules)  # a library has no course

        page = ok_library / "shared" / "pages" / "box-model.html"
        page.write_text(page.read_text("utf-8") + "<p>新增：外边距合并。</p>\n", "utf-8")
        second = run_cli(sb, state, "sync", str(ok_library))
        assert second.exit_code == 0, second.output
        after = {m["idnumber"]: m for m in remote_modules(sb)}
        changed = {i for i in after if after[i]["fingerprint"] != modules[i]["fingerprint"]}
        assert changed == {"certbridge:course-a:box-model", "certbridge:course-b:box-review"}
        assert after["certbridge:course-a:box-model"]["id"] == a["id"]  # updated in place, not recreated

        # Once synced, the catalogue links each course's activity in Moodle.
        site = run_cli(sb, state, "library", "site", "--packs", str(ok_library), "--out", str(tmp_path / "site"))
        assert site.exit_code == 0, site.output
        html = (tmp_path / "site" / "resources" / "shared" / "box-model.html").read_text("utf-8")
        for module in (a, b):
            assert f'href="{sb.url.rstrip("/")}/mod/page/view.php?id={module["id"]}"' in html
