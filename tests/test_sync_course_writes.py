"""One writer per course, batched writes: the sandbox watches Moodle's rule (never two
module writes to one course at once) and the client keeps it at any ``--workers``; many
modules go in one ``upsert_modules`` call, a bad module fails alone, an older plugin gets
one ``upsert_module`` call per module."""
from __future__ import annotations

import json
import math
import threading
from collections import Counter

import pytest

from bridge.moodle import MoodleClient, errors
from bridge.moodle.types import UpsertResult
from bridge.sandbox import FaultPlan, Sandbox
from bridge.sandbox.coursewrites import CourseWriteMonitor
from bridge.sync.executor import BATCH_SIZE, UPLOAD_GROUP_FILES
from fixtures.sync_world import PackSpec, json_lines, remote_modules, run_cli, writes


def test_the_monitor_records_a_second_write_to_a_busy_course_and_can_refuse_it():
    monitor = CourseWriteMonitor(course_of_cm={41: 7}.get)
    upsert = [("courseid", "7"), ("idnumber", "x")]
    with monitor.track("local_certbridge_upsert_modules", upsert) as refused:
        assert refused is None
        with monitor.track("core_course_get_contents", [("courseid", "7")]) as read:  # reads do not count
            assert read is None
        with monitor.track("local_certbridge_ensure_sections", [("courseid", "8")]) as other:  # another course
            assert other is None
        assert monitor.overlaps() == []
        with monitor.track("core_course_edit_module", [("action", "hide"), ("id", "41")]) as second:
            assert second is None  # policy "detect": recorded, answered
        monitor.set_policy("fail")
        with monitor.track("local_certbridge_import_questions", [("cmid", "41")]) as third:
            assert third is not None and third.errorcode == "dmlwriteexception"
    assert [(o["courseid"], o["wsfunction"]) for o in monitor.overlaps()] == [
        (7, "core_course_edit_module"), (7, "local_certbridge_import_questions")]
    with monitor.track("local_certbridge_upsert_module", upsert) as after:  # nothing in flight any more
        assert after is None
    assert len(monitor.overlaps()) == 2
    with pytest.raises(ValueError):
        monitor.set_policy("sometimes")


def test_two_writes_in_flight_for_one_course_are_caught_over_http(tmp_path):
    with Sandbox(tmp_path / "sb") as sb, MoodleClient(sb.url, sb.token) as client:
        courseid = client.create_course("RACE-1", "Race", 1)["id"]
        sb.admin.set_course_write_policy("fail")
        sb.admin.set_faults(FaultPlan(latency_ms=400, only_functions=["local_certbridge_upsert_module"]))
        first = threading.Thread(target=client.upsert_module, args=(courseid,), kwargs=dict(
            idnumber="certbridge:race:a", modname="page", section=1, name="A", content="<p>a</p>"))
        first.start()
        monitor = sb._running().course_writes
        while not monitor.in_flight(courseid):  # the first write has arrived and is being delayed
            assert first.is_alive()
        with pytest.raises(errors.MoodleError) as refused:
            client.call("local_certbridge_ensure_sections", write=True, courseid=courseid,
                        sections=[{"number": 1, "name": "S"}])
        first.join()
        assert refused.value.errorcode == "dmlwriteexception"
        assert [o["wsfunction"] for o in sb.admin.course_write_overlaps()] == ["local_certbridge_ensure_sections"]


@pytest.mark.parametrize("workers", [1, 4])
def test_a_sync_never_writes_to_one_course_twice_at_once_and_batches_its_upserts(tmp_path, workers):
    with Sandbox(tmp_path / "sb") as sb:
        packs = [PackSpec(tmp_path / "packs", pack_id=f"p{i}", shortname=f"P-{i}", files=files).write()
                 for i, files in enumerate((25, 3, 8))]
        sb.admin.set_course_write_policy("fail")  # an overlap would fail a write, as it can on PostgreSQL
        sb.admin.set_faults(FaultPlan(latency_ms=15))  # keeps requests in flight long enough to overlap
        result = run_cli(sb, tmp_path / "state", "sync", str(tmp_path / "packs"), "--workers", str(workers),
                         "--log-format", "json")
        summary = json_lines(result.output)[-1]
        assert result.exit_code == 0, result.output
        assert summary["summary"]["create"] == 25 + 3 + 8 + 3 * 3 and summary["summary"]["failed"] == 0
        assert sb.admin.course_write_overlaps() == []
        calls = Counter(c.wsfunction for c in writes(sb))
        assert "local_certbridge_upsert_module" not in calls
        assert calls["local_certbridge_upsert_modules"] == sum(math.ceil((n + 3) / BATCH_SIZE) for n in (25, 3, 8))
        # Files go up in groups: one draft area per course, a new one every UPLOAD_GROUP_FILES files.
        assert calls["webservice/upload.php"] == sum(math.ceil(n / UPLOAD_GROUP_FILES) for n in (25, 3, 8))
        counts = Counter(m["idnumber"] for m in remote_modules(sb))
        assert len(counts) == 45 and max(counts.values()) == 1
        assert summary["calls"]["http_requests"] <= summary["summary"]["create"]


def test_a_module_moodle_refuses_fails_alone_and_the_next_run_adds_it(tmp_path, monkeypatch):
    def one_bad(self, courseid, modules):
        # The first resource arrives without its file: the plugin refuses that module only.
        modules = [dict(m) for m in modules]
        bad = next(m for m in modules if m["modname"] == "resource")
        bad["draftitemid"] = 0
        return original(self, courseid, modules)

    original = MoodleClient.upsert_modules
    with Sandbox(tmp_path / "sb") as sb:
        pack = PackSpec(tmp_path / "packs", files=3).write()
        monkeypatch.setattr(MoodleClient, "upsert_modules", one_bad)
        result = run_cli(sb, tmp_path / "state", "sync", str(pack.folder), "--log-format", "json")
        lines = json_lines(result.output)
        assert result.exit_code == 1
        (failure,) = [line for line in lines if line["event"] == "failure"]
        assert failure["idnumber"] == pack.idnumber("file0") and failure["error"] == "InvalidParameter"
        assert lines[-1]["summary"]["create"] == 5
        assert sorted(m["idnumber"] for m in remote_modules(sb)) == sorted(
            pack.idnumber(r) for r in pack.resource_ids() if r != "file0")
        monkeypatch.setattr(MoodleClient, "upsert_modules", original)
        again = run_cli(sb, tmp_path / "state", "sync", str(pack.folder), "--log-format", "json")
        assert again.exit_code == 0 and json_lines(again.output)[-1]["summary"]["create"] == 1


def test_an_older_plugin_gets_one_upsert_module_per_module(tmp_path, monkeypatch):
    import bridge.moodle.client as client_module

    monkeypatch.setattr(client_module, "BATCH_API_VERSION", 99)  # the sandbox's API 2 counts as too old
    with Sandbox(tmp_path / "sb") as sb:
        pack = PackSpec(tmp_path / "packs", files=3).write()
        result = run_cli(sb, tmp_path / "state", "sync", str(pack.folder))
        assert result.exit_code == 0, result.output
        calls = Counter(c.wsfunction for c in writes(sb))
        assert calls["local_certbridge_upsert_module"] == 6 and "local_certbridge_upsert_modules" not in calls


@pytest.mark.parametrize("fault", [FaultPlan(drop_rate=1.0), FaultPlan(error_rate=1.0)], ids=["reset", "5xx"])
def test_a_batch_without_answer_is_checked_by_idnumber_and_nothing_is_created_twice(tmp_path, fault):
    with Sandbox(tmp_path / "sb") as sb:
        pack = PackSpec(tmp_path / "packs", files=3).write()
        sb.admin.set_faults(FaultPlan(drop_rate=fault.drop_rate, error_rate=fault.error_rate,
                                      only_functions=["local_certbridge_upsert_modules"]))
        first = run_cli(sb, tmp_path / "state", "sync", str(pack.folder), "--log-format", "json")
        assert first.exit_code == 1
        failures = [line for line in json_lines(first.output) if line["event"] == "failure"]
        assert len(failures) == 6 and {f["error"] for f in failures} <= {"AmbiguousWrite", "ServerError"}
        sb.admin.clear_faults()
        again = run_cli(sb, tmp_path / "state", "sync", str(pack.folder), "--log-format", "json")
        assert again.exit_code == 0, again.output
        counts = Counter(m["idnumber"] for m in remote_modules(sb))
        assert len(counts) == 6 and max(counts.values()) == 1


def test_the_client_returns_one_result_or_error_per_module(tmp_path):
    with Sandbox(tmp_path / "sb") as sb, MoodleClient(sb.url, sb.token) as client:
        courseid = client.create_course("BATCH-1", "Batch", 1)["id"]
        results = client.upsert_modules(courseid, [
            dict(idnumber="certbridge:b:page", modname="page", section=1, name="P", content="<p>p</p>"),
            dict(idnumber="certbridge:b:file", modname="resource", section=1, name="F"),  # no draft: refused
            dict(idnumber="certbridge:b:link", modname="url", section=2, name="L", externalurl="https://e.cn/",
                 position=0),
        ])
        assert [type(r) for r in results] == [UpsertResult, errors.InvalidParameter, UpsertResult]
        assert results[0].created and results[2].created
        assert "upsert_modules" in results[1].message
        listed = {m.idnumber: m for m in client.get_modules(courseid, "certbridge:b:")}
        assert sorted(listed) == ["certbridge:b:link", "certbridge:b:page"]
        assert listed["certbridge:b:page"].cmid == results[0].cmid
        with pytest.raises(ValueError):
            client.upsert_modules(courseid, [dict(idnumber=f"certbridge:b:{i}", modname="label", section=1, name="")
                                             for i in range(51)])
        assert json.loads(json.dumps([c.wsfunction for c in sb.admin.calls()])).count(
            "local_certbridge_upsert_modules") == 1
