"""Moodle core functions the bridge uses (and a few cheap neighbours), with Moodle 5.1's shapes."""
from __future__ import annotations

import html
import json
import sqlite3
import time
from typing import Any

from bridge.sandbox import courses, files
from bridge.sandbox.errors import (MissingRecord, WSError, coding_error, course_context_not_valid, invalid_parameter,
                                   moodle_exception)
from bridge.sandbox.functions.registry import FUNCTIONS, MOD_VERSION, OUTSIDE_SERVICE, Call, wsfunction
from bridge.sandbox.protocol import BOOL, DEFAULT, INT, OPTIONAL, RAW, TEXT, Multiple, Single, Value
from bridge.sandbox.store import MODULE_IDS

RELEASE = "5.1+ (Build: 20251017)"
THEMEREV = "1795908574"

_MODPLURAL = {"forum": "Forums", "resource": "Files", "page": "Pages", "url": "URLs", "quiz": "Quizzes",
              "label": "Text and media areas", "folder": "Folders", "qbank": "Question banks",
              "subsection": "Subsections"}
_PURPOSE = {"forum": "collaboration", "quiz": "assessment"}
_CUSTOMDATA = {
    "forum": '{"trackingtype":"1"}',
    "resource": '{"filtericon":true,"displayoptions":"a:1:{s:10:\\"printintro\\";i:0;}","display":5}',
    "url": '{"display":4,"filtericon":true}',
}
_FILTERS = ["displayh5p", "activitynames", "mathjaxloader", "emoticon", "urltolink", "mediaplugin"]


# --- site -------------------------------------------------------------------------------

@wsfunction("core_webservice_get_site_info", {"serviceshortnames": Multiple(Value("alphanumext"), DEFAULT, [])})
def get_site_info(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    user, site = call.user, call.site_url
    return {
        "sitename": call.store.meta("sitename"), "username": user["username"], "firstname": user["firstname"],
        "lastname": user["lastname"], "fullname": f"{user['firstname']} {user['lastname']}", "lang": "en",
        "userid": user["id"], "siteurl": site,
        "userpictureurl": f"{site}/theme/image.php/boost/core/{THEMEREV}/u/f1",
        "functions": [{"name": f.name, "version": f.version} for f in FUNCTIONS.values()],
        "downloadfiles": 1, "uploadfiles": 1, "release": RELEASE, "version": "2025100600.02", "mobilecssurl": "",
        "advancedfeatures": [{"name": n, "value": v} for n, v in (
            ("usecomments", 1), ("usetags", 1), ("enablenotes", 1), ("messaging", 1), ("enableblogs", 1),
            ("enablecompletion", 1), ("enablebadges", 1), ("messagingallusers", 0), ("enablecustomreports", 1),
            ("enableglobalsearch", 0), ("mnet_dispatcher_mode", 0), ("enablecompetencies", 1))],
        "usercanmanageownfiles": True, "userquota": 0 if call.is_admin else 104857600,
        "usermaxuploadfilesize": -1 if call.is_admin else 67108864, "userhomepage": 1,
        "userprivateaccesskey": user["privatekey"], "siteid": 1, "sitecalendartype": "gregorian",
        "usercalendartype": "gregorian", "userissiteadmin": call.is_admin, "theme": "boost",
        "limitconcurrentlogins": 0, "policyagreed": 0,
    }


# --- categories -------------------------------------------------------------------------

def _category_dict(db: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    count = db.execute("SELECT COUNT(*) FROM courses WHERE category=?", (row["id"],)).fetchone()[0]
    return {"id": row["id"], "name": row["name"], "idnumber": row["idnumber"], "description": row["description"],
            "descriptionformat": row["descriptionformat"], "parent": row["parent"], "sortorder": row["sortorder"],
            "coursecount": count, "visible": row["visible"], "visibleold": row["visible"],
            "timemodified": row["timemodified"], "depth": row["depth"], "path": row["path"], "theme": row["theme"]}


_CATEGORY_CRITERIA = {"id": "id = ?", "parent": "parent = ?", "name": "name = ?", "idnumber": "idnumber = ?",
                      "visible": "visible = ?", "theme": "theme = ?"}


@wsfunction("core_course_get_categories", {
    "criteria": Multiple(Single({"key": Value("alpha"), "value": RAW()}), DEFAULT, []),
    "addsubcategories": BOOL(DEFAULT, 1)})
def get_categories(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    where, args = [], []
    for criterion in p["criteria"]:
        key, value = criterion["key"], criterion["value"]
        if key == "ids":
            ids = [int(x) for x in value.split(",") if x.strip().isdigit()]
            where.append(f"id IN ({','.join('?' * len(ids)) or 'NULL'})")
            args.extend(ids)
        elif key in _CATEGORY_CRITERIA:
            where.append(_CATEGORY_CRITERIA[key])
            args.append(value)
        else:
            raise invalid_parameter(f"The key {key} is not a valid criteria key")
    sql = "SELECT * FROM categories" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY sortorder"
    rows = call.db.execute(sql, args).fetchall()
    if where and p["addsubcategories"]:
        seen = {r["id"] for r in rows}
        for row in list(rows):
            for sub in call.db.execute("SELECT * FROM categories WHERE path LIKE ? ORDER BY sortorder",
                                       (row["path"] + "/%",)):
                if sub["id"] not in seen:
                    seen.add(sub["id"])
                    rows.append(sub)
    return [_category_dict(call.db, r) for r in rows]


@wsfunction("core_course_create_categories", {"categories": Multiple(Single({
    "name": TEXT(), "parent": INT(DEFAULT, 0), "idnumber": RAW(OPTIONAL), "description": RAW(OPTIONAL),
    "descriptionformat": INT(DEFAULT, 1), "theme": Value("theme", OPTIONAL)}))})
def create_categories(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    db, out = call.db, []
    for cat in p["categories"]:
        parent = None
        if cat["parent"]:
            parent = db.execute("SELECT * FROM categories WHERE id=?", (cat["parent"],)).fetchone()
            if parent is None:
                raise moodle_exception("unknowcategory", "Category not known!")
        call.require_admin("Manage course categories")
        idnumber = cat.get("idnumber") or None
        if idnumber and db.execute("SELECT 1 FROM categories WHERE idnumber=?", (idnumber,)).fetchone():
            raise moodle_exception("categoryidnumbertaken", "ID number is already used for another category")
        sortorder = db.execute("SELECT COALESCE(MAX(sortorder), 0) FROM categories").fetchone()[0] + 10000
        sortorder -= sortorder % 10000
        cur = db.execute(
            "INSERT INTO categories (name, idnumber, description, descriptionformat, parent, sortorder, timemodified,"
            " depth, path, theme, contextid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)",
            (cat["name"], idnumber, cat.get("description", ""), cat["descriptionformat"], cat["parent"], sortorder,
             int(time.time()), (parent["depth"] + 1) if parent else 1, cat.get("theme") or "",
             courses.new_context(call.store, db)))
        catid = int(cur.lastrowid)
        path = (parent["path"] if parent else "") + f"/{catid}"
        db.execute("UPDATE categories SET path=? WHERE id=?", (path, catid))
        out.append({"id": catid, "name": cat["name"]})
    return out


# --- courses ----------------------------------------------------------------------------

_COURSE_FIELDS_OPTIONAL = {
    "idnumber": RAW(OPTIONAL), "summary": RAW(OPTIONAL), "startdate": INT(OPTIONAL), "enddate": INT(OPTIONAL),
    "numsections": INT(OPTIONAL), "hiddensections": INT(OPTIONAL), "enablecompletion": INT(OPTIONAL),
    "completionnotify": INT(OPTIONAL), "lang": Value("safedir", OPTIONAL), "forcetheme": Value("plugin", OPTIONAL),
    "courseformatoptions": Multiple(Single({"name": Value("alphanumext"), "value": RAW()}), OPTIONAL),
    "customfields": Multiple(Single({"shortname": Value("alphanumext"), "value": RAW()}), OPTIONAL),
}


@wsfunction("core_course_create_courses", {"courses": Multiple(Single({
    "fullname": TEXT(), "shortname": TEXT(), "categoryid": INT(), **_COURSE_FIELDS_OPTIONAL,
    "summaryformat": INT(DEFAULT, 1), "format": Value("plugin", DEFAULT, "topics"), "showgrades": INT(DEFAULT, 1),
    "newsitems": INT(DEFAULT, 5), "maxbytes": INT(DEFAULT, 0), "showreports": INT(DEFAULT, 0),
    "visible": INT(DEFAULT, 1), "groupmode": INT(DEFAULT, 0), "groupmodeforce": INT(DEFAULT, 0),
    "defaultgroupingid": INT(DEFAULT, 0)}))})
def create_courses(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    db, out = call.db, []
    for course in p["courses"]:
        if not db.execute("SELECT 1 FROM categories WHERE id=?", (course["categoryid"],)).fetchone():
            raise moodle_exception(
                "errorcatcontextnotvalid",
                f"You cannot execute functions in the category context (category id:{course['categoryid']}). "
                "The context error message was: Invalid parameter value detected")
        call.require_admin("Create courses")
        _check_unique(db, course, None)
        numsections = course.get("numsections", courses.DEFAULT_NUMSECTIONS)
        for option in course.get("courseformatoptions", []):
            if option["name"] == "numsections" and option["value"].strip().isdigit():
                numsections = int(option["value"])
        courseid = courses.create_course(call.store, db, course, numsections)
        out.append({"id": courseid, "shortname": course["shortname"]})
    return out


def _check_unique(db: sqlite3.Connection, course: dict[str, Any], courseid: int | None) -> None:
    other = courseid or 0
    if "shortname" in course and db.execute("SELECT 1 FROM courses WHERE shortname=? AND id<>?",
                                            (course["shortname"], other)).fetchone():
        raise moodle_exception("shortnametaken",
                               f"Short name is already used for another course ({course['shortname']})")
    if course.get("idnumber") and db.execute("SELECT 1 FROM courses WHERE idnumber=? AND id<>?",
                                             (course["idnumber"], other)).fetchone():
        raise moodle_exception("courseidnumbertaken",
                               f"ID number is already used for another course ({course['idnumber']})")


_UPDATABLE = {"fullname": "fullname", "shortname": "shortname", "categoryid": "category", "idnumber": "idnumber",
              "summary": "summary", "summaryformat": "summaryformat", "format": "format",
              "showgrades": "showgrades", "newsitems": "newsitems", "startdate": "startdate", "enddate": "enddate",
              "maxbytes": "maxbytes", "showreports": "showreports", "visible": "visible",
              "groupmode": "groupmode", "groupmodeforce": "groupmodeforce", "defaultgroupingid": "defaultgroupingid",
              "enablecompletion": "enablecompletion", "completionnotify": "completionnotify", "lang": "lang",
              "forcetheme": "theme", "hiddensections": "hiddensections"}


@wsfunction("core_course_update_courses", {"courses": Multiple(Single({
    "id": INT(), "fullname": TEXT(OPTIONAL), "shortname": TEXT(OPTIONAL), "categoryid": INT(OPTIONAL),
    **_COURSE_FIELDS_OPTIONAL, "summaryformat": INT(OPTIONAL), "format": Value("plugin", OPTIONAL),
    "showgrades": INT(OPTIONAL), "newsitems": INT(OPTIONAL), "maxbytes": INT(OPTIONAL),
    "showreports": INT(OPTIONAL), "visible": INT(OPTIONAL), "groupmode": INT(OPTIONAL),
    "groupmodeforce": INT(OPTIONAL), "defaultgroupingid": INT(OPTIONAL)}))})
def update_courses(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    db, warnings = call.db, []
    for course in p["courses"]:
        try:
            courses.get_course(db, course["id"])
            call.require_course_access()
            _check_unique(db, course, course["id"])
            if "categoryid" in course and not db.execute("SELECT 1 FROM categories WHERE id=?",
                                                         (course["categoryid"],)).fetchone():
                raise MissingRecord("course_categories", "SELECT * FROM {course_categories} WHERE id = ?",
                                    [course["categoryid"]])
            changes = {col: course[key] for key, col in _UPDATABLE.items() if key in course}
            if changes:
                sets = ", ".join(f"{col}=?" for col in changes)
                db.execute(f"UPDATE courses SET {sets}, timemodified=? WHERE id=?",
                           (*changes.values(), int(time.time()), course["id"]))
        except WSError as err:
            code, message = err.warning_code(call.debug)
            warnings.append({"item": "course", "itemid": course["id"], "warningcode": code, "message": message})
    return {"warnings": warnings}


@wsfunction("core_course_delete_courses", {"courseids": Multiple(INT())})
def delete_courses(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    warnings = []
    for courseid in p["courseids"]:
        row = call.db.execute("SELECT id FROM courses WHERE id=?", (courseid,)).fetchone()
        if row is None:
            warnings.append({"item": "course", "itemid": courseid, "warningcode": "unknowncourseidnumber",
                             "message": f"Unknown course ID {courseid}"})
        elif courseid == 1 or not call.is_admin:
            warnings.append({"item": "course", "itemid": courseid, "warningcode": "cannotdeletecourse",
                             "message": "You do not have the permission to delete this course"})
        else:
            courses.delete_course(call.db, courseid)
    return {"warnings": warnings}


def _category_name(db: sqlite3.Connection, catid: int) -> str:
    row = db.execute("SELECT name FROM categories WHERE id=?", (catid,)).fetchone()
    return row[0] if row else ""


def _numsections(db: sqlite3.Connection, courseid: int) -> int:
    return db.execute("SELECT COALESCE(MAX(section), 0) FROM sections WHERE course=?", (courseid,)).fetchone()[0]


def _format_options(c: sqlite3.Row) -> list[dict[str, Any]]:
    return [{"name": "hiddensections", "value": c["hiddensections"]},
            {"name": "coursedisplay", "value": c["coursedisplay"]}]


def course_by_field_dict(call: Call, c: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": c["id"], "fullname": c["fullname"], "displayname": c["fullname"], "shortname": c["shortname"],
        "courseimage": f"{call.site_url}/pluginfile.php/{c['contextid']}/course/generated/course.svg",
        "categoryid": c["category"], "categoryname": _category_name(call.db, c["category"]),
        "sortorder": c["sortorder"], "summary": c["summary"], "summaryformat": c["summaryformat"],
        "summaryfiles": [], "overviewfiles": [], "showactivitydates": True, "showcompletionconditions": True,
        "contacts": [], "enrollmentmethods": ["manual"], "idnumber": c["idnumber"], "format": c["format"],
        "showgrades": c["showgrades"], "newsitems": c["newsitems"], "startdate": c["startdate"],
        "enddate": c["enddate"], "maxbytes": c["maxbytes"], "showreports": c["showreports"], "visible": c["visible"],
        "groupmode": c["groupmode"], "groupmodeforce": c["groupmodeforce"],
        "defaultgroupingid": c["defaultgroupingid"], "enablecompletion": c["enablecompletion"],
        "completionnotify": c["completionnotify"], "lang": c["lang"], "theme": c["theme"], "marker": 0,
        "legacyfiles": 0, "calendartype": "", "timecreated": c["timecreated"], "timemodified": c["timemodified"],
        "requested": 0, "cacherev": c["cacherev"],
        "filters": [{"filter": f, "localstate": 0, "inheritedstate": 1} for f in _FILTERS],
        "courseformatoptions": _format_options(c) + [{"name": "indentation", "value": "1"}],
    }


_BY_FIELD = {"id": "id = ?", "shortname": "shortname = ?", "idnumber": "idnumber = ?", "category": "category = ?",
             "sectionid": "id = (SELECT course FROM sections WHERE id = ?)"}


@wsfunction("core_course_get_courses_by_field", {"field": Value("alpha", DEFAULT, ""), "value": RAW(DEFAULT, "")})
def get_courses_by_field(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    field, value = p["field"], p["value"]
    if field == "":
        rows = call.db.execute("SELECT * FROM courses WHERE id <> 1 ORDER BY sortorder").fetchall()
    elif field == "ids":
        ids = [int(x) for x in value.split(",") if x.strip().isdigit()]
        rows = call.db.execute(f"SELECT * FROM courses WHERE id IN ({','.join('?' * len(ids)) or 'NULL'})"
                               " ORDER BY sortorder", ids).fetchall()
    elif field in _BY_FIELD:
        rows = call.db.execute(f"SELECT * FROM courses WHERE {_BY_FIELD[field]}", (value,)).fetchall()
    else:
        raise invalid_parameter("Invalid field name")
    # A user with no course rights sees no course details here.
    visible = rows if call.is_admin else []
    return {"courses": [course_by_field_dict(call, c) for c in visible], "warnings": []}


@wsfunction("core_course_get_courses", {"options": Single({"ids": Multiple(INT(), OPTIONAL)}, DEFAULT, {})})
def get_courses(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    ids = p["options"].get("ids")
    if ids:
        rows = call.db.execute(f"SELECT * FROM courses WHERE id IN ({','.join('?' * len(ids))}) ORDER BY id",
                               ids).fetchall()
    else:
        rows = call.db.execute("SELECT * FROM courses ORDER BY id").fetchall()
    out = []
    for c in rows:
        if not call.is_admin:
            raise course_context_not_valid(c["id"])
        cat = call.db.execute("SELECT sortorder FROM categories WHERE id=?", (c["category"],)).fetchone()
        out.append({
            "id": c["id"], "shortname": c["shortname"], "categoryid": c["category"],
            "categorysortorder": cat[0] + 1 if cat else 0, "fullname": c["fullname"], "displayname": c["fullname"],
            "idnumber": c["idnumber"], "summary": c["summary"], "summaryformat": c["summaryformat"],
            "format": c["format"], "showgrades": c["showgrades"], "newsitems": c["newsitems"],
            "startdate": c["startdate"], "enddate": c["enddate"], "numsections": _numsections(call.db, c["id"]),
            "maxbytes": c["maxbytes"], "showreports": c["showreports"], "visible": c["visible"],
            "hiddensections": c["hiddensections"], "groupmode": c["groupmode"], "groupmodeforce": c["groupmodeforce"],
            "defaultgroupingid": c["defaultgroupingid"], "timecreated": c["timecreated"],
            "timemodified": c["timemodified"], "enablecompletion": c["enablecompletion"],
            "completionnotify": c["completionnotify"], "lang": c["lang"], "forcetheme": c["theme"],
            "courseformatoptions": _format_options(c), "showactivitydates": True, "showcompletionconditions": True,
        })
    return out


# --- course contents --------------------------------------------------------------------

def section_name(section: sqlite3.Row) -> str:
    if section["name"]:
        return section["name"]
    return "General" if section["section"] == 0 else "New section"


def _file_entry(call: Call, cm: sqlite3.Row, f: sqlite3.Row) -> dict[str, Any]:
    return {"type": "file", "filename": f["filename"], "filepath": f["filepath"], "filesize": f["filesize"],
            "fileurl": f"{call.site_url}/webservice/pluginfile.php/{cm['contextid']}/mod_resource/content/0"
                       f"{f['filepath']}{f['filename']}?forcedownload=1",
            "timecreated": f["timecreated"], "timemodified": f["timemodified"], "sortorder": f["sortorder"],
            "mimetype": f["mimetype"], "isexternalfile": False, "userid": None, "author": None, "license": None}


def _contents(call: Call, cm: sqlite3.Row) -> list[dict[str, Any]] | None:
    modname = cm["modname"]
    if modname == "resource":
        return [_file_entry(call, cm, f) for f in files.area_files(call.db, cm["contextid"], "mod_resource", "content")]
    if modname == "page":
        return [{"type": "file", "filename": "index.html", "filepath": "/",
                 "filesize": 0, "fileurl": f"{call.site_url}/webservice/pluginfile.php/{cm['contextid']}"
                                           "/mod_page/content/index.html?forcedownload=1",
                 "timecreated": None, "timemodified": cm["timemodified"], "sortorder": 1, "userid": None,
                 "author": None, "license": None}]
    if modname == "url":
        return [{"type": "url", "filename": cm["name"], "filepath": None, "filesize": 0,
                 "fileurl": cm["externalurl"], "timecreated": None, "timemodified": cm["timemodified"],
                 "sortorder": None, "userid": None, "author": None, "license": None}]
    return None


def module_summary(call: Call, cm: sqlite3.Row, with_contents: bool = True) -> dict[str, Any]:
    """One module as ``core_course_get_contents`` lists it."""
    modname, site = cm["modname"], call.site_url
    out: dict[str, Any] = {"id": cm["id"]}
    if modname not in ("label", "subsection"):
        out["url"] = f"{site}/mod/{modname}/view.php?id={cm['id']}"
    out.update({
        "name": cm["name"], "instance": cm["instance"], "contextid": cm["contextid"], "visible": cm["visible"],
        "uservisible": True, "visibleoncoursepage": cm["visibleoncoursepage"],
        "modicon": f"{site}/theme/image.php/boost/{modname}/{THEMEREV}/monologo?filtericon=1",
        "modname": modname, "purpose": _PURPOSE.get(modname, "content"), "branded": False,
        "modplural": _MODPLURAL.get(modname, modname.capitalize() + "s"), "availability": None,
        "indent": cm["indent"], "onclick": "", "afterlink": None,
    })
    if modname == "label":
        out["description"] = cm["intro"]
    if modname in ("forum", "resource"):
        out["activitybadge"] = []
    out.update({"customdata": _CUSTOMDATA.get(modname, '""'), "noviewlink": modname == "label", "completion": 0,
                "downloadcontent": 1, "dates": [], "groupmode": cm["groupmode"]})
    contents = _contents(call, cm) if with_contents else None
    if contents is not None:
        out["contents"] = contents
        sizes = [c["filesize"] for c in contents]
        out["contentsinfo"] = {
            "filescount": len(contents), "filessize": sum(sizes),
            "lastmodified": max((c["timemodified"] or 0) for c in contents) if contents else cm["timemodified"],
            "mimetypes": sorted({c["mimetype"] for c in contents if c.get("mimetype")}),
            "repositorytype": ""}
    return out


_CONTENT_OPTIONS = {"excludemodules": "bool", "excludecontents": "bool", "includestealthmodules": "bool",
                    "sectionid": "int", "sectionnumber": "int", "cmid": "int", "modid": "int", "modname": "plugin"}


def _content_filters(options: list[dict[str, str]]) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for option in options:
        name = option["name"].strip()
        kind = _CONTENT_OPTIONS.get(name)
        if kind is None:
            raise moodle_exception("errorinvalidparam", f'The param "{name}" is invalid.')
        if name in filters:
            continue
        value = option["value"].strip()
        if kind == "bool":
            filters[name] = value.lower() not in ("", "0", "false", "no", "off")
        elif kind == "int":
            if not value.lstrip("-").isdigit():
                raise moodle_exception("errorinvalidparam", f'The param "{name}" is invalid.')
            filters[name] = int(value)
        elif value:
            filters[name] = value
        else:
            raise moodle_exception("errorinvalidparam", f'The param "{name}" is invalid.')
    return filters


@wsfunction("core_course_get_contents", {
    "courseid": INT(), "options": Multiple(Single({"name": Value("alphanum"), "value": RAW()}), DEFAULT, [])})
def get_contents(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    filters = _content_filters(p["options"])
    course = courses.get_course(call.db, p["courseid"])
    if not call.is_admin:
        raise course_context_not_valid(course["id"])
    modules = {cm["id"]: cm for cm in call.db.execute(
        "SELECT * FROM modules WHERE course=? AND deletioninprogress=0", (course["id"],))}
    out = []
    for section in courses.sections(call.db, course["id"]):
        if "sectionid" in filters and section["id"] != filters["sectionid"]:
            continue
        if "sectionnumber" in filters and section["section"] != filters["sectionnumber"]:
            continue
        mods = []
        if not filters.get("excludemodules"):
            for cmid in courses.sequence(section):
                cm = modules.get(cmid)
                if cm is None or ("cmid" in filters and cmid != filters["cmid"]):
                    continue
                if "modname" in filters and cm["modname"] != filters["modname"]:
                    continue
                if "modid" in filters and cm["instance"] != filters["modid"]:
                    continue
                mods.append(module_summary(call, cm, not filters.get("excludecontents")))
        out.append({"id": section["id"], "name": section_name(section), "visible": section["visible"],
                    "summary": section["summary"], "summaryformat": 1, "section": section["section"],
                    "hiddenbynumsections": 0, "uservisible": True, "component": None, "itemid": None,
                    "modules": mods})
    return out


def cm_dict(call: Call, cm: sqlite3.Row) -> dict[str, Any]:
    """One module as ``core_course_get_course_module`` returns it."""
    section = call.db.execute("SELECT section FROM sections WHERE id=?", (cm["section"],)).fetchone()
    out: dict[str, Any] = {
        "id": cm["id"], "course": cm["course"], "module": MODULE_IDS.get(cm["modname"], 0), "name": cm["name"],
        "modname": cm["modname"], "instance": cm["instance"], "section": cm["section"],
        "sectionnum": section[0] if section else 0, "groupmode": cm["groupmode"], "groupingid": 0, "completion": 0,
        "idnumber": cm["idnumber"], "added": cm["added"], "score": 0, "indent": cm["indent"],
        "visible": cm["visible"], "visibleoncoursepage": cm["visibleoncoursepage"], "visibleold": cm["visibleold"],
        "completiongradeitemnumber": None, "completionpassgrade": 0, "completionview": 0, "completionexpected": 0,
        "showdescription": 0, "downloadcontent": 1, "availability": None,
    }
    if cm["modname"] == "forum":
        out["advancedgrading"] = [{"area": "forum", "method": None}]
    if cm["modname"] == "quiz":
        out.update({"grade": 10, "gradepass": "0.00", "gradecat": cm["course"] + 1})
    return out


@wsfunction("core_course_get_course_module", {"cmid": INT()})
def get_course_module(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    cm = courses.get_cm(call.db, p["cmid"])
    call.require_course_access()
    return {"cm": cm_dict(call, cm), "warnings": []}


@wsfunction("core_course_get_course_module_by_instance", {"module": Value("component"), "instance": INT()})
def get_course_module_by_instance(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    row = call.db.execute("SELECT id FROM modules WHERE modname=? AND instance=? AND deletioninprogress=0",
                          (p["module"], p["instance"])).fetchone()
    if row is None:
        raise MissingRecord(p["module"], f"SELECT * FROM {{{p['module']}}} WHERE id = ?", [p["instance"]])
    return get_course_module(call, {"cmid": row[0]})


def render_cm(call: Call, cm: sqlite3.Row) -> str:
    """A stand-in for the course renderer's HTML of one module (only its shape matters)."""
    name = html.escape(cm["name"])
    hidden = " hiddenactivity" if not cm["visible"] else ""
    return (f'<li\n    class="activity {cm["modname"]} modtype_{cm["modname"]}  hasinfo "\n'
            f'    id="module-{cm["id"]}"\n    data-for="cmitem"\n    data-id="{cm["id"]}"\n>\n'
            f'        <div class="activity-item focus-control{hidden}" data-activityname="{name}"'
            f' data-region="activity-card">\n'
            f'            <a href="{call.site_url}/mod/{cm["modname"]}/view.php?id={cm["id"]}">'
            f'<span class="instancename">{name}</span></a>\n        </div>\n</li>')


@wsfunction("core_course_edit_module", {"action": Value("alpha"), "id": INT(), "sectionreturn": INT(DEFAULT, None)})
def edit_module(call: Call, p: dict[str, Any]) -> str:
    db = call.db
    row = db.execute("SELECT * FROM modules WHERE id=?", (p["id"],)).fetchone()
    if row is None:
        raise MissingRecord(None, "\n                    SELECT c.*\n                      FROM {course_modules} cm\n"
                                  "                      JOIN {course} c ON c.id = cm.course\n"
                                  "                     WHERE cm.id = ?", [p["id"]])
    call.require_course_access()
    action = p["action"]
    if action in ("hide", "show", "stealth"):
        courses.set_module_visible(db, row["id"], 0 if action == "hide" else 1, 0 if action == "stealth" else 1)
    elif action in ("moveleft", "moveright"):
        db.execute("UPDATE modules SET indent=MAX(0, indent + ?) WHERE id=?",
                   (1 if action == "moveright" else -1, row["id"]))
    elif action in ("groupsseparate", "groupsvisible", "groupsnone"):
        mode = {"groupsnone": 0, "groupsseparate": 1, "groupsvisible": 2}[action]
        db.execute("UPDATE modules SET groupmode=? WHERE id=?", (mode, row["id"]))
    elif action == "delete":
        courses.delete_module(db, row["id"])
        return ""
    else:
        raise coding_error("Unrecognised action")
    return render_cm(call, db.execute("SELECT * FROM modules WHERE id=?", (row["id"],)).fetchone())


@wsfunction("core_course_edit_section", {"action": Value("alpha"), "id": INT(), "sectionreturn": INT(DEFAULT, None)})
def edit_section(call: Call, p: dict[str, Any]) -> str | None:
    db = call.db
    section = db.execute("SELECT * FROM sections WHERE id=?", (p["id"],)).fetchone()
    if section is None:
        raise MissingRecord("course_sections", "SELECT * FROM {course_sections} WHERE id = ?", [p["id"]])
    call.require_course_access()
    action = p["action"]
    if action in ("hide", "show"):
        if section["section"] == 0 and action == "hide":
            raise moodle_exception("sectionzerohide", "Section 0 cannot be hidden")
        courses.set_section_visible(db, section["id"], 1 if action == "show" else 0)
        cms = [db.execute("SELECT * FROM modules WHERE id=?", (c,)).fetchone() for c in courses.sequence(section)]
        return json.dumps({"modules": [render_cm(call, cm) for cm in cms if cm is not None],
                           "section_availability": '<div class="section_availability">\n</div>'})
    if action in ("setmarker", "removemarker"):
        return None
    raise coding_error("Unrecognised action")


@wsfunction("core_course_delete_modules", {"cmids": Multiple(Value("int", allownull=False))})
def delete_modules(call: Call, p: dict[str, Any]) -> None:
    for cmid in p["cmids"]:
        if call.db.execute("SELECT 1 FROM modules WHERE id=?", (cmid,)).fetchone() is None:
            raise MissingRecord("course_modules", "SELECT * FROM {course_modules} WHERE id = ?", [cmid])
        call.require_course_access()
        courses.delete_module(call.db, cmid)
    return None


@wsfunction("core_files_get_unused_draft_itemid", cacheable=False)
def get_unused_draft_itemid(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    ctx = call.user["contextid"]
    return {"component": "user", "contextid": ctx, "userid": call.user["id"], "filearea": "draft",
            "itemid": files.unused_draft_itemid(call.db, ctx, call.rng), "warnings": []}


# --- mod_*_get_*_by_courses -------------------------------------------------------------

def _instance_common(call: Call, cm: sqlite3.Row, sectionnum: int) -> dict[str, Any]:
    return {"id": cm["instance"], "coursemodule": cm["id"], "course": cm["course"], "name": cm["name"],
            "intro": cm["intro"], "introformat": 1, "introfiles": [], "section": sectionnum,
            "visible": bool(cm["visible"]), "groupmode": cm["groupmode"], "groupingid": 0,
            "lang": "" if cm["modname"] == "quiz" else None, "enableaitools": None, "enabledaiactions": None}


def _resource_fields(call: Call, cm: sqlite3.Row) -> dict[str, Any]:
    files_ = files.area_files(call.db, cm["contextid"], "mod_resource", "content")
    return {"contentfiles": [{
        "filename": f["filename"], "filepath": f["filepath"], "filesize": f["filesize"],
        "fileurl": f"{call.site_url}/webservice/pluginfile.php/{cm['contextid']}/mod_resource/content/0"
                   f"{f['filepath']}{f['filename']}",
        "timemodified": f["timemodified"], "mimetype": f["mimetype"], "isexternalfile": False,
        "icon": "f/" + (f["mimetype"] or "").rsplit("/", 1)[-1]} for f in files_],
        "tobemigrated": 0, "legacyfiles": 0, "legacyfileslast": None, "display": 0,
        "displayoptions": 'a:1:{s:10:"printintro";i:0;}', "filterfiles": 0, "revision": 0,
        "timemodified": cm["timemodified"]}


def _page_fields(call: Call, cm: sqlite3.Row) -> dict[str, Any]:
    return {"content": cm["content"], "contentformat": 1, "contentfiles": [], "legacyfiles": 0,
            "legacyfileslast": None, "display": 0,
            "displayoptions": 'a:2:{s:10:"printintro";i:0;s:17:"printlastmodified";i:1;}', "revision": 0,
            "timemodified": cm["timemodified"]}


def _url_fields(call: Call, cm: sqlite3.Row) -> dict[str, Any]:
    return {"externalurl": cm["externalurl"], "display": 0, "displayoptions": 'a:1:{s:10:"printintro";i:0;}',
            "parameters": "a:0:{}", "timemodified": cm["timemodified"]}


def _label_fields(call: Call, cm: sqlite3.Row) -> dict[str, Any]:
    return {"timemodified": cm["timemodified"]}


def _quiz_fields(call: Call, cm: sqlite3.Row) -> dict[str, Any]:
    count = call.db.execute("SELECT COUNT(*) FROM questions WHERE cmid=?", (cm["id"],)).fetchone()[0]
    review = 69904
    return {"timeopen": 0, "timeclose": 0, "timelimit": 0, "overduehandling": "autosubmit", "graceperiod": 0,
            "preferredbehaviour": "deferredfeedback", "canredoquestions": 0, "attempts": 0, "attemptonlast": 0,
            "grademethod": 1, "decimalpoints": 2, "questiondecimalpoints": -1, "reviewattempt": review,
            "reviewcorrectness": review, "reviewmaxmarks": review, "reviewmarks": review,
            "reviewspecificfeedback": review, "reviewgeneralfeedback": review, "reviewrightanswer": review,
            "reviewoverallfeedback": 4368, "questionsperpage": 1, "navmethod": "free", "shuffleanswers": 1,
            "sumgrades": cm["sumgrades"], "grade": 10, "timecreated": cm["added"], "timemodified": cm["timemodified"],
            "password": "", "subnet": "", "browsersecurity": "-", "delay1": 0, "delay2": 0, "showuserpicture": 0,
            "showblocks": 0, "completionattemptsexhausted": 0, "completionpass": 0, "allowofflineattempts": 0,
            "autosaveperiod": 60, "hasfeedback": 0, "hasquestions": int(count > 0), "precreateattempts": None}


def _by_courses(modname: str, listkey: str, extra) -> None:
    def impl(call: Call, p: dict[str, Any]) -> dict[str, Any]:
        items, warnings = [], []
        for courseid in p["courseids"]:
            if not call.is_admin or call.db.execute("SELECT 1 FROM courses WHERE id=?", (courseid,)).fetchone() is None:
                warnings.append({"item": "course", "itemid": courseid, "warningcode": "1",
                                 "message": "No access rights in course context"})
                continue
            for cm in call.db.execute(
                    "SELECT m.*, s.section AS sectionnum FROM modules m JOIN sections s ON s.id=m.section"
                    " WHERE m.course=? AND m.modname=? AND m.deletioninprogress=0 ORDER BY m.instance",
                    (courseid, modname)):
                items.append({**_instance_common(call, cm, cm["sectionnum"]), **extra(call, cm)})
        return {listkey: items, "warnings": warnings}

    wsfunction(f"mod_{modname}_get_{listkey}_by_courses", {"courseids": Multiple(INT(), DEFAULT, [])},
               version=MOD_VERSION)(impl)


for _modname, _listkey, _extra in (("resource", "resources", _resource_fields), ("page", "pages", _page_fields),
                                   ("url", "urls", _url_fields), ("quiz", "quizzes", _quiz_fields),
                                   ("label", "labels", _label_fields), ("folder", "folders", _label_fields)):
    _by_courses(_modname, _listkey, _extra)

assert not OUTSIDE_SERVICE & set(FUNCTIONS)
