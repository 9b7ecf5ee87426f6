"""plan/sync end to end against the sandbox: idempotence, incremental updates, removal,
drift, lost state, limits, locking, typed errors."""
import json

import pytest

from bridge.errors import ExitCode
from bridge.sandbox import Sandbox
from bridge.sync.state import StateStore
from fixtures.sync_world import PackSpec, json_lines, remote_modules, run_cli, writes


@pytest.fixture
def world(tmp_path):
    with Sandbox(tmp_path / "sandbox") as sb:
        pack = PackSpec(tmp_path / "packs").write()
        yield sb, pack, tmp_path / "state"


def sync(world, *args):
    sb, pack, state = world
    return run_cli(sb, state, "sync", str(pack.folder), *args)


def plan_json(world, *args):
    sb, pack, state = world
    result = run_cli(sb, state, "plan", str(pack.folder), "--format", "json", *args)
    return json.loads(result.output)


def by_idnumber(sb):
    return {m["idnumber"]: m for m in remote_modules(sb)}


def test_first_sync_creates_everything_and_second_run_writes_nothing(world):
    sb, pack, state = world
    first = sync(world)
    assert first.exit_code == 0, first.output
    assert sorted(by_idnumber(sb)) == sorted(pack.idnumber(r) for r in pack.resource_ids())
    sb.admin.reset_calls()
    second = sync(world)
    assert second.exit_code == 0, second.output
    assert writes(sb) == []
    reads = [c.wsfunction for c in sb.admin.calls()]
    assert reads == ["local_certbridge_get_modules"]  # one read per course, nothing else
    assert plan_json(world)["summary"] | {} == {"create": 0, "update": 0, "hide": 0, "delete": 0, "unchanged": 6,
                                               "drift": 0, "conflict": 0, "create_course": 0, "errors": 0}


def test_plan_makes_no_write_call_and_documents_counts(world):
    sb, pack, _ = world
    doc = plan_json(world)
    assert writes(sb) == []
    assert doc["summary"]["create"] == 6 and doc["summary"]["create_course"] == 1
    (course,) = doc["courses"]
    assert course["shortname"] == pack.shortname and course["summary"]["create"] == 6
    assert {a["kind"] for a in course["actions"]} == {"create"}


def test_changing_one_file_updates_exactly_that_module(world):
    sb, pack, _ = world
    sync(world)
    (pack.folder / "files" / "file1.txt").write_text("new content\n", "utf-8")
    doc = plan_json(world)
    changed = [a for a in doc["courses"][0]["actions"] if a["kind"] != "unchanged"]
    assert changed == [{"kind": "update", "idnumber": pack.idnumber("file1"), "name": "文件 1",
                        "reasons": ["content"], "cmid": by_idnumber(sb)[pack.idnumber("file1")]["id"]}]
    sb.admin.reset_calls()
    assert sync(world).exit_code == 0
    # The stored course plan carries each resource's fingerprint: it is sent again too.
    assert sorted(c.wsfunction for c in writes(sb)) == [
        "local_certbridge_set_course_plan", "local_certbridge_upsert_modules", "webservice/upload.php"]
    sb.admin.reset_calls()
    sync(world)
    assert writes(sb) == []


def test_renaming_a_title_updates_only_the_title(world):
    sb, pack, _ = world
    sync(world)
    pack.titles["file0"] = "改名后的文件"
    pack.write()
    sb.admin.reset_calls()
    assert sync(world).exit_code == 0
    assert sorted(c.wsfunction for c in writes(sb)) == [  # no upload: title only (and the plan naming it)
        "local_certbridge_set_course_plan", "local_certbridge_upsert_modules"]
    assert by_idnumber(sb)[pack.idnumber("file0")]["name"] == "改名后的文件"


def test_removed_resource_is_hidden_or_deleted_under_prune(world):
    sb, pack, _ = world
    sync(world)
    pack.removed.add("file2")
    pack.write()
    sb.admin.reset_calls()
    assert sync(world).exit_code == 0
    assert sorted(c.wsfunction for c in writes(sb)) == ["core_course_edit_module", "local_certbridge_set_course_plan"]
    assert by_idnumber(sb)[pack.idnumber("file2")]["visible"] == 0
    refused = sync(world, "--prune", "--max-delete", "0")
    assert refused.exit_code == ExitCode.LIMIT_EXCEEDED and pack.idnumber("file2") in by_idnumber(sb)
    assert sync(world, "--prune").exit_code == 0
    assert pack.idnumber("file2") not in by_idnumber(sb)
    assert len(by_idnumber(sb)) == 5


def test_drift_is_reported_and_restored_or_left(world):
    sb, pack, _ = world
    sync(world)
    sb.admin.hide_module(pack.idnumber("file0"))
    sb.admin.stealth_module(pack.idnumber("file1"))
    sb.admin.delete_module(pack.idnumber("link"))
    sb.admin.set_module_content(pack.idnumber("page"), "<p>edited by hand</p>")
    actions = {a["idnumber"]: a for a in plan_json(world)["courses"][0]["actions"]}
    assert actions[pack.idnumber("file0")]["reasons"] == ["drift-hidden"]
    assert actions[pack.idnumber("file1")]["reasons"] == ["drift-hidden"]
    assert actions[pack.idnumber("link")]["reasons"] == ["drift-deleted"]
    assert actions[pack.idnumber("page")]["reasons"] == ["drift-edited"]
    left = sync(world, "--drift", "leave")
    assert left.exit_code == 0 and by_idnumber(sb)[pack.idnumber("file0")]["visible"] == 0
    assert plan_json(world, "--drift", "leave")["summary"]["drift"] == 4
    assert sync(world).exit_code == 0
    assert plan_json(world)["summary"]["unchanged"] == 6
    assert by_idnumber(sb)[pack.idnumber("file0")]["visible"] == 1
    assert by_idnumber(sb)[pack.idnumber("file1")]["visibleoncoursepage"] == 1


def test_losing_the_state_file_converges_without_duplicates(world):
    sb, pack, state = world
    sync(world)
    for f in state.iterdir():
        f.unlink()
    sb.admin.reset_calls()
    assert sync(world).exit_code == 0
    # Only the section titles (unknown without state) are written again; no module.
    assert [c.wsfunction for c in writes(sb)] == ["local_certbridge_ensure_sections"]
    assert len(remote_modules(sb)) == 6
    sb.admin.reset_calls()
    sync(world)
    assert writes(sb) == []
    with StateStore(state / "default.sqlite") as store:
        assert len(store.module_rows(pack.pack_id)) == 6
        assert store.history(pack.shortname)[-1].online == 6


def test_max_changes_refuses_before_any_write(world):
    sb, _, _ = world
    result = sync(world, "--max-changes", "3")
    assert result.exit_code == ExitCode.LIMIT_EXCEEDED
    assert writes(sb) == [] and "max-changes" in result.output


def test_bad_token_is_one_clear_message_and_site_exit_code(world, monkeypatch):
    sb, pack, state = world
    from bridge.cli import main
    from click.testing import CliRunner
    from fixtures.sync_world import sync_env
    env = sync_env(sb, state) | {"CERTBRIDGE_TOKEN": "wrong"}
    result = CliRunner().invoke(main, ["sync", str(pack.folder)], env=env)
    assert result.exit_code == ExitCode.SITE_ERROR
    assert result.output.count("token") >= 1 and "Traceback" not in result.output


def test_json_log_has_course_lines_and_summary(world):
    result = sync(world, "--log-format", "json")
    events = json_lines(result.output)
    assert [e["event"] for e in events][-2:] == ["course", "summary"] or events[-1]["event"] == "summary"
    summary = events[-1]
    assert summary["summary"]["create"] == 6 and summary["exit_code"] == 0
    assert summary["courses"][0]["figures"]["online"] == 6


def test_a_failing_resource_does_not_stop_the_others(world):
    sb, pack, _ = world
    sb.admin.set_maxbytes(5)  # every file is larger: those uploads fail, the rest goes on
    result = sync(world)
    assert result.exit_code == ExitCode.FAILURES
    assert sorted(by_idnumber(sb)) == sorted(pack.idnumber(r) for r in ("page", "link", "note"))
    assert result.output.count("over the site's limit") == 1  # one message for the three files
    assert "3 failed" in result.output and "Maximum uploaded file size" in result.output
    sb.admin.set_maxbytes(0)
    assert sync(world).exit_code == 0 and len(by_idnumber(sb)) == 6


def test_unlock_needs_the_lock_id(world):
    sb, pack, state = world
    state.mkdir(parents=True, exist_ok=True)
    (state / "default.lock").write_text(json.dumps({"id": "abc123", "pid": 1, "host": "elsewhere", "started_at": 1}))
    locked = sync(world)
    assert locked.exit_code == ExitCode.LOCKED and "abc123" in locked.output
    assert run_cli(sb, state, "unlock", "--id", "nope").exit_code == ExitCode.INVALID_INPUT
    assert run_cli(sb, state, "unlock", "--id", "abc123").exit_code == 0
    assert sync(world).exit_code == 0


def test_doctor_checks_the_sandbox(world):
    sb, _, state = world
    result = run_cli(sb, state, "doctor", "--format", "json")
    checks = json.loads(result.output)["default"]
    assert result.exit_code == 0, result.output
    assert {c["check"]: c["status"] for c in checks} == {
        "reachable": "ok", "rest": "ok", "token": "ok", "plugin": "ok", "functions": "ok", "uploads": "ok"}


def test_doctor_says_to_enable_and_authorise_the_service_when_moodle_refuses_the_user():
    from bridge.config import Site
    from bridge.moodle.errors import error_for
    from bridge.sync.doctor import run_doctor

    class RefusedClient:  # what a restricted service answers a user not in its Authorised users
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

        def site_info(self):
            raise error_for("core_webservice_get_site_info", {
                "exception": "webservice_access_exception", "errorcode": "accessexception",
                "message": "Access control exception"})

    checks = run_doctor(Site(name="x", url="https://moodle.example.edu.cn", token_env="X_TOKEN"), lambda site: RefusedClient())
    rest = {c.name: c for c in checks}["rest"]
    assert rest.status == "fail" and "Authorised users" in rest.fix and "certbridge" in rest.fix
