"""The plugin's course plans and live report (``local_certbridge_set_course_plan``,
``local_certbridge_get_report``), as docs/plugin-api.md says and the PHP plugin does.

The states are computed here from the sandbox's own tables, independently of
``bridge.report`` (as the plugin computes them from Moodle's), so the parity test between
``certbridge report`` and ``get_report`` compares two implementations of docs/report.md.
"""
from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from bridge.sandbox import courses
from bridge.sandbox.errors import WSError
from bridge.sandbox.functions.plugin import _course
from bridge.sandbox.functions.registry import PLUGIN_VERSION, Call, wsfunction
from bridge.sandbox.protocol import DEFAULT, INT, RAW, Multiple, Single, Value

#: Every live state, in the order reports show them (``unknown`` does not exist live).
STATES = ("online", "outdated", "hidden", "missing", "planned")

PLAN = Single({
    "fingerprint": Value("alphanum"), "pack_id": RAW(), "pack_version": RAW(DEFAULT, ""),
    "pack_title": RAW(DEFAULT, ""), "prefix": RAW(), "target": Value("float"),
    "certificate": Single({"name": RAW(DEFAULT, ""), "issuer": RAW(DEFAULT, ""), "level": RAW(DEFAULT, ""),
                           "standard": RAW(DEFAULT, ""), "standard_version": RAW(DEFAULT, "")}, DEFAULT, {}),
    "resources": Multiple(Single({
        "resource_id": RAW(), "name": RAW(), "type": Value("alpha"), "modname": Value("plugin"), "section": INT(),
        "status": Value("alpha"), "visible": INT(DEFAULT, 1), "skills": RAW(DEFAULT, ""),
        "fingerprint": Value("alphanum", DEFAULT, "")}), DEFAULT, []),
    "requirements": Multiple(Single({
        "code": RAW(), "text": RAW(DEFAULT, ""), "area_code": RAW(DEFAULT, ""), "area": RAW(DEFAULT, ""),
        "task_code": RAW(DEFAULT, ""), "task": RAW(DEFAULT, "")}), DEFAULT, []),
})


@wsfunction("local_certbridge_set_course_plan", {"courseid": INT(), "plan": PLAN}, version=PLUGIN_VERSION)
def set_course_plan(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    course = _course(call, p["courseid"])
    plan = p["plan"]
    if not plan["prefix"]:
        raise WSError("core\\exception\\invalid_parameter_exception", "invalidparameter",
                      "Invalid parameter value detected", "prefix must not be empty")
    call.db.execute("INSERT OR REPLACE INTO course_plans (courseid, fingerprint, plan, timemodified)"
                    " VALUES (?, ?, ?, ?)", (course["id"], plan["fingerprint"], json.dumps(plan), int(time.time())))
    return {"courseid": course["id"], "fingerprint": plan["fingerprint"],
            "resources": len(plan["resources"]), "requirements": len(plan["requirements"])}


def resource_state(res: dict, cm: sqlite3.Row | None, sectionvisible: int) -> tuple[str, str]:
    """docs/report.md's precedence: planned, missing, hidden, outdated, online."""
    if res["status"] != "ready":
        return "planned", "status-planned"
    if cm is None:
        return "missing", "not-in-course"
    if not sectionvisible:
        return "hidden", "section-hidden"
    if not cm["visible"]:
        return "hidden", "hidden" if res["visible"] else "hidden-in-pack"
    if not cm["visibleoncoursepage"]:
        return "hidden", "stealth"
    if cm["modname"] != res["modname"]:
        return "outdated", "type-differs"
    if res["fingerprint"] and cm["fingerprint"] != res["fingerprint"]:
        return "outdated", "content-differs" if cm["fingerprint"] else "content-unknown"
    return "online", ""


def course_report(db: sqlite3.Connection, course: sqlite3.Row, plan: dict) -> dict[str, Any]:
    prefix = plan["prefix"]
    sectionvisible = {s["id"]: s["visible"] for s in courses.sections(db, course["id"])}
    cms: dict[str, sqlite3.Row] = {}
    for cm in db.execute("SELECT * FROM modules WHERE course=? AND deletioninprogress=0"
                         " AND substr(idnumber, 1, ?)=? ORDER BY id", (course["id"], len(prefix), prefix)):
        cms.setdefault(cm["idnumber"], cm)  # the oldest of duplicates, as get_modules' first
    counts = dict.fromkeys(STATES, 0)
    resources = []
    online_skills: set[str] = set()
    for res in plan["resources"]:
        cm = cms.get(prefix + res["resource_id"])
        state, reason = resource_state(res, cm, sectionvisible.get(cm["section"], 1) if cm else 1)
        counts[state] += 1
        skills = res["skills"].split()
        if state == "online":
            online_skills.update(skills)
        resources.append({"resource_id": res["resource_id"], "idnumber": prefix + res["resource_id"],
                          "name": res["name"], "type": res["type"], "section": res["section"], "skills": skills,
                          "state": state, "reason": reason, "cmid": cm["id"] if cm else 0})
    planned = len(resources)
    ratio = counts["online"] / planned if planned else 1.0
    meets = ratio + 1e-9 >= plan["target"]
    uncovered = [r for r in plan["requirements"] if r["code"] not in online_skills]
    return {"courseid": course["id"], "pack_id": plan["pack_id"], "pack_title": plan["pack_title"],
            "pack_version": plan["pack_version"], "plan_fingerprint": plan["fingerprint"],
            "certificate": {k: plan["certificate"].get(k, "") for k in
                            ("name", "issuer", "level", "standard", "standard_version")},
            "planned": planned, "online": counts["online"], "ratio": round(ratio, 6), "target": plan["target"],
            "meets_target": meets, "status": "meets" if meets else "below", "counts": counts,
            "resources": resources, "requirements": len(plan["requirements"]),
            "covered": len(plan["requirements"]) - len(uncovered), "uncovered": uncovered}


@wsfunction("local_certbridge_get_report", {"courseid": INT()}, version=PLUGIN_VERSION)
def get_report(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    course = _course(call, p["courseid"])
    plan = courses.stored_plan(call.db, course["id"])
    if plan is None:
        raise WSError("core\\exception\\moodle_exception", "certbridge_noplan",
                      f"Course {course['id']} has no certbridge plan yet: run certbridge sync for it.")
    return course_report(call.db, course, plan)
