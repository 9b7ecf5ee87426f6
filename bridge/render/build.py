"""``certbridge build``: render what would be pushed, with no LMS involved."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from bridge import __version__
from bridge.pack.model import Pack
from bridge.render.desired import desired_course
from bridge.render.fingerprint import FileHasher

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temp file and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_pack(pack: Pack, out: Path, hasher: FileHasher | None = None) -> dict:
    """Write pages (HTML), quizzes (Moodle XML) and ``manifest.json`` under ``out/<pack id>/``.

    Returns the manifest. Files are not copied: the manifest names their source path.
    """
    course = desired_course(pack, hasher)
    target = out / pack.id
    entries = []
    for module in course.modules:
        entry = {
            "id": module.resource_id, "idnumber": module.idnumber, "type": module.type,
            "modname": module.modname, "title": module.name, "section": module.section,
            "position": module.position, "status": module.status, "visible": module.visible,
            "skills": list(module.skills), "sha256": None, "sha1": None, "size": None, "output": None,
        }
        payload = module.payload
        if payload is not None:
            entry.update(sha256=payload.digest.sha256, sha1=payload.digest.sha1, size=payload.digest.size)
            if module.type in ("page", "quiz"):
                rel = f"{'pages' if module.type == 'page' else 'quizzes'}/{payload.filename}"
                atomic_write(target / rel, payload.data or b"")
                entry["output"] = rel
            elif payload.path is not None:
                entry["source"] = str(payload.path.relative_to(pack.root.resolve()))
            if module.type == "url":
                entry["url"] = module.externalurl
        entries.append(entry)
    ready = sum(1 for m in course.modules if m.ready)
    manifest = {
        "manifest_version": MANIFEST_VERSION, "generator": f"certbridge {__version__}",
        "pack": {"id": pack.id, "title": pack.title, "version": pack.version},
        "course": {"shortname": course.shortname, "fullname": course.fullname,
                   "category": course.category, "target": course.target},
        "certificate": {"name": pack.certificate.name, "level": pack.certificate.level} if pack.certificate else None,
        "sections": [{"number": n, "title": t} for n, t in course.sections],
        "counts": {"planned_total": len(course.modules), "ready": ready},
        "resources": entries,
    }
    atomic_write(target / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
    return manifest
