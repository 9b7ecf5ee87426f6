"""What a page template sees: plain data only.

No ``Path``, no model objects, no bound methods: a template can read these values and
nothing through them. ``docs/pack-format.md`` lists every variable with its type; keep
the two in step.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup

from bridge.pack.model import Pack, Resource

_SCALARS = (str, int, float, bool, type(None))


def plain(value: Any) -> Any:
    """``value`` as str/int/float/bool/None/list/dict/Markup only (a deep copy).

    TOML dates and times become ISO 8601 strings; anything else is a programming error.
    """
    if isinstance(value, _SCALARS):  # Markup is a str
        return value
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    raise TypeError(f"a template context holds only plain data, not {type(value).__name__}")


def page_context(pack: Pack, resource: Resource) -> dict[str, Any]:
    """The variables of a page template for ``resource`` of ``pack``."""
    cert = pack.certificate
    standard = cert.standard if cert else None
    reqs = standard.requirement_map(cert.level) if standard else {}
    section = next((s for s in pack.sections if s.number == resource.section), None)
    course = pack.course
    context = {
        "pack": {
            "id": pack.id, "title": pack.title, "version": pack.version, "kind": pack.kind,
            "description": pack.description, "owners": list(pack.owners),
            "certificate": None if cert is None else {
                "name": cert.name, "issuer": cert.issuer, "level": cert.level,
                "standard": None if standard is None else {
                    "id": standard.id, "certificate": standard.certificate, "issuer": standard.issuer,
                    "version": standard.version},
            },
        },
        "course": None if course is None else {
            "shortname": course.shortname, "fullname": course.fullname, "category": list(course.category),
            "target": course.target, "summary": course.summary},
        "section": None if section is None else {
            "number": section.number, "title": section.title, "summary": section.summary},
        "resource": {
            "id": resource.id, "type": resource.type, "title": resource.title, "section": resource.section,
            "position": resource.position, "skills": list(resource.skills), "status": resource.status,
            "visible": resource.visible, "description": resource.description, "template": resource.template},
        "vars": resource.vars,
        "skills": [{"code": c, "text": r.text, "area": r.area, "task": r.task, "area_code": r.area_code,
                    "task_code": r.task_code} for c in resource.skills if (r := reqs.get(c))],
    }
    context["pack"]["course"] = context["course"]
    return plain(context)
