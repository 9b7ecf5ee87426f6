"""The course plan the sync stores in Moodle (``local_certbridge_set_course_plan``): what
the plugin needs to compute the report live, inside Moodle — the pack, its certificate,
every resource with its content fingerprint, and the standard's requirements at the
pack's level (docs/plugin-api.md).

Its ``fingerprint`` is the SHA-1 of the plan's canonical JSON; ``get_modules`` returns
the stored one, so the plan is sent only when it changed.
"""
from __future__ import annotations

import hashlib
import json

from bridge.pack.model import Pack


def course_plan(pack: Pack, modules) -> dict:
    """The plan of ``pack`` (a course pack) from its desired modules, with its fingerprint."""
    assert pack.course is not None
    cert = pack.certificate
    standard = cert.standard if cert is not None else None
    plan = {
        "pack_id": pack.id, "pack_version": pack.version, "pack_title": pack.title, "prefix": pack.prefix,
        "target": pack.course.target,
        "certificate": {
            "name": cert.name if cert else "", "issuer": cert.issuer if cert else "",
            "level": cert.level if cert else "", "standard": standard.id if standard else "",
            "standard_version": standard.version if standard else ""},
        "resources": [{
            "resource_id": m.resource_id, "name": m.name, "type": m.type, "modname": m.modname,
            "section": m.section, "status": m.status, "visible": int(m.visible), "skills": " ".join(m.skills),
            "fingerprint": m.fingerprint or ""} for m in modules],
        "requirements": [{
            "code": r.code, "text": r.text, "area_code": r.area_code, "area": r.area, "task_code": r.task_code,
            "task": r.task} for r in (standard.requirements(cert.level) if standard else [])],
    }
    plan["fingerprint"] = plan_fingerprint(plan)
    return plan


def plan_fingerprint(plan: dict) -> str:
    """SHA-1 of the plan's canonical JSON (its own ``fingerprint`` left out)."""
    body = {k: v for k, v in plan.items() if k != "fingerprint"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
