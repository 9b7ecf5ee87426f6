"""Courses, sections and course modules with Moodle's rules: ids from sequences that are
never reused, section ``sequence`` lists, a news forum in every new course, visibility that
a hidden section imposes on its modules (remembered in ``visibleold``)."""
from __future__ import annotations

import hashlib
import html
import json
import re
import sqlite3
import time
from typing import Any

from bridge.sandbox import files
from bridge.sandbox.errors import MissingRecord
from bridge.sandbox.store import ADMIN_USERID, Store

DEFAULT_NUMSECTIONS = 4
_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def sha1_text(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def get_course(db: sqlite3.Connection, courseid: int) -> sqlite3.Row:
    row = db.execute("SELECT * FROM courses WHERE id=?", (courseid,)).fetchone()
    if row is None:
        raise MissingRecord("course", "SELECT * FROM {course} WHERE id = ?", [courseid])
    return row


def get_cm(db: sqlite3.Connection, cmid: int) -> sqlite3.Row:
    row = db.execute("SELECT * FROM modules WHERE id=? AND deletioninprogress=0", (cmid,)).fetchone()
    if row is None:
        raise MissingRecord(None, "SELECT md.name\n                                                 FROM {modules} md\n"
                            "                                                 JOIN {course_modules} cm ON cm.module = md.id\n"
                            "                                                WHERE cm.id = :cmid", {"cmid": cmid})
    return row


def midnight(ts: int) -> int:
    return ts - ts % 86400


def new_context(store: Store, db: sqlite3.Connection) -> int:
    return store.next_seq(db, "context")


def create_course(store: Store, db: sqlite3.Connection, data: dict[str, Any], numsections: int) -> int:
    """Insert a course with sections 0..numsections and its news forum; return the id."""
    now = int(time.time())
    startdate = data.get("startdate") or midnight(now)
    enddate = data.get("enddate") if data.get("enddate") is not None else startdate + 365 * 86400
    cat = db.execute("SELECT sortorder FROM categories WHERE id=?", (data["categoryid"],)).fetchone()
    sortorder = cat[0] + 1 + db.execute("SELECT COUNT(*) FROM courses WHERE category=?",
                                        (data["categoryid"],)).fetchone()[0]
    cur = db.execute(
        "INSERT INTO courses (category, sortorder, fullname, shortname, idnumber, summary, summaryformat, format,"
        " showgrades, newsitems, startdate, enddate, maxbytes, showreports, visible, groupmode, groupmodeforce,"
        " defaultgroupingid, enablecompletion, completionnotify, lang, theme, timecreated, timemodified, cacherev,"
        " contextid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (data["categoryid"], sortorder, data["fullname"], data["shortname"], data.get("idnumber") or "",
         data.get("summary", ""), data.get("summaryformat", 1), data.get("format") or "topics",
         data.get("showgrades", 1), data.get("newsitems", 5), startdate, enddate, data.get("maxbytes", 0),
         data.get("showreports", 0), data.get("visible", 1), data.get("groupmode", 0),
         data.get("groupmodeforce", 0), data.get("defaultgroupingid", 0), data.get("enablecompletion", 1),
         data.get("completionnotify", 0), data.get("lang") or "", data.get("forcetheme") or "", now, now, now,
         new_context(store, db)))
    courseid = int(cur.lastrowid)
    ensure_section(db, courseid, numsections)
    if data.get("newsitems", 5):
        add_module(store, db, courseid, 0, "forum", {"name": "Announcements", "idnumber": None})
    return courseid


def ensure_section(db: sqlite3.Connection, courseid: int, number: int) -> sqlite3.Row:
    """Create sections up to ``number`` when missing (``course_create_sections_if_missing``)."""
    have = db.execute("SELECT COALESCE(MAX(section), -1) FROM sections WHERE course=?", (courseid,)).fetchone()[0]
    now = int(time.time())
    for n in range(have + 1, number + 1):
        db.execute("INSERT INTO sections (course, section, timemodified) VALUES (?, ?, ?)", (courseid, n, now))
    return db.execute("SELECT * FROM sections WHERE course=? AND section=?", (courseid, number)).fetchone()


def sections(db: sqlite3.Connection, courseid: int) -> list[sqlite3.Row]:
    return db.execute("SELECT * FROM sections WHERE course=? ORDER BY section", (courseid,)).fetchall()


def sequence(section: sqlite3.Row) -> list[int]:
    return [int(x) for x in section["sequence"].split(",") if x]


def _set_sequence(db: sqlite3.Connection, section_id: int, cmids: list[int]) -> None:
    db.execute("UPDATE sections SET sequence=? WHERE id=?", (",".join(map(str, cmids)), section_id))


def _place(db: sqlite3.Connection, section: sqlite3.Row, cmid: int, position: int) -> None:
    cmids = [c for c in sequence(section) if c != cmid]
    if 0 <= position < len(cmids):
        cmids.insert(position, cmid)
    else:
        cmids.append(cmid)
    _set_sequence(db, section["id"], cmids)


def label_name(intro: str) -> str:
    """A label's name is its text, tags stripped, shortened (as mod_label does)."""
    text = _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", intro))).strip()
    if not text:
        return "Text and media area"
    return text if len(text) <= 50 else text[:47] + "..."


def add_module(store: Store, db: sqlite3.Connection, courseid: int, section_number: int, modname: str,
               fields: dict[str, Any], position: int = -1) -> int:
    """Create a course module (and its instance) in a section; return the cmid."""
    now = int(time.time())
    section = ensure_section(db, courseid, section_number)
    visible = int(fields.get("visible", 1))
    # A module added to a hidden section is hidden; it remembers what it asked for.
    actual = visible if section["visible"] else 0
    instance = store.next_seq(db, f"instance:{modname}")
    cur = db.execute(
        "INSERT INTO modules (course, modname, instance, section, idnumber, name, intro, visible, visibleoncoursepage,"
        " visibleold, content, externalurl, added, timemodified, contextid)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
        (courseid, modname, instance, section["id"], fields.get("idnumber"), fields.get("name", ""),
         fields.get("intro", ""), actual, visible, fields.get("content", ""), fields.get("externalurl", ""),
         now, now, new_context(store, db)))
    cmid = int(cur.lastrowid)
    _place(db, section, cmid, position)
    return cmid


def move_module(db: sqlite3.Connection, cm: sqlite3.Row, section_number: int, position: int) -> bool:
    """Move a module to a section (and position); return whether anything changed."""
    target = ensure_section(db, cm["course"], section_number)
    current = db.execute("SELECT * FROM sections WHERE id=?", (cm["section"],)).fetchone()
    if target["id"] == current["id"]:
        cmids = sequence(current)
        if position < 0 or (position < len(cmids) and cmids.index(cm["id"]) == position) or (
                position >= len(cmids) and cmids[-1] == cm["id"]):
            return False
        _place(db, current, cm["id"], position)
        return True
    _set_sequence(db, current["id"], [c for c in sequence(current) if c != cm["id"]])
    _place(db, target, cm["id"], position)
    wanted = cm["visible"] if current["visible"] else cm["visibleold"]
    db.execute("UPDATE modules SET section=?, visible=?, visibleold=? WHERE id=?",
               (target["id"], wanted if target["visible"] else 0, wanted, cm["id"]))
    return True


def set_module_visible(db: sqlite3.Connection, cmid: int, visible: int, visibleoncoursepage: int = 1) -> None:
    """``set_coursemodule_visible``: in a hidden section only ``visibleold`` changes."""
    cm = db.execute("SELECT m.*, s.visible AS sectionvisible FROM modules m JOIN sections s ON s.id=m.section"
                    " WHERE m.id=?", (cmid,)).fetchone()
    actual = visible if cm["sectionvisible"] else 0
    db.execute("UPDATE modules SET visible=?, visibleold=?, visibleoncoursepage=?, timemodified=? WHERE id=?",
               (actual, visible, visibleoncoursepage, int(time.time()), cmid))


def set_section_visible(db: sqlite3.Connection, section_id: int, visible: int) -> None:
    """``set_section_visible``: hiding hides the modules (remembering their state); showing restores it."""
    db.execute("UPDATE sections SET visible=?, timemodified=? WHERE id=?", (visible, int(time.time()), section_id))
    if visible:
        db.execute("UPDATE modules SET visible=visibleold WHERE section=?", (section_id,))
    else:
        db.execute("UPDATE modules SET visibleold=visible, visible=0 WHERE section=?", (section_id,))


def delete_module(db: sqlite3.Connection, cmid: int) -> None:
    """``course_delete_module``: the module, its files, questions and place in the section."""
    cm = db.execute("SELECT * FROM modules WHERE id=?", (cmid,)).fetchone()
    if cm is None:
        return
    section = db.execute("SELECT * FROM sections WHERE id=?", (cm["section"],)).fetchone()
    if section is not None:
        _set_sequence(db, section["id"], [c for c in sequence(section) if c != cmid])
    db.execute("DELETE FROM files WHERE contextid=?", (cm["contextid"],))
    db.execute("DELETE FROM questions WHERE cmid=?", (cmid,))
    db.execute("DELETE FROM quiz_imports WHERE cmid=?", (cmid,))
    db.execute("DELETE FROM modules WHERE id=?", (cmid,))


def delete_course(db: sqlite3.Connection, courseid: int) -> None:
    for (cmid,) in db.execute("SELECT id FROM modules WHERE course=?", (courseid,)).fetchall():
        delete_module(db, cmid)
    db.execute("DELETE FROM sections WHERE course=?", (courseid,))
    db.execute("DELETE FROM course_plans WHERE courseid=?", (courseid,))  # the plugin's observer
    db.execute("DELETE FROM courses WHERE id=?", (courseid,))


def compute_fingerprint(db: sqlite3.Connection, cm: sqlite3.Row) -> str:
    """The plugin's fingerprint of a module's content (see docs/plugin-api.md)."""
    modname = cm["modname"]
    if modname == "page":
        return sha1_text(cm["content"])
    if modname == "url":
        return sha1_text(cm["externalurl"])
    if modname == "label":
        return sha1_text(cm["intro"])
    if modname == "resource":
        main = files.area_files(db, cm["contextid"], "mod_resource", "content")
        return main[0]["contenthash"] if main else ""
    if modname == "quiz":
        row = db.execute("SELECT fingerprint, questioncount FROM quiz_imports WHERE cmid=?", (cm["id"],)).fetchone()
        if row is None:
            return ""
        count = db.execute("SELECT COUNT(*) FROM questions WHERE cmid=?", (cm["id"],)).fetchone()[0]
        return row["fingerprint"] if count == row["questioncount"] else ""
    return ""


def refresh_fingerprint(db: sqlite3.Connection, cmid: int) -> str:
    cm = db.execute("SELECT * FROM modules WHERE id=?", (cmid,)).fetchone()
    fingerprint = compute_fingerprint(db, cm)
    db.execute("UPDATE modules SET fingerprint=? WHERE id=?", (fingerprint, cmid))
    return fingerprint


#: Who last changed a module, as the sandbox remembers it (Moodle reads its log store): a
#: ``meta`` row per hand-edited module; none means the web-service user.
_EDITOR_KEY = "modifiedby:{cmid}"


def set_editor(db: sqlite3.Connection, cmid: int, userid: int, name: str) -> None:
    db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)",
               (_EDITOR_KEY.format(cmid=cmid), json.dumps({"id": userid, "name": name})))


def forget_editor(db: sqlite3.Connection, cmid: int) -> None:
    """The web-service user changed it now."""
    db.execute("DELETE FROM meta WHERE name=?", (_EDITOR_KEY.format(cmid=cmid),))


def editor(db: sqlite3.Connection, cmid: int) -> dict[str, Any]:
    """``{"id": userid, "name": fullname}`` of who last changed the module."""
    row = db.execute("SELECT value FROM meta WHERE name=?", (_EDITOR_KEY.format(cmid=cmid),)).fetchone()
    return json.loads(row[0]) if row else {"id": ADMIN_USERID, "name": "Admin User"}


def stored_plan(db: sqlite3.Connection, courseid: int) -> dict | None:
    """The plan ``set_course_plan`` stored for the course (deleted with it)."""
    row = db.execute("SELECT plan FROM course_plans WHERE courseid=?", (courseid,)).fetchone()
    return json.loads(row[0]) if row else None


def plan_fingerprint(db: sqlite3.Connection, courseid: int) -> str:
    row = db.execute("SELECT fingerprint FROM course_plans WHERE courseid=?", (courseid,)).fetchone()
    return row[0] if row else ""
