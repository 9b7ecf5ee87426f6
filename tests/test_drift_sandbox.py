"""Hand edits in Moodle are never lost: kept before a restore (byte for byte, each kind),
left alone and reported under "protect", listed, shown, adopted into the pack; a keep
that fails blocks only that module's overwrite. All against the sandbox."""
from __future__ import annotations

import hashlib
import json
import tomllib

import pytest

from bridge.drift import store
from bridge.errors import ExitCode
from bridge.moodle import MoodleClient
from bridge.sandbox import Sandbox
from fixtures.drift_world import FILE_BYTES, GIFT, write_pack
from fixtures.sync_world import json_lines, remote_modules, run_cli

KINDS = ("intro", "note", "link", "doc", "quiz")


def idn(rid: str) -> str:
    return f"certbridge:drifty:{rid}"


@pytest.fixture
def world(tmp_path):
    with Sandbox(tmp_path / "sandbox") as sb:
        folder = write_pack(tmp_path / "packs")
        state = tmp_path / "state"
        first = run_cli(sb, state, "sync", str(folder))
        assert first.exit_code == 0, first.output
        yield sb, folder, state


def cli(world, *args):
    sb, _, state = world
    return run_cli(sb, state, *args)


def sync(world, *args):
    return cli(world, "sync", str(world[1]), *args)


def edit_by_hand(sb) -> None:
    """What a teacher does in Moodle: one edit of each kind, plus a renamed page."""
    sb.admin.set_module_content(idn("intro"), "<p>张老师改正了错别字</p>\n", by="张老师")
    sb.admin.set_module_content(idn("note"), "<p>课前请预习。</p>\n<p>第二行</p>")
    sb.admin.set_module_content(idn("link"), "https://example.edu.cn/notes")
    sb.admin.set_module_content(idn("doc"), b"\x00\xffhand-made\r\n")
    sb.admin.set_module_content(idn("quiz"), "")  # the last question removed
    sb.admin.rename_module(idn("lesson"), "第一课（老师改）")


def moodle_exports(sb) -> dict:
    """What Moodle holds for each hand-edited module, read independently of the sync."""
    with MoodleClient(sb.url, sb.token) as client:
        mods = {m["idnumber"]: m for m in remote_modules(sb)}
        return {rid: client.export_module(mods[idn(rid)]["id"]) for rid in KINDS}


def records(world) -> list[dict]:
    return json.loads(cli(world, "drift", "list", "--format", "json").output)["records"]


def by_resource(world) -> dict[str, dict]:
    return {r["resource"]: r for r in records(world)}


def content(sb, rid: str) -> dict:
    return next(m for m in remote_modules(sb) if m["idnumber"] == idn(rid))


def test_restore_keeps_every_kind_byte_for_byte_then_restores(world):
    sb, folder, state = world
    edit_by_hand(sb)
    held = moodle_exports(sb)
    result = sync(world, "--log-format", "json")
    assert result.exit_code == 0, result.output
    events = json_lines(result.output)
    kept_events = {e["resource"]: e for e in events if e["event"] == "kept"}
    assert set(kept_events) == {*KINDS, "lesson"}
    assert all(e["overwritten"] for e in kept_events.values())
    summary = next(e for e in events if e["event"] == "summary")
    assert {k["resource"] for k in summary["kept"]} == set(kept_events)

    listed = by_resource(world)
    copies = {rid: (listed[rid]["path"], listed[rid]["changed"]) for rid in listed}
    read = {rid: open(path, "rb").read() for rid, (path, _) in copies.items() if rid != "lesson"}
    assert read["intro"] == held["intro"].content.encode() == "<p>张老师改正了错别字</p>\n".encode()
    assert read["note"] == held["note"].intro.encode()
    assert read["link"] == b"https://example.edu.cn/notes"
    assert read["doc"] == b"\x00\xffhand-made\r\n"
    assert read["quiz"] == held["quiz"].questionsxml.encode()
    assert read["quiz"].count(b"<question ") == 2  # the teacher's quiz: Q3 removed
    assert copies["lesson"][1] == ["title"] and copies["lesson"][0].endswith(".json")
    lesson = json.loads(open(copies["lesson"][0], encoding="utf-8").read())
    assert lesson["moodle"]["name"] == "第一课（老师改）" and lesson["certbridge"]["name"] == "第一课"
    intro = json.loads(open(copies["intro"][0][:-len(".html")] + ".json", encoding="utf-8").read())
    assert intro["moodle"]["modifiedby"] == "张老师" and intro["moodle"]["timemodified"] > 0
    assert intro["sha1"] == hashlib.sha1(read["intro"]).hexdigest()
    # The course folder layout of the issue: <state>/drift/<site>/<course>/<idnumber>/<timestamp>.<ext>
    assert copies["doc"][0].startswith(str(state / "drift" / "default" / "DRIFT-101" / idn("doc")) + "/")

    # Moodle has the pack's version again, and the next run changes nothing.
    assert content(sb, "intro")["content"] == "<h1>课程介绍</h1>\n<p>欢迎。</p>\n"
    assert content(sb, "lesson")["name"] == "第一课"
    again = sync(world)
    assert again.exit_code == 0 and "0 updated" in again.output
    assert len(records(world)) == 6


def test_text_summary_names_each_overwritten_edit_and_its_copy(world):
    sb, _, _ = world
    sb.admin.set_module_content(idn("intro"), "<p>hand</p>", by="张老师")
    result = sync(world)
    (record,) = records(world)
    assert "intro: the hand edit by 张老师 (content) was overwritten" in result.output
    assert record["path"] in result.output and f"certbridge drift show {record['id']}" in result.output


def test_leave_keeps_nothing_and_changes_nothing(world):
    sb, _, _ = world
    edit_by_hand(sb)
    result = sync(world, "--drift", "leave")
    assert result.exit_code == 0
    assert records(world) == []
    assert content(sb, "intro")["content"] == "<p>张老师改正了错别字</p>\n"


def test_protect_reports_conflicts_until_adopted_or_restored(world):
    sb, _, _ = world
    edit_by_hand(sb)
    sb.admin.hide_module(idn("link"))  # hidden by hand too: nothing lost, so left (not a conflict)
    first = sync(world, "--drift", "protect", "--log-format", "json")
    assert first.exit_code == ExitCode.FAILURES
    summary = json_lines(first.output)[-1]
    assert summary["summary"]["conflict"] == 6 and summary["summary"]["update"] == 0
    assert content(sb, "intro")["content"] == "<p>张老师改正了错别字</p>\n"  # not overwritten
    assert {r["status"] for r in records(world)} == {"in-moodle"}
    # Each run reports them again, without keeping a second copy of the same version (nor
    # asking Moodle for it again: a standing conflict costs nothing).
    sb.admin.reset_calls()
    assert sync(world, "--drift", "protect").exit_code == ExitCode.FAILURES
    assert len(records(world)) == 6
    assert [c.wsfunction for c in sb.admin.calls()] == ["local_certbridge_get_modules"]
    plan = json.loads(cli(world, "plan", str(world[1]), "--drift", "protect", "--format", "json").output)
    conflict = next(a for a in plan["courses"][0]["actions"] if a["idnumber"] == idn("intro"))
    assert conflict["kind"] == "conflict" and conflict["drifted"] == ["content"]
    # Restoring on purpose: the copies already kept are used, and marked overwritten.
    restored = sync(world, "--drift", "restore")
    assert restored.exit_code == 0, restored.output
    assert len(records(world)) == 6 and {r["status"] for r in records(world)} == {"overwritten"}
    assert content(sb, "intro")["content"] == "<h1>课程介绍</h1>\n<p>欢迎。</p>\n"


def test_adopt_each_kind_into_the_pack_then_sync_keeps_it(world):
    sb, folder, _ = world
    edit_by_hand(sb)
    assert sync(world, "--drift", "protect").exit_code == ExitCode.FAILURES
    toml_before = (folder / "pack.toml").read_text("utf-8")
    listed = by_resource(world)
    for rid in KINDS:
        result = cli(world, "drift", "adopt", listed[rid]["id"])
        assert result.exit_code == 0, result.output
        assert "the next sync leaves it as it is" in result.output
    lesson = cli(world, "drift", "adopt", listed["lesson"]["id"])
    assert lesson.exit_code == 0, lesson.output  # a title only: no template question

    assert (folder / "pages" / "intro.html").read_bytes() == "<p>张老师改正了错别字</p>\n".encode()
    assert (folder / "files" / "doc.bin").read_bytes() == b"\x00\xffhand-made\r\n"
    assert (folder / "quizzes" / "unit.xml").read_bytes() == open(listed["quiz"]["path"], "rb").read()
    assert (folder / "quizzes" / "unit.gift").read_text("utf-8") == GIFT  # left in place, no longer used
    text = (folder / "pack.toml").read_text("utf-8")
    data = tomllib.loads(text)["sections"][0]["resources"]
    by_id = {r["id"]: r for r in data}
    assert by_id["note"]["text"] == "<p>课前请预习。</p>\n<p>第二行</p>"
    assert by_id["link"]["url"] == "https://example.edu.cn/notes"
    assert by_id["quiz"]["source"] == "quizzes/unit.xml"
    assert by_id["lesson"]["title"] == "第一课（老师改）"
    # Surgical: every comment and every untouched line is still there.
    for line in toml_before.splitlines():
        if "#" in line and "text =" not in line:
            assert line in text
    assert "  text = '''" in text and "# the label's text" in text

    assert cli(world, "validate", str(folder)).exit_code == 0
    # Moodle already holds these versions: nothing to restore, no conflict. Two pack changes
    # follow from the adoption: the quiz is imported once from its new file, and the lesson
    # page's template prints the (adopted) title. Then all is unchanged.
    result = sync(world, "--drift", "protect", "--log-format", "json")
    assert result.exit_code == 0, result.output
    summary = json_lines(result.output)[-1]["summary"]
    assert summary["conflict"] == 0 and summary["update"] == 2
    assert content(sb, "intro")["content"] == "<p>张老师改正了错别字</p>\n"
    assert len(sb.admin.questions(content(sb, "quiz")["id"])) == 2
    final = sync(world, "--drift", "protect")
    assert final.exit_code == 0 and "0 updated" in final.output
    assert {r["status"] for r in records(world)} == {"adopted"}
    again = cli(world, "drift", "adopt", listed["intro"]["id"])
    assert again.exit_code == ExitCode.INVALID_INPUT and "already adopted" in again.output


def test_adopt_after_restore_puts_the_hand_version_back(world):
    sb, folder, _ = world
    sb.admin.set_module_content(idn("link"), "https://example.edu.cn/hand")
    assert sync(world).exit_code == 0
    assert content(sb, "link")["externalurl"] == "https://developer.mozilla.org/"
    (record,) = records(world)
    result = cli(world, "drift", "adopt", record["id"])
    assert result.exit_code == 0 and "The next sync puts this version back" in result.output
    assert sync(world).exit_code == 0
    assert content(sb, "link")["externalurl"] == "https://example.edu.cn/hand"
    assert len(records(world)) == 1  # our own write is not a hand edit


def test_adopting_a_template_page_needs_as_static(world):
    sb, folder, _ = world
    sb.admin.set_module_content(idn("lesson"), "<p>改写的课</p>")
    assert sync(world, "--drift", "protect").exit_code == ExitCode.FAILURES
    (record,) = records(world)
    before = (folder / "pack.toml").read_bytes()
    refused = cli(world, "drift", "adopt", record["id"])
    assert refused.exit_code == ExitCode.INVALID_INPUT
    assert "--as-static" in refused.output and record["path"] in refused.output
    assert (folder / "pack.toml").read_bytes() == before
    result = cli(world, "drift", "adopt", record["id"], "--as-static")
    assert result.exit_code == 0, result.output
    entry = tomllib.loads((folder / "pack.toml").read_text("utf-8"))["sections"][0]["resources"][1]
    assert entry["source"] == "pages/lesson.html" and "template" not in entry
    assert '# template = "lesson.html"' in (folder / "pack.toml").read_text("utf-8")
    assert (folder / "pages" / "lesson.html").read_text("utf-8") == "<p>改写的课</p>"
    assert sync(world, "--drift", "protect").exit_code == 0
    assert content(sb, "lesson")["content"] == "<p>改写的课</p>"


def test_a_failed_keep_blocks_only_that_overwrite(world):
    sb, _, state = world
    edit_by_hand(sb)
    # The folder where the page's copy would go cannot be made (a file stands there): a
    # full or broken disk, as far as this module is concerned.
    blocked = store.module_dir(store.drift_root(state), "default", "DRIFT-101", idn("intro"))
    blocked.parent.mkdir(parents=True)
    blocked.write_text("in the way")
    result = sync(world, "--log-format", "json")
    assert result.exit_code == ExitCode.FAILURES
    events = json_lines(result.output)
    (failure,) = [e for e in events if e["event"] == "failure"]
    assert failure["idnumber"] == idn("intro") and failure["error"] == "KeepFailed"
    assert "was not overwritten" in failure["message"]
    assert content(sb, "intro")["content"] == "<p>张老师改正了错别字</p>\n"  # the teacher's text survives
    assert content(sb, "link")["externalurl"] == "https://developer.mozilla.org/"  # the others were restored
    assert {r["resource"] for r in records(world)} == {"note", "link", "doc", "quiz", "lesson"}
    blocked.unlink()
    assert sync(world).exit_code == 0  # next run: kept, then restored
    assert "intro" in {r["resource"] for r in records(world)}
    assert content(sb, "intro")["content"] == "<h1>课程介绍</h1>\n<p>欢迎。</p>\n"


def test_show_prints_the_record_and_a_diff_against_the_pack(world):
    sb, _, _ = world
    sb.admin.set_module_content(idn("intro"), "<h1>课程介绍</h1>\n<p>欢迎各位。</p>\n", by="张老师")
    sync(world)
    (record,) = records(world)
    shown = cli(world, "drift", "show", record["id"][:6])
    assert shown.exit_code == 0, shown.output
    assert "by 张老师" in shown.output and record["path"] in shown.output
    assert "-<p>欢迎。</p>\n+<p>欢迎各位。</p>\n" in shown.output
    as_json = json.loads(cli(world, "drift", "show", record["id"], "--format", "json").output)
    assert as_json["diff"].startswith("--- pack") and as_json["moodle"]["modifiedby"] == "张老师"
    missing = cli(world, "drift", "show", "zzzz")
    assert missing.exit_code == ExitCode.INVALID_INPUT and "drift list" in missing.output


def test_prune_by_count_and_age_says_what_it_removed(world):
    sb, _, state = world
    for n in range(3):
        sb.admin.set_module_content(idn("link"), f"https://example.edu.cn/{n}")
        assert sync(world).exit_code == 0
    assert len(records(world)) == 3
    dry = cli(world, "drift", "prune", "--keep", "1", "--dry-run")
    assert dry.exit_code == 0 and "Would remove 2" in dry.output and len(records(world)) == 3
    pruned = cli(world, "drift", "prune", "--keep", "1")
    assert pruned.exit_code == 0 and "Pruned 2 kept hand edit(s)" in pruned.output
    (kept,) = records(world)
    assert open(kept["path"]).read() == "https://example.edu.cn/2"  # the newest stays
    root = store.drift_root(state)
    old = store.list_records(root)[0]
    assert store.prune(root, "default", keep_days=1, keep_max=0, now=old.kept_at + 86400 - 1) == []
    (gone,) = store.prune(root, "default", keep_days=1, keep_max=0, now=old.kept_at + 86401)
    assert gone.id == old.id and records(world) == []


def test_sync_prunes_with_the_site_settings_and_reports_it(world, tmp_path):
    sb, folder, state = world
    config = tmp_path / "certbridge.toml"
    config.write_text(f'state_dir = "{state}"\n[[sites]]\nname = "default"\nurl = "{sb.url}"\n'
                      f'token_env = "CERTBRIDGE_TOKEN"\ndrift_keep_max = 1\n', "utf-8")
    for n in range(2):
        sb.admin.set_module_content(idn("link"), f"https://example.edu.cn/{n}")
        result = cli(world, "sync", str(folder), "--config", str(config), "--log-format", "json")
        assert result.exit_code == 0, result.output
    events = json_lines(result.output)
    assert any(e["event"] == "message" and "Pruned 1 kept hand edit" in e["message"] for e in events)
    assert len(json_lines(result.output)[-1]["pruned"]) == 1
    assert len(records(world)) == 1


def test_report_counts_kept_hand_edits_per_course(world):
    sb, folder, _ = world
    sb.admin.set_module_content(idn("intro"), "<p>hand</p>")
    sb.admin.set_module_content(idn("link"), "https://example.edu.cn/hand")
    assert sync(world, "--drift", "protect").exit_code == ExitCode.FAILURES
    assert sync(world, "--drift", "restore").exit_code == 0
    sb.admin.set_module_content(idn("note"), "<p>hand</p>")
    assert sync(world, "--drift", "protect").exit_code == ExitCode.FAILURES
    report = json.loads(cli(world, "report", str(folder), "--format", "json").output)
    assert report["courses"][0]["hand_edits"] == {"kept": 3, "in_moodle": 1}
    table = cli(world, "report", str(folder))
    assert "hand edits kept: 3 (1 still in Moodle) — certbridge drift list --course DRIFT-101" in table.output
    cli(world, "drift", "adopt", by_resource(world)["note"]["id"])
    again = json.loads(cli(world, "report", str(folder), "--format", "json").output)
    assert again["courses"][0]["hand_edits"] == {"kept": 2, "in_moodle": 0}


def test_adopting_a_reused_page_writes_its_home_pack_and_says_so(world):
    sb, folder, _ = world
    home = folder.parent / "shared"
    (home / "pages").mkdir(parents=True)
    (home / "pages" / "guide.html").write_text("<p>学习指南</p>\n", "utf-8")
    (home / "pack.toml").write_text('[pack]\nid = "shared"\ntitle = "共享库"\nversion = "1.0.0"\n'
                                    'owners = ["T <t@example.edu.cn>"]\nkind = "library"\n\n[[sections]]\n'
                                    'title = "通用"\n\n  [[sections.resources]]\n  id = "guide"\n  type = "page"\n'
                                    '  title = "学习指南"\n  source = "pages/guide.html"\n', "utf-8")
    with open(folder / "pack.toml", "a", encoding="utf-8") as toml:
        toml.write('\n  [[sections.resources]]\n  id = "guide"\n  use = "shared:guide"   # reused\n')
    assert sync(world).exit_code == 0
    sb.admin.set_module_content(idn("guide"), "<p>学习指南（修订）</p>\n")
    sb.admin.rename_module(idn("guide"), "学习指南（本课）")
    assert sync(world, "--drift", "protect").exit_code == ExitCode.FAILURES
    record = by_resource(world)["guide"]
    result = cli(world, "drift", "adopt", record["id"])
    assert result.exit_code == 0, result.output
    assert "every course using it gets this version" in result.output
    assert (home / "pages" / "guide.html").read_text("utf-8") == "<p>学习指南（修订）</p>\n"  # content: its home
    entry = tomllib.loads((folder / "pack.toml").read_text("utf-8"))["sections"][0]["resources"][-1]
    assert entry == {"id": "guide", "use": "shared:guide", "title": "学习指南（本课）"}  # title: this course only
    assert "# reused" in (folder / "pack.toml").read_text("utf-8")
    assert sync(world, "--drift", "protect").exit_code == 0


def test_doctor_warns_when_the_plugin_cannot_keep_hand_edits(world, monkeypatch):
    import bridge.sandbox.functions.plugin as sandbox_plugin

    ok = json.loads(cli(world, "doctor", "--format", "json").output)["default"]
    assert "hand-edits" not in {c["check"] for c in ok}
    monkeypatch.setattr(sandbox_plugin, "PLUGIN_VERSION", "2026113004")  # the release before export_module
    world[0].admin.set_debug(False)  # a write: the sandbox's cached replies are dropped
    checks = {c["check"]: c for c in json.loads(cli(world, "doctor", "--format", "json").output)["default"]}
    assert checks["hand-edits"]["status"] == "warning" and "1.5.0" in checks["hand-edits"]["fix"]
    assert checks["functions"]["status"] == "ok"
