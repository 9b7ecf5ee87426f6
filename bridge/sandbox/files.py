"""Stored files: records in SQLite, bytes in a content-addressed directory (by SHA-1)."""
from __future__ import annotations

import hashlib
import mimetypes
import os
import random
import sqlite3
import time
from pathlib import Path

from bridge.sandbox.store import Store

MAX_ITEMID = 999999999


def mimetype_of(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def put_blob(store: Store, temp_path: Path, contenthash: str) -> None:
    """Move a finished temp file into the file directory (keeps the existing copy if any)."""
    target = store.blob_path(contenthash)
    if target.exists():
        temp_path.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temp_path, target)


def put_bytes(store: Store, data: bytes) -> str:
    """Store bytes; return their content hash."""
    contenthash = hashlib.sha1(data).hexdigest()
    target = store.blob_path(contenthash)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = store.tempdir / f"put-{contenthash}-{os.getpid()}-{random.random()}"
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return contenthash


def file_exists(db: sqlite3.Connection, contextid: int, component: str, filearea: str, itemid: int,
                filepath: str, filename: str) -> bool:
    return db.execute(
        "SELECT 1 FROM files WHERE contextid=? AND component=? AND filearea=? AND itemid=? AND filepath=? AND filename=?",
        (contextid, component, filearea, itemid, filepath, filename)).fetchone() is not None


def add_file(db: sqlite3.Connection, *, contextid: int, component: str, filearea: str, itemid: int,
             filepath: str, filename: str, contenthash: str, filesize: int, userid: int | None = None,
             author: str | None = None, license: str | None = None, source: str | None = None,
             sortorder: int = 0) -> int:
    now = int(time.time())
    cur = db.execute(
        "INSERT INTO files (contextid, component, filearea, itemid, filepath, filename, userid, contenthash, filesize,"
        " mimetype, author, license, source, sortorder, timecreated, timemodified)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (contextid, component, filearea, itemid, filepath, filename, userid, contenthash, filesize,
         mimetype_of(filename), author, license, source, sortorder, now, now))
    return int(cur.lastrowid)


def draft_files(db: sqlite3.Connection, user_contextid: int, itemid: int) -> list[sqlite3.Row]:
    return db.execute(
        "SELECT * FROM files WHERE contextid=? AND component='user' AND filearea='draft' AND itemid=? ORDER BY id",
        (user_contextid, itemid)).fetchall()


def unused_draft_itemid(db: sqlite3.Connection, user_contextid: int, rng: random.Random) -> int:
    """A random draft item id with no files yet in this user's draft area (as Moodle picks them)."""
    while True:
        itemid = rng.randint(1, MAX_ITEMID)
        if not db.execute("SELECT 1 FROM files WHERE contextid=? AND component='user' AND filearea='draft'"
                          " AND itemid=? LIMIT 1", (user_contextid, itemid)).fetchone():
            return itemid


def replace_area_from_draft(db: sqlite3.Connection, drafts: list[sqlite3.Row], *, contextid: int,
                            component: str, filearea: str, mainfile: str) -> str:
    """Make a module's file area a copy of a draft area (the main file first); return its content hash."""
    db.execute("DELETE FROM files WHERE contextid=? AND component=? AND filearea=?", (contextid, component, filearea))
    mainhash = ""
    for row in drafts:
        main = row["filename"] == mainfile
        add_file(db, contextid=contextid, component=component, filearea=filearea, itemid=0,
                 filepath=row["filepath"], filename=row["filename"], contenthash=row["contenthash"],
                 filesize=row["filesize"], userid=row["userid"], author=row["author"], license=row["license"],
                 sortorder=1 if main else 0)
        if main:
            mainhash = row["contenthash"]
    return mainhash


def area_files(db: sqlite3.Connection, contextid: int, component: str, filearea: str) -> list[sqlite3.Row]:
    return db.execute("SELECT * FROM files WHERE contextid=? AND component=? AND filearea=?"
                      " ORDER BY sortorder DESC, filepath, filename", (contextid, component, filearea)).fetchall()
