"""The per-site SQLite state: schema version, courses, modules, journal, digests, history."""
import sqlite3

import pytest

from bridge.errors import ExitCode
from bridge.render.fingerprint import Digest, FileHasher
from bridge.sync.state import SCHEMA_VERSION, FigureRow, ModuleRow, StateError, StateStore


def row(idnumber, **kw):
    base = dict(idnumber=idnumber, pack_id="p", cmid=1, modname="page", fingerprint="f", name="n",
                visible=True, section=1, synced_at=1.0)
    base.update(kw)
    return ModuleRow(**base)


def test_creates_parent_dirs_and_sets_schema_version(tmp_path):
    path = tmp_path / "a" / "b" / "site.sqlite"
    with StateStore(path):
        pass
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_refuses_a_newer_schema(tmp_path):
    path = tmp_path / "site.sqlite"
    StateStore(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StateError) as info:
        StateStore(path)
    assert info.value.exit_code == ExitCode.STATE_ERROR
    assert "upgrade" in str(info.value).lower() or "升级" in str(info.value)


def test_garbage_file_is_a_state_error(tmp_path):
    path = tmp_path / "site.sqlite"
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(StateError):
        StateStore(path)


def test_history_oldest_first_per_course_and_limited(tmp_path):
    with StateStore(tmp_path / "s.sqlite") as store:
        store.record_figures([FigureRow(at=float(t), source="sync", shortname="A" if t % 2 else "B", pack_id="p",
                                        planned=10, online=t, ratio=t / 10, target=0.5) for t in range(1, 7)])
        assert [r.online for r in store.history()] == [1, 2, 3, 4, 5, 6]
        assert [r.online for r in store.history("A")] == [1, 3, 5]
        assert [r.online for r in store.history("B", limit=2)] == [4, 6]
        assert store.history("nope") == []
    with StateStore(tmp_path / "s.sqlite") as store:  # persisted
        assert store.history(limit=1)[0] == FigureRow(6.0, "sync", "B", "p", 10, 6, 0.6, 0.5)


def test_courses_keep_sections_unless_given(tmp_path):
    with StateStore(tmp_path / "s.sqlite") as store:
        assert store.course_id("C") is None
        store.save_course("C", "p", 7, [(1, "一"), (2, "二")])
        store.save_course("C", "p", 7)
        assert store.course_id("C") == 7
        assert store.course_row("C").sections == ((1, "一"), (2, "二"))
        store.save_course("C", "p", 9)  # a new course id: old titles no longer apply
        assert store.course_row("C").sections is None


def test_record_action_journals_and_saves_module_together(tmp_path):
    with StateStore(tmp_path / "s.sqlite") as store:
        run = store.begin_run()
        store.record_action(run, "C", "certbridge:p:a", "create", "done", module=row("certbridge:p:a", cmid=5))
        store.record_action(run, "C", "certbridge:p:b", "create", "failed", detail="boom")
        assert store.module_rows("p") == {"certbridge:p:a": row("certbridge:p:a", cmid=5)}
        assert [(e.idnumber, e.status) for e in store.journal(run)] == [("certbridge:p:a", "done"),
                                                                         ("certbridge:p:b", "failed")]
        store.record_action(run, "C", "certbridge:p:a", "delete", "done", forget="certbridge:p:a")
        assert store.module_rows("p") == {}


def test_killed_run_is_seen_as_interrupted(tmp_path):
    with StateStore(tmp_path / "s.sqlite") as store:
        first = store.begin_run()
    with StateStore(tmp_path / "s.sqlite") as store:
        assert store.last_interrupted_run().run_id == first
        second = store.begin_run()
        store.finish_run(second, "ok", {"create": 1})
        assert store.last_interrupted_run() is None


def test_digest_cache_avoids_rereading_files(tmp_path):
    f = tmp_path / "x.bin"
    f.write_bytes(b"hello")
    with StateStore(tmp_path / "s.sqlite") as store:
        first = FileHasher(store)
        digest = first.digest(f)
        assert first.files_read == 1
    with StateStore(tmp_path / "s.sqlite") as store:
        again = FileHasher(store)
        assert again.digest(f) == digest and again.files_read == 0
        f.write_bytes(b"hello!")  # size changes: read again
        assert again.digest(f) != digest and again.files_read == 1
        assert isinstance(store.get((str(f), 6, f.stat().st_mtime_ns)), Digest)
