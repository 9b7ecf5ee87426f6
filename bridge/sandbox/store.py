"""The sandbox's state: one SQLite database (WAL) plus a content-addressed file directory.

Thread safety: connections come from a small pool (one per concurrent request at most);
writes are serialised by one lock and run in ``BEGIN IMMEDIATE`` transactions. Every
committed write bumps ``generation``, which read caches key on.
"""
from __future__ import annotations

import contextlib
import itertools
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Iterator

SCHEMA_VERSION = 1

#: Moodle's ``modules`` table ids (as recorded on Moodle 5.1; others are plausible).
MODULE_IDS = {"folder": 7, "forum": 8, "label": 12, "page": 15, "qbank": 16, "quiz": 17,
              "resource": 18, "subsection": 20, "url": 22}

ADMIN_USERID = 2
LOWPRIV_USERID = 3
SERVICE = "certbridge"

#: Tables added after schema 1, created on open when missing (like a plugin's upgrade step).
_ADDED = (
    "CREATE TABLE IF NOT EXISTS course_plans (courseid INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL,"
    " plan TEXT NOT NULL, timemodified INTEGER NOT NULL);\n",
)

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE seq (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE users (
    id INTEGER PRIMARY KEY, username TEXT NOT NULL, firstname TEXT NOT NULL, lastname TEXT NOT NULL,
    issiteadmin INTEGER NOT NULL, contextid INTEGER NOT NULL, privatekey TEXT NOT NULL);
CREATE TABLE tokens (token TEXT PRIMARY KEY, userid INTEGER NOT NULL, service TEXT NOT NULL);
CREATE TABLE categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, idnumber TEXT, description TEXT NOT NULL DEFAULT '',
    descriptionformat INTEGER NOT NULL DEFAULT 1, parent INTEGER NOT NULL DEFAULT 0, sortorder INTEGER NOT NULL,
    visible INTEGER NOT NULL DEFAULT 1, timemodified INTEGER NOT NULL, depth INTEGER NOT NULL, path TEXT NOT NULL,
    theme TEXT NOT NULL DEFAULT '', contextid INTEGER NOT NULL);
CREATE TABLE courses (
    id INTEGER PRIMARY KEY AUTOINCREMENT, category INTEGER NOT NULL, sortorder INTEGER NOT NULL,
    fullname TEXT NOT NULL, shortname TEXT NOT NULL, idnumber TEXT NOT NULL DEFAULT '', summary TEXT,
    summaryformat INTEGER NOT NULL DEFAULT 1, format TEXT NOT NULL DEFAULT 'topics', showgrades INTEGER NOT NULL DEFAULT 1,
    newsitems INTEGER NOT NULL DEFAULT 5, startdate INTEGER NOT NULL, enddate INTEGER NOT NULL,
    maxbytes INTEGER NOT NULL DEFAULT 0, showreports INTEGER NOT NULL DEFAULT 0, visible INTEGER NOT NULL DEFAULT 1,
    groupmode INTEGER NOT NULL DEFAULT 0, groupmodeforce INTEGER NOT NULL DEFAULT 0,
    defaultgroupingid INTEGER NOT NULL DEFAULT 0, enablecompletion INTEGER NOT NULL DEFAULT 1,
    completionnotify INTEGER NOT NULL DEFAULT 0, lang TEXT NOT NULL DEFAULT '', theme TEXT NOT NULL DEFAULT '',
    hiddensections INTEGER NOT NULL DEFAULT 1, coursedisplay INTEGER NOT NULL DEFAULT 0,
    timecreated INTEGER NOT NULL, timemodified INTEGER NOT NULL, cacherev INTEGER NOT NULL, contextid INTEGER NOT NULL);
CREATE TABLE sections (
    id INTEGER PRIMARY KEY AUTOINCREMENT, course INTEGER NOT NULL, section INTEGER NOT NULL, name TEXT,
    summary TEXT NOT NULL DEFAULT '', visible INTEGER NOT NULL DEFAULT 1, sequence TEXT NOT NULL DEFAULT '',
    timemodified INTEGER NOT NULL, UNIQUE (course, section));
CREATE TABLE modules (
    id INTEGER PRIMARY KEY AUTOINCREMENT, course INTEGER NOT NULL, modname TEXT NOT NULL, instance INTEGER NOT NULL,
    section INTEGER NOT NULL, idnumber TEXT, name TEXT NOT NULL, intro TEXT NOT NULL DEFAULT '',
    visible INTEGER NOT NULL DEFAULT 1, visibleoncoursepage INTEGER NOT NULL DEFAULT 1,
    visibleold INTEGER NOT NULL DEFAULT 1, indent INTEGER NOT NULL DEFAULT 0, groupmode INTEGER NOT NULL DEFAULT 0,
    content TEXT NOT NULL DEFAULT '', externalurl TEXT NOT NULL DEFAULT '', sumgrades REAL NOT NULL DEFAULT 0,
    fingerprint TEXT NOT NULL DEFAULT '',
    added INTEGER NOT NULL, timemodified INTEGER NOT NULL, contextid INTEGER NOT NULL,
    deletioninprogress INTEGER NOT NULL DEFAULT 0);
CREATE INDEX modules_course_idnumber ON modules (course, idnumber);
CREATE TABLE files (
    id INTEGER PRIMARY KEY AUTOINCREMENT, contextid INTEGER NOT NULL, component TEXT NOT NULL,
    filearea TEXT NOT NULL, itemid INTEGER NOT NULL, filepath TEXT NOT NULL, filename TEXT NOT NULL,
    userid INTEGER, contenthash TEXT NOT NULL, filesize INTEGER NOT NULL, mimetype TEXT,
    author TEXT, license TEXT, source TEXT, sortorder INTEGER NOT NULL DEFAULT 0,
    timecreated INTEGER NOT NULL, timemodified INTEGER NOT NULL,
    UNIQUE (contextid, component, filearea, itemid, filepath, filename));
CREATE TABLE quiz_imports (cmid INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL, questioncount INTEGER NOT NULL);
CREATE TABLE questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, cmid INTEGER NOT NULL, slot INTEGER NOT NULL, qtype TEXT NOT NULL,
    name TEXT NOT NULL, questiontext TEXT NOT NULL, defaultmark REAL NOT NULL);
CREATE INDEX questions_cmid ON questions (cmid);
""" + "".join(_ADDED)


def new_token() -> str:
    """32 lowercase hex characters, like Moodle's tokens."""
    return secrets.token_hex(16)


class Store:
    """The SQLite database under ``data_dir`` and the file blobs beside it."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.filedir = self.data_dir / "filedir"
        self.tempdir = self.data_dir / "temp"
        self.filedir.mkdir(exist_ok=True)
        self.tempdir.mkdir(exist_ok=True)
        self.path = self.data_dir / "sandbox.sqlite"
        self._pool: list[sqlite3.Connection] = []
        self._all: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._meta: dict[str, str] = {}
        self._meta_generation = -1
        self._generation = itertools.count(1)
        self.generation = 0
        with self._write_lock, self.read() as db:
            if not db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone():
                db.executescript("BEGIN IMMEDIATE;" + _SCHEMA)  # leaves the transaction open
                try:
                    _seed(db)
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
            for statement in _ADDED:
                db.execute(statement)
            version = int(db.execute("SELECT value FROM meta WHERE name='schema_version'").fetchone()[0])
            if version != SCHEMA_VERSION:
                raise RuntimeError(f"sandbox data in {self.data_dir} has schema {version}, expected {SCHEMA_VERSION}")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, cached_statements=256)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=5000")
        return db

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A pooled connection for reads (autocommit; each statement sees committed data)."""
        with self._pool_lock:
            db = self._pool.pop() if self._pool else None
        if db is None:
            db = self._connect()
            with self._pool_lock:
                self._all.append(db)
        try:
            yield db
        finally:
            with self._pool_lock:
                self._pool.append(db)

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A serialised write transaction; rolls back on any exception. Nested use by the
        same thread joins the outer transaction."""
        outer = getattr(self._local, "db", None)
        if outer is not None:
            yield outer
            return
        with self._write_lock, self.read() as db:
            db.execute("BEGIN IMMEDIATE")
            self._local.db = db
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            finally:
                self._local.db = None
            db.execute("COMMIT")
            self.generation = next(self._generation)

    def next_seq(self, db: sqlite3.Connection, name: str, start: int = 1) -> int:
        """Next value of a named sequence (never reused, like a Postgres sequence)."""
        row = db.execute("SELECT value FROM seq WHERE name=?", (name,)).fetchone()
        value = (row[0] + 1) if row else start
        db.execute("INSERT OR REPLACE INTO seq (name, value) VALUES (?, ?)", (name, value))
        return value

    def meta(self, name: str, default: str = "") -> str:
        """A site setting, cached until the next write."""
        if self._meta_generation != self.generation:
            with self.read() as db:
                self._meta = {r[0]: r[1] for r in db.execute("SELECT name, value FROM meta")}
            self._meta_generation = self.generation
        return self._meta.get(name, default)

    def set_meta(self, name: str, value: str) -> None:
        with self.write() as db:
            db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))

    def blob_path(self, contenthash: str) -> Path:
        """Where a file's bytes live, by SHA-1 (Moodle's filedir layout)."""
        return self.filedir / contenthash[:2] / contenthash[2:4] / contenthash

    def close(self) -> None:
        with self._pool_lock:
            for db in self._all:
                db.close()
            self._all.clear()
            self._pool.clear()


def _seed(db: sqlite3.Connection) -> None:
    now = int(time.time())
    db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    db.execute("INSERT INTO meta VALUES ('maxbytes', '0')")
    db.execute("INSERT INTO meta VALUES ('debug', '0')")
    db.execute("INSERT INTO meta VALUES ('sitename', 'CertBridge Sandbox Moodle')")
    # Contexts 1..11 exist on a fresh Moodle (system, front page, users, blocks, …).
    db.execute("INSERT INTO seq VALUES ('context', 11)")
    db.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?)", [
        (ADMIN_USERID, "admin", "Admin", "User", 1, 5, secrets.token_hex(16)),
        (LOWPRIV_USERID, "wsnoperm", "WS", "NoPerm", 0, 11, secrets.token_hex(16)),
    ])
    db.executemany("INSERT INTO tokens VALUES (?, ?, ?)", [
        (new_token(), ADMIN_USERID, SERVICE), (new_token(), LOWPRIV_USERID, SERVICE)])
    db.execute("INSERT INTO categories (id, name, idnumber, sortorder, timemodified, depth, path, contextid)"
               " VALUES (1, 'Category 1', NULL, 10000, ?, 1, '/1', 3)", (now,))
    db.execute("INSERT INTO courses (id, category, sortorder, fullname, shortname, summary, format, startdate, enddate,"
               " timecreated, timemodified, cacherev, contextid, newsitems, enablecompletion)"
               " VALUES (1, 0, 1, 'CertBridge Sandbox Moodle', 'sandbox', '', 'site', 0, 0, ?, ?, ?, 2, 3, 0)",
               (now, now, now))
