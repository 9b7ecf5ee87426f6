"""The companion plugin's functions (``local_certbridge_*``), exactly as docs/plugin-api.md says."""
from __future__ import annotations

import sqlite3
import time
from typing import Any
from urllib.parse import quote

from bridge.sandbox import courses, files
from bridge.sandbox.errors import MissingRecord, WSError, invalid_parameter
from bridge.sandbox.functions.registry import PLUGIN_VERSION, Call, wsfunction
from bridge.sandbox.protocol import DEFAULT, INT, RAW, TEXT, Multiple, Single, Value
from bridge.sandbox.quizxml import SUPPORTED_QTYPES, QuizImportError, parse_questions, question_elements

API_VERSION = 2  # 2: upsert_modules
MODTYPES = ("label", "page", "quiz", "resource", "url")
SYNC_CAPABILITY = "Synchronise resource packs with certbridge"


def _course(call: Call, courseid: int) -> sqlite3.Row:
    """The course, after ``validate_context`` and the capability checks every function makes."""
    course = courses.get_course(call.db, courseid)
    call.require_course_access()
    return course


def _plugin_error(errorcode: str, message: str) -> WSError:
    return WSError("core\\exception\\moodle_exception", errorcode, message)


@wsfunction("local_certbridge_get_info", version=PLUGIN_VERSION)
def get_info(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    call.require_admin(SYNC_CAPABILITY)
    return {"component": "local_certbridge", "plugin_version": int(PLUGIN_VERSION), "plugin_release": "1.5.0",
            "api_version": API_VERSION, "moodle_version": 2025100600, "moodle_release": "5.1+ (Build: 20251017)",
            "modtypes": list(MODTYPES), "qtypes": list(SUPPORTED_QTYPES),
            "maxbytes": int(call.store.meta("maxbytes", "0"))}


def _section_dict(section: sqlite3.Row) -> dict[str, Any]:
    return {"number": section["section"], "id": section["id"], "name": section["name"] or "",
            "visible": section["visible"]}


@wsfunction("local_certbridge_ensure_sections", {
    "courseid": INT(), "sections": Multiple(Single({"number": INT(), "name": TEXT()}))}, version=PLUGIN_VERSION)
def ensure_sections(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    course = _course(call, p["courseid"])
    db = call.db
    before = len(courses.sections(db, course["id"]))
    wanted = p["sections"]
    if wanted:
        courses.ensure_section(db, course["id"], max(s["number"] for s in wanted))
    created = len(courses.sections(db, course["id"])) - before
    renamed = 0
    for s in wanted:
        if s["number"] < 0:
            raise invalid_parameter(f"Invalid section number {s['number']}")
        row = db.execute("SELECT * FROM sections WHERE course=? AND section=?", (course["id"], s["number"])).fetchone()
        if (row["name"] or "") != s["name"]:
            db.execute("UPDATE sections SET name=?, timemodified=? WHERE id=?",
                       (s["name"] or None, int(time.time()), row["id"]))
            renamed += 1
    return {"sections": [_section_dict(s) for s in courses.sections(db, course["id"])],
            "created": created, "renamed": renamed}


def _draft(call: Call, draftitemid: int, filename: str) -> list[sqlite3.Row]:
    drafts = files.draft_files(call.db, call.user["contextid"], draftitemid)
    if not any(f["filename"] == filename for f in drafts):
        raise _plugin_error("certbridge_notindraft", f"The file {filename} is not in draft area {draftitemid}")
    return drafts


#: One module's fields, as upsert_module takes them (without courseid).
MODULE_FIELDS = {
    "idnumber": RAW(), "modname": Value("plugin"), "section": INT(), "name": TEXT(),
    "intro": RAW(DEFAULT, ""), "visible": INT(DEFAULT, 1), "position": INT(DEFAULT, -1),
    "content": RAW(DEFAULT, ""), "externalurl": Value("url", DEFAULT, ""), "draftitemid": INT(DEFAULT, 0),
    "filename": Value("file", DEFAULT, "")}
#: Most modules upsert_modules takes in one call (the plugin's MAX_MODULES).
MAX_MODULES = 50


@wsfunction("local_certbridge_upsert_module", {"courseid": INT(), **MODULE_FIELDS}, version=PLUGIN_VERSION)
def upsert_module(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    return _upsert(call, _course(call, p["courseid"]), p)


@wsfunction("local_certbridge_upsert_modules", {"courseid": INT(), "modules": Multiple(Single(MODULE_FIELDS))},
            version=PLUGIN_VERSION)
def upsert_modules(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    if len(p["modules"]) > MAX_MODULES:
        raise invalid_parameter(f"at most {MAX_MODULES} modules per call")
    course = _course(call, p["courseid"])
    results = []
    for module in p["modules"]:
        result = {"idnumber": module["idnumber"], "ok": False, "cmid": 0, "instance": 0, "created": False,
                  "fingerprint": "", "errorcode": "", "message": "", "warnings": []}
        # Each module in its own transaction, as the plugin does: a failed one leaves nothing behind.
        call.db.execute("SAVEPOINT upsert_item")
        try:
            result.update(_upsert(call, course, module), ok=True)
            call.db.execute("RELEASE upsert_item")
        except WSError as err:
            call.db.execute("ROLLBACK TO upsert_item")
            call.db.execute("RELEASE upsert_item")
            result.update(errorcode=err.errorcode, message=err.message)
        results.append(result)
    return {"courseid": course["id"], "results": results}


def _upsert(call: Call, course: sqlite3.Row, p: dict[str, Any]) -> dict[str, Any]:
    """Create or update one module of the course (the plugin's module_writer)."""
    db, modname = call.db, p["modname"]
    if modname not in MODTYPES:
        raise invalid_parameter(f"Unsupported module type: {modname}")
    if not p["idnumber"]:
        raise invalid_parameter("idnumber must not be empty")
    if p["section"] < 0:
        raise invalid_parameter(f"Invalid section number {p['section']}")
    visible = 1 if p["visible"] else 0
    name = courses.label_name(p["intro"]) if modname == "label" else p["name"]
    cm = db.execute("SELECT * FROM modules WHERE course=? AND idnumber=? AND deletioninprogress=0",
                    (course["id"], p["idnumber"])).fetchone()
    if cm is not None and cm["modname"] != modname:
        raise invalid_parameter(
            f"The module {p['idnumber']} is a {cm['modname']}, not a {modname}; delete it first")
    mainfile = None
    if modname == "resource":
        if cm is None and not p["draftitemid"]:
            raise invalid_parameter("A new resource needs draftitemid")
        if p["draftitemid"]:
            # Only the named file: the draft area may hold the other files of an upload group.
            drafts = _draft(call, p["draftitemid"], p["filename"])
            mainfile = [f for f in drafts if f["filename"] == p["filename"]][:1]
    fields = {"idnumber": p["idnumber"], "name": name, "intro": p["intro"], "visible": visible,
              "content": p["content"] if modname == "page" else "",
              "externalurl": p["externalurl"] if modname == "url" else ""}
    created = cm is None
    if created:
        cmid = courses.add_module(call.store, db, course["id"], p["section"], modname, fields, p["position"])
    else:
        cmid = cm["id"]
        courses.move_module(db, cm, p["section"], p["position"])
        db.execute("UPDATE modules SET name=?, intro=?, content=?, externalurl=?, timemodified=? WHERE id=?",
                   (name, p["intro"], fields["content"], fields["externalurl"], int(time.time()), cmid))
        courses.set_module_visible(db, cmid, visible, 1)
    courses.forget_editor(db, cmid)
    if mainfile is not None:
        contextid = db.execute("SELECT contextid FROM modules WHERE id=?", (cmid,)).fetchone()[0]
        files.replace_area_from_draft(db, mainfile, contextid=contextid, component="mod_resource",
                                      filearea="content", mainfile=p["filename"])
    instance = db.execute("SELECT instance FROM modules WHERE id=?", (cmid,)).fetchone()[0]
    return {"cmid": cmid, "instance": instance, "created": created,
            "fingerprint": courses.refresh_fingerprint(db, cmid), "warnings": []}


@wsfunction("local_certbridge_import_questions", {
    "cmid": INT(), "draftitemid": INT(), "filename": Value("file")}, version=PLUGIN_VERSION)
def import_questions(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    db = call.db
    cm = db.execute("SELECT * FROM modules WHERE id=? AND deletioninprogress=0", (p["cmid"],)).fetchone()
    if cm is None:
        raise MissingRecord("course_modules", "SELECT * FROM {course_modules} WHERE id = ?", [p["cmid"]])
    _course(call, cm["course"])
    if cm["modname"] != "quiz":
        raise invalid_parameter(f"Course module {cm['id']} is a {cm['modname']}, not a quiz")
    drafts = _draft(call, p["draftitemid"], p["filename"])
    draft = next(f for f in drafts if f["filename"] == p["filename"])
    data = call.store.blob_path(draft["contenthash"]).read_bytes()
    try:
        questions = parse_questions(data)
    except QuizImportError as err:
        raise _plugin_error("certbridge_importfailed", str(err)) from None
    replace_questions(db, cm["id"], questions, draft["contenthash"])
    sumgrades = float(sum(q.defaultmark for q in questions))
    return {"cmid": cm["id"], "questioncount": len(questions), "sumgrades": sumgrades,
            "fingerprint": courses.refresh_fingerprint(db, cm["id"]), "warnings": []}


def replace_questions(db: sqlite3.Connection, cmid: int, questions: list, fingerprint: str) -> None:
    """Replace a quiz's imported questions (one per slot) and remember the import."""
    db.execute("DELETE FROM questions WHERE cmid=?", (cmid,))
    db.executemany("INSERT INTO questions (cmid, slot, qtype, name, questiontext, defaultmark) VALUES (?, ?, ?, ?, ?, ?)",
                   [(cmid, slot, q.qtype, q.name, q.questiontext, q.defaultmark)
                    for slot, q in enumerate(questions, start=1)])
    db.execute("INSERT OR REPLACE INTO quiz_imports (cmid, fingerprint, questioncount) VALUES (?, ?, ?)",
               (cmid, fingerprint, len(questions)))
    db.execute("UPDATE modules SET sumgrades=?, timemodified=? WHERE id=?",
               (float(sum(q.defaultmark for q in questions)), int(time.time()), cmid))


def _prefix(prefix: str) -> str:
    if not prefix:
        raise invalid_parameter("prefix must not be empty")
    return prefix


@wsfunction("local_certbridge_get_modules", {"courseid": INT(), "prefix": RAW()}, version=PLUGIN_VERSION)
def get_modules(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    prefix = _prefix(p["prefix"])
    course = _course(call, p["courseid"])
    db = call.db
    positions: dict[int, int] = {}
    numbers: dict[int, tuple[int, int]] = {}
    for section in courses.sections(db, course["id"]):
        numbers[section["id"]] = (section["section"], section["visible"])
        for i, cmid in enumerate(courses.sequence(section)):
            positions[cmid] = i
    rows = db.execute(
        "SELECT id, idnumber, instance, modname, name, section, visible, visibleoncoursepage, timemodified,"
        " fingerprint FROM modules WHERE course=? AND deletioninprogress=0 AND substr(idnumber, 1, ?)=?",
        (course["id"], len(prefix), prefix)).fetchall()
    modules = []
    for m in rows:
        number, sectionvisible = numbers.get(m["section"], (0, 1))
        modules.append({
            "idnumber": m["idnumber"], "cmid": m["id"], "instance": m["instance"], "modname": m["modname"],
            "name": m["name"], "section": number, "sectionvisible": sectionvisible,
            "position": positions.get(m["id"], 0), "visible": m["visible"],
            "visibleoncoursepage": m["visibleoncoursepage"],
            "stealth": int(bool(m["visible"]) and not m["visibleoncoursepage"]), "deletioninprogress": 0,
            "timemodified": m["timemodified"], "fingerprint": m["fingerprint"]})
    modules.sort(key=lambda m: (m["section"], m["position"]))
    return {"courseid": course["id"], "api_version": API_VERSION, "plugin_version": int(PLUGIN_VERSION),
            "plan_fingerprint": courses.plan_fingerprint(db, course["id"]), "modules": modules}


@wsfunction("local_certbridge_delete_module", {"courseid": INT(), "idnumber": RAW(), "prefix": RAW()},
            version=PLUGIN_VERSION)
def delete_module(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    prefix = _prefix(p["prefix"])
    if not p["idnumber"].startswith(prefix):
        raise invalid_parameter(f"The idnumber {p['idnumber']} is outside the prefix {prefix}")
    course = _course(call, p["courseid"])
    row = call.db.execute("SELECT id FROM modules WHERE course=? AND idnumber=? AND deletioninprogress=0",
                          (course["id"], p["idnumber"])).fetchone()
    if row is None:
        return {"deleted": False, "cmid": 0}
    courses.delete_module(call.db, row[0])
    return {"deleted": True, "cmid": row[0]}


@wsfunction("local_certbridge_export_module", {"cmid": INT()}, version=PLUGIN_VERSION)
def export_module(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    db = call.db
    cm = db.execute("SELECT * FROM modules WHERE id=? AND deletioninprogress=0", (p["cmid"],)).fetchone()
    if cm is None:
        raise MissingRecord("course_modules", "SELECT * FROM {course_modules} WHERE id = ?", [p["cmid"]])
    _course(call, cm["course"])
    if cm["modname"] not in MODTYPES:
        raise invalid_parameter(f"Unsupported module type: {cm['modname']}")
    by = courses.editor(db, cm["id"])
    out: dict[str, Any] = {
        "cmid": cm["id"], "idnumber": cm["idnumber"] or "", "modname": cm["modname"], "name": cm["name"],
        "intro": cm["intro"], "content": cm["content"] if cm["modname"] == "page" else "",
        "externalurl": cm["externalurl"] if cm["modname"] == "url" else "", "filename": "", "filesize": 0,
        "contenthash": "", "fileurl": "", "questionsxml": "", "questioncount": 0,
        "timemodified": cm["timemodified"], "modifiedby": by["name"], "modifiedbyid": by["id"],
        "fingerprint": courses.compute_fingerprint(db, cm)}
    if cm["modname"] == "resource":
        main = files.area_files(db, cm["contextid"], "mod_resource", "content")
        if main:
            f = main[0]
            out.update(filename=f["filename"], filesize=f["filesize"], contenthash=f["contenthash"],
                       fileurl=f"{call.site_url}/webservice/pluginfile.php/{cm['contextid']}/mod_resource/content/0"
                               f"{f['filepath']}{quote(f['filename'])}")
    elif cm["modname"] == "quiz":
        out["questionsxml"], out["questioncount"] = export_questions(call.store, db, cm["id"])
    return out


def export_questions(store, db: sqlite3.Connection, cmid: int) -> tuple[str, int]:
    """The quiz's questions as Moodle XML, like qformat_xml's export: each question still in
    the quiz, as the imported file described it (the sandbox keeps only a summary per
    question, so the full text comes from the file of the last import)."""
    rows = db.execute("SELECT name FROM questions WHERE cmid=? ORDER BY slot", (cmid,)).fetchall()
    imported = db.execute("SELECT fingerprint FROM quiz_imports WHERE cmid=?", (cmid,)).fetchone()
    if not rows or imported is None:
        return "", 0
    elements = question_elements(store.blob_path(imported["fingerprint"]).read_bytes())
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    for row in rows:
        match = next((i for i, (name, _) in enumerate(elements) if name == row["name"]), None)
        if match is not None:
            parts.append(f"<!-- question: {cmid}  -->\n  " + elements.pop(match)[1] + "\n")
    parts.append("</quiz>\n")
    return "\n".join(parts), len(rows)
