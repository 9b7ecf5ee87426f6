"""The per-site sync state: SQLite (stdlib), one file per site.

What it remembers, and why:

- ``courses``: shortname → Moodle course id (so a no-op run needs no lookup call) and the
  section titles last applied (the module listing carries no section names).
- ``modules``: per idnumber what Moodle held after our last successful write. The
  planner uses it only to tell drift ("Moodle changed since our last sync") from a
  change ("the pack changed"). Losing it is safe: it is rebuilt from the remote
  snapshot by idnumber.
- ``runs`` / ``journal``: each run and every action it completed (or failed), written
  in the same transaction as the module row, so a killed run can be told apart and
  resumed (the re-run re-reads Moodle and skips what is already there).
- ``digests``: the file-hash cache keyed by (path, size, mtime_ns) (``DigestCache``).
- ``figures``: completion figures over time, for ``certbridge report --history``.

The schema version is SQLite's ``user_version``; a newer file than this program knows
is refused rather than guessed at.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr
from bridge.render.fingerprint import Digest

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS courses (
    shortname TEXT PRIMARY KEY,
    pack_id TEXT NOT NULL,
    courseid INTEGER NOT NULL,
    sections TEXT NOT NULL DEFAULT '',      -- JSON [[number, title], ...] last applied
    synced_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS modules (
    idnumber TEXT PRIMARY KEY,
    pack_id TEXT NOT NULL,
    cmid INTEGER NOT NULL,
    modname TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    name TEXT NOT NULL,
    visible INTEGER NOT NULL,
    section INTEGER NOT NULL,
    synced_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS modules_pack ON modules (pack_id);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at REAL NOT NULL,
    finished_at REAL,
    status TEXT NOT NULL,                   -- running | ok | failed | interrupted
    summary TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    at REAL NOT NULL,
    shortname TEXT NOT NULL,
    idnumber TEXT NOT NULL,
    action TEXT NOT NULL,
    status TEXT NOT NULL,                   -- done | failed
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS journal_run ON journal (run_id);
CREATE TABLE IF NOT EXISTS digests (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha1 TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS figures (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    source TEXT NOT NULL,                   -- sync | report
    shortname TEXT NOT NULL,
    pack_id TEXT NOT NULL,
    planned INTEGER NOT NULL,
    online INTEGER NOT NULL,
    ratio REAL NOT NULL,
    target REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS figures_course ON figures (shortname, at);
"""


class StateError(BridgeError):
    exit_code = ExitCode.STATE_ERROR


def state_error(path: Path, err: BaseException | str) -> StateError:
    """Exit 6 naming the file, why, and how to go on: the state is a cache of what Moodle
    holds, so moving it aside is always safe."""
    text = str(err)
    low = text.lower()
    aside = tr("Move it aside (mv {p} {p}.damaged, and {p}-wal and {p}-shm if they exist): the next sync "
               "rebuilds it from Moodle by idnumber; only the completion history (report --history) stays behind "
               "in the moved file.",
               "请将其移走（mv {p} {p}.damaged，若存在 {p}-wal 和 {p}-shm 也一并移走）：下次同步会按 idnumber 根据 "
               "Moodle 重建；只有完成度历史（report --history）留在移走的文件中。", p=path)
    if "readonly" in low or "read-only" in low or "permission denied" in low or "unable to open" in low:
        hint = tr("certbridge cannot write it: check the file's and its folder's owner and permissions, and that "
                  "it is not immutable (lsattr). Or: ", "certbridge 无法写入该文件：请检查文件及其目录的属主与权限，"
                  "以及它是否被设为不可变（lsattr）。或者：") + aside
    elif "disk is full" in low or "no space" in low:
        hint = tr("The disk is full: free space there and run again.", "磁盘已满：请释放空间后重新运行。")
    else:
        hint = aside
    return StateError(tr("State file {path} cannot be used: {err}", "状态文件 {path} 无法使用：{err}",
                         path=path, err=text), hint=hint)


@dataclass(frozen=True)
class FigureRow:
    """One course's completion figures at one moment."""

    at: float
    source: str  # "sync" | "report"
    shortname: str
    pack_id: str
    planned: int
    online: int
    ratio: float
    target: float


@dataclass(frozen=True)
class ModuleRow:
    """What Moodle held for one module after our last write (or adoption)."""

    idnumber: str
    pack_id: str
    cmid: int
    modname: str
    fingerprint: str
    name: str
    visible: bool
    section: int
    synced_at: float


@dataclass(frozen=True)
class CourseRow:
    shortname: str
    pack_id: str
    courseid: int
    sections: tuple[tuple[int, str], ...] | None  # None: never applied by us
    synced_at: float


@dataclass(frozen=True)
class JournalEntry:
    run_id: str
    at: float
    shortname: str
    idnumber: str
    action: str
    status: str
    detail: str


@dataclass(frozen=True)
class RunRow:
    run_id: str
    started_at: float
    finished_at: float | None
    status: str
    summary: dict


class StateStore:
    """One site's state file. Thread-safe: every statement runs under one lock."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as err:
            raise state_error(self.path, getattr(err, "strerror", None) or err) from None
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.Error as err:
            self._db.close()
            raise state_error(self.path, err) from None

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            self._db.close()
            raise StateError(
                tr("State file {path} has schema version {v}; this certbridge knows up to {known}.",
                   "状态文件 {path} 的结构版本为 {v}；当前 certbridge 只支持到 {known}。",
                   path=self.path, v=version, known=SCHEMA_VERSION),
                hint=tr("Upgrade certbridge (a newer version wrote this file).",
                        "请升级 certbridge（该文件由更新的版本写入）。"))
        if version < SCHEMA_VERSION:
            with self.transaction() as db:
                # executescript() would commit on its own: run the statements one by one instead.
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- plumbing ------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT (ROLLBACK on error) under the store's lock. Every
        write goes through here, and every read through ``_query``/``_parsed``: the one
        guard that turns a damaged, unwritable or full state into exit 6."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    try:
                        self._db.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # the transaction is gone with the damage; the first error says why
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as err:
                raise state_error(self.path, err) from None

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as err:
                raise state_error(self.path, err) from None

    @contextmanager
    def _parsed(self, what: str) -> Iterator[None]:
        """Turning stored cells into values: a cell certbridge did not write (hand edits,
        flipped bytes) is damage, not a bug."""
        try:
            yield
        except (ValueError, TypeError, KeyError, IndexError) as err:
            raise state_error(self.path, tr("a {what} row holds a value certbridge did not write ({err})",
                                            "{what} 表中有一行的值不是 certbridge 写入的（{err}）",
                                            what=what, err=err)) from None

    # -- courses -------------------------------------------------------------------

    def course_id(self, shortname: str) -> int | None:
        rows = self._query("SELECT courseid FROM courses WHERE shortname = ?", (shortname,))
        with self._parsed("courses"):
            return int(rows[0][0]) if rows else None

    def course_row(self, shortname: str) -> CourseRow | None:
        rows = self._query("SELECT shortname, pack_id, courseid, sections, synced_at FROM courses WHERE shortname = ?",
                           (shortname,))
        if not rows:
            return None
        with self._parsed("courses"):
            shortname, pack_id, courseid, sections, synced_at = rows[0]
            parsed = tuple((int(n), str(t)) for n, t in json.loads(sections)) if sections else None
            return CourseRow(shortname, pack_id, int(courseid), parsed, float(synced_at))

    def save_course(self, shortname: str, pack_id: str, courseid: int,
                    sections: list[tuple[int, str]] | None = None) -> None:
        """Remember a course id; ``sections`` (titles just applied) when given, else keep the old."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO courses (shortname, pack_id, courseid, sections, synced_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (shortname) DO UPDATE SET pack_id = excluded.pack_id, "
                "sections = CASE WHEN excluded.courseid != courses.courseid THEN excluded.sections "
                "                WHEN ? THEN excluded.sections ELSE courses.sections END, "
                "courseid = excluded.courseid, synced_at = excluded.synced_at",
                (shortname, pack_id, courseid, json.dumps(sections, ensure_ascii=False) if sections is not None else "",
                 time.time(), sections is not None))

    def forget_course(self, shortname: str, pack_id: str) -> None:
        """Drop a course (deleted in Moodle) and its modules' rows."""
        with self.transaction() as db:
            db.execute("DELETE FROM courses WHERE shortname = ?", (shortname,))
            db.execute("DELETE FROM modules WHERE pack_id = ?", (pack_id,))

    # -- modules -------------------------------------------------------------------

    def module_rows(self, pack_id: str) -> dict[str, ModuleRow]:
        rows = self._query("SELECT idnumber, pack_id, cmid, modname, fingerprint, name, visible, section, synced_at "
                           "FROM modules WHERE pack_id = ?", (pack_id,))
        with self._parsed("modules"):
            return {r[0]: ModuleRow(str(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4]), str(r[5]), bool(int(r[6])),
                                    int(r[7]), float(r[8])) for r in rows}

    def save_modules(self, rows: list[ModuleRow], forget: list[str] = ()) -> None:
        """Upsert module rows and drop ``forget`` idnumbers, in one transaction."""
        with self.transaction() as db:
            self._save_modules(db, rows, forget)

    @staticmethod
    def _save_modules(db: sqlite3.Connection, rows: list[ModuleRow], forget: list[str] = ()) -> None:
        db.executemany(
            "INSERT OR REPLACE INTO modules (idnumber, pack_id, cmid, modname, fingerprint, name, visible, section, "
            "synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.idnumber, r.pack_id, r.cmid, r.modname, r.fingerprint, r.name, int(r.visible), r.section, r.synced_at)
             for r in rows])
        db.executemany("DELETE FROM modules WHERE idnumber = ?", [(i,) for i in forget])

    # -- runs and the journal ------------------------------------------------------

    def begin_run(self) -> str:
        """Start a run; any run still marked running was killed: mark it interrupted."""
        run_id = uuid.uuid4().hex[:12]
        with self.transaction() as db:
            db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            db.execute("INSERT INTO runs (run_id, started_at, status) VALUES (?, ?, 'running')", (run_id, time.time()))
        return run_id

    def finish_run(self, run_id: str, status: str, summary: dict) -> None:
        with self.transaction() as db:
            db.execute("UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE run_id = ?",
                       (time.time(), status, json.dumps(summary, ensure_ascii=False), run_id))

    def last_interrupted_run(self) -> RunRow | None:
        """The newest run that never finished (killed), if it is the newest run at all."""
        rows = self._query("SELECT run_id, started_at, finished_at, status, summary FROM runs "
                           "ORDER BY started_at DESC LIMIT 1")
        if rows and rows[0][3] in ("running", "interrupted"):
            r = rows[0]
            with self._parsed("runs"):
                return RunRow(r[0], r[1], r[2], r[3], json.loads(r[4]) if r[4] else {})
        return None

    def record_action(self, run_id: str, shortname: str, idnumber: str, action: str, status: str,
                      detail: str = "", module: ModuleRow | None = None, forget: str | None = None) -> None:
        """Journal one finished action and, in the same transaction, its module row."""
        with self.transaction() as db:
            db.execute("INSERT INTO journal (run_id, at, shortname, idnumber, action, status, detail) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", (run_id, time.time(), shortname, idnumber, action, status, detail))
            self._save_modules(db, [module] if module else [], [forget] if forget else [])

    def journal(self, run_id: str | None = None) -> list[JournalEntry]:
        sql = "SELECT run_id, at, shortname, idnumber, action, status, detail FROM journal"
        rows = self._query(sql + " WHERE run_id = ? ORDER BY seq", (run_id,)) if run_id else self._query(sql + " ORDER BY seq")
        return [JournalEntry(*r) for r in rows]

    # -- the digest cache (bridge.render.fingerprint.DigestCache) ------------------

    def get(self, key: tuple[str, int, int]) -> Digest | None:
        path, size, mtime_ns = key
        rows = self._query("SELECT sha1, sha256, bytes FROM digests WHERE path = ? AND size = ? AND mtime_ns = ?",
                           (path, size, mtime_ns))
        with self._parsed("digests"):
            return Digest(str(rows[0][0]), str(rows[0][1]), int(rows[0][2])) if rows else None

    def put(self, key: tuple[str, int, int], digest: Digest) -> None:
        path, size, mtime_ns = key
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO digests (path, size, mtime_ns, sha1, sha256, bytes) VALUES (?, ?, ?, ?, ?, ?)",
                       (path, size, mtime_ns, digest.sha1, digest.sha256, digest.size))

    # -- completion history ---------------------------------------------------------

    def record_figures(self, rows: list[FigureRow]) -> None:
        with self.transaction() as db:
            db.executemany("INSERT INTO figures (at, source, shortname, pack_id, planned, online, ratio, target) "
                           "VALUES (:at, :source, :shortname, :pack_id, :planned, :online, :ratio, :target)",
                           [asdict(r) for r in rows])

    def history(self, shortname: str | None = None, limit: int = 100) -> list[FigureRow]:
        """The newest ``limit`` figure rows (of one course, or all), oldest first."""
        sql = "SELECT at, source, shortname, pack_id, planned, online, ratio, target FROM figures"
        params: tuple = ()
        if shortname is not None:
            sql += " WHERE shortname = ?"
            params = (shortname,)
        rows = self._query(f"SELECT * FROM ({sql} ORDER BY at DESC, seq DESC LIMIT ?) ORDER BY at ASC",
                           params + (int(limit),))
        with self._parsed("figures"):
            return [FigureRow(r[0], r[1], r[2], r[3], int(r[4]), int(r[5]), float(r[6]), float(r[7])) for r in rows]
