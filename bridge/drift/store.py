"""Kept hand edits on disk: ``<state_dir>/drift/<site>/<course>/<idnumber>/<stamp>.<ext>``
and, beside it, ``<stamp>.json`` — the record (what changed, when and by whom Moodle
says, what certbridge wrote instead). Files are written to a temporary name, flushed to
disk and renamed, so a record never points at half a copy.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr

RECORD_VERSION = 1
DRIFT_DIR = "drift"


def drift_root(state_dir: Path) -> Path:
    return Path(state_dir) / DRIFT_DIR


def safe_part(text: str) -> str:
    """``text`` as one folder name: unsafe characters %-escaped (a course shortname may hold
    "/"; ":" is not allowed in Windows file names), never ``.`` or ``..``."""
    out = "".join(c if (c.isalnum() or c in "._+-" or (c == ":" and os.name != "nt")) else f"%{ord(c):02X}"
                  for c in text)
    if out.startswith("."):
        out = "%2E" + out[1:]
    return out or "%00"


@dataclass
class DriftRecord:
    """One kept hand edit. ``file`` is the kept copy's name beside the record ("" when only
    the title or description changed); ``overwritten`` says whether the sync then replaced
    Moodle's version (False: a conflict left in Moodle, or a write that failed)."""

    id: str
    site: str
    course: str
    pack: str
    resource: str
    idnumber: str
    modname: str
    cmid: int
    courseid: int
    changed: list[str]
    kept_at: float
    moodle: dict  # name, intro, fingerprint, timemodified, modifiedby, modifiedbyid, filename, questioncount
    certbridge: dict  # name, fingerprint: what the pack has (and the sync wrote, when overwritten)
    file: str = ""
    sha1: str = ""
    size: int = 0
    policy: str = "restore"
    run_id: str = ""
    pack_dir: str = ""  # the pack's folder when it was kept (where adopt looks first)
    overwritten: bool = False
    adopted_at: float | None = None
    adopted_into: list[str] = field(default_factory=list)
    version: int = RECORD_VERSION
    path: Path | None = field(default=None, compare=False)  # the record's JSON file (not stored)

    @property
    def copy_path(self) -> Path | None:
        return self.path.with_name(self.file) if self.path is not None and self.file else None

    @property
    def title(self) -> str:
        return self.moodle.get("name") or self.certbridge.get("name") or self.resource

    @property
    def status(self) -> str:
        if self.adopted_at is not None:
            return "adopted"
        return "overwritten" if self.overwritten else "in-moodle"

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("path")
        return data

    def listing(self) -> dict:
        """What ``drift list --format json`` shows for it."""
        return {"id": self.id, "site": self.site, "course": self.course, "idnumber": self.idnumber,
                "resource": self.resource, "modname": self.modname, "title": self.title, "changed": self.changed,
                "modified_at": self.moodle.get("timemodified") or None, "modified_by": self.moodle.get("modifiedby") or None,
                "kept_at": self.kept_at, "status": self.status,
                "path": str(self.copy_path or self.path)}


class DriftError(BridgeError):
    exit_code = ExitCode.INVALID_INPUT


def changed_words(changed: list[str]) -> str:
    """What changed, for people: ``content, title`` / ``内容、标题``."""
    words = {"content": tr("content", "内容"), "title": tr("title", "标题"), "description": tr("description", "描述")}
    return tr(", ", "、").join(words.get(c, c) for c in changed) or "-"


def record_id(site: str, course: str, idnumber: str, stamp: str) -> str:
    return hashlib.sha1(f"{site}\0{course}\0{idnumber}\0{stamp}".encode()).hexdigest()[:10]


def module_dir(root: Path, site: str, course: str, idnumber: str) -> Path:
    return root / safe_part(site) / safe_part(course) / safe_part(idnumber)


def new_stamp(folder: Path, now: float) -> str:
    """A UTC timestamp naming a new record in ``folder``, unique there."""
    base = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    stamp, n = base, 1
    while (folder / f"{stamp}.json").exists():
        n += 1
        stamp = f"{base}-{n}"
    return stamp


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file, flushed to disk, then renamed."""
    temp = path.with_name(f".{path.name}.tmp")
    try:
        with open(temp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def save(record: DriftRecord) -> None:
    assert record.path is not None
    atomic_write(record.path, (json.dumps(record.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


_NUMBER = (int, float)
#: The type of each stored field: a record is read from disk, which may be damaged.
_FIELD_TYPES = {"id": str, "site": str, "course": str, "pack": str, "resource": str, "idnumber": str, "modname": str,
                "cmid": int, "courseid": int, "changed": list, "kept_at": _NUMBER, "moodle": dict, "certbridge": dict,
                "file": str, "sha1": str, "size": int, "policy": str, "run_id": str, "pack_dir": str,
                "overwritten": bool, "adopted_at": (*_NUMBER, type(None)), "adopted_into": list, "version": int}


def _well_formed(data: object) -> bool:
    """A JSON object whose fields have their types; the copy's name stays beside the record."""
    if not isinstance(data, dict):
        return False
    for key, kind in _FIELD_TYPES.items():
        value = data.get(key)
        if key in data and (not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool)):
            return False
    lists = (data.get("changed", []), data.get("adopted_into", []))
    name = data.get("file", "")
    return all(isinstance(v, str) for items in lists for v in items) and "/" not in name and name not in (".", "..")


def load(path: Path) -> DriftRecord | None:
    """The record in ``path``; None for a file that is not a well-formed record."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not _well_formed(data):
        return None
    try:
        return DriftRecord(**{k: v for k, v in data.items() if k in _FIELD_TYPES}, path=path)
    except TypeError:  # a required field is missing
        return None


def list_records(root: Path, *, site: str | None = None, course: str | None = None) -> list[DriftRecord]:
    """Every record under ``root`` (one site's, one course's), oldest first."""
    base = root / safe_part(site) if site else root
    if course and site:
        base = base / safe_part(course)
    if not base.is_dir():
        return []
    records = [r for p in sorted(base.rglob("*.json")) if (r := load(p)) is not None]
    if course:
        records = [r for r in records if r.course == course]
    return sorted(records, key=lambda r: (r.kept_at, r.id))


def latest(folder: Path) -> DriftRecord | None:
    """The newest record of one module."""
    if not folder.is_dir():
        return None
    records = [r for p in folder.glob("*.json") if (r := load(p)) is not None]
    return max(records, key=lambda r: (r.kept_at, r.path.name), default=None)


def find(root: Path, ident: str) -> DriftRecord:
    """The record whose id starts with ``ident``; a clear error when none or several."""
    ident = ident.strip().lower()
    matches = [r for r in list_records(root) if r.id.startswith(ident)] if ident else []
    if not matches:
        raise DriftError(tr("No kept hand edit has the id {id} (in {root}).", "在 {root} 中没有 id 为 {id} 的已保留手工修改。",
                            id=ident, root=root),
                         hint=tr("certbridge drift list shows the ids.", "certbridge drift list 会列出所有 id。"))
    if len(matches) > 1:
        raise DriftError(tr("The id {id} matches {n} kept hand edits ({ids}); give more of it.",
                            "id {id} 匹配 {n} 条已保留的手工修改（{ids}）；请写得更完整些。",
                            id=ident, n=len(matches), ids=", ".join(r.id for r in matches)))
    return matches[0]


def hand_edit_counts(root: Path, site: str) -> dict[tuple[str, str], dict[str, int]]:
    """(site, course) → kept hand edits not adopted yet, and how many of them Moodle still holds."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for record in list_records(root, site=site):
        if record.adopted_at is None:
            counts = out.setdefault((site, record.course), {"kept": 0, "in_moodle": 0})
            counts["kept"] += 1
            counts["in_moodle"] += not record.overwritten
    return out


def remove(record: DriftRecord) -> None:
    if record.copy_path is not None:
        record.copy_path.unlink(missing_ok=True)
    if record.path is not None:
        record.path.unlink(missing_ok=True)
        for folder in (record.path.parent, record.path.parent.parent):
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break


def prune(root: Path, site: str, *, keep_days: int, keep_max: int, now: float | None = None,
          dry_run: bool = False) -> list[DriftRecord]:
    """Remove one site's records older than ``keep_days`` or beyond the newest ``keep_max``
    of a module (0 turns a rule off); return what was (or, dry, would be) removed."""
    now = time.time() if now is None else now
    by_module: dict[Path, list[DriftRecord]] = {}
    for record in list_records(root, site=site):
        by_module.setdefault(record.path.parent, []).append(record)
    removed: list[DriftRecord] = []
    for records in by_module.values():
        newest_first = sorted(records, key=lambda r: (r.kept_at, r.path.name), reverse=True)
        for i, record in enumerate(newest_first):
            too_many = keep_max > 0 and i >= keep_max
            too_old = keep_days > 0 and now - record.kept_at > keep_days * 86400
            if too_many or too_old:
                removed.append(record)
                if not dry_run:
                    remove(record)
    return sorted(removed, key=lambda r: (r.kept_at, r.id))
