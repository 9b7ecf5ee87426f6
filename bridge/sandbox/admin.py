"""Administrative knobs outside the web-service protocol: drift "by hand", limits, faults,
call records and state inspection. The same actions are served over HTTP at
``POST /_sandbox/admin`` (JSON ``{"action": …}``, header ``X-Sandbox-Admin``) for subprocesses."""
from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from bridge.sandbox import courses, files
from bridge.sandbox.faults import FaultInjector, FaultPlan
from bridge.sandbox.coursewrites import CourseWriteMonitor

#: The user id the sandbox gives a teacher's hand edits (no such account exists).
TEACHER_USERID = 4

if TYPE_CHECKING:
    from bridge.sandbox.store import Store


@dataclass(frozen=True)
class CallRecord:
    """One web-service, upload or download call as the sandbox saw it (status 0 = dropped)."""

    wsfunction: str
    write: bool
    status: int
    errorcode: str | None = None


class CallLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[CallRecord] = []

    def add(self, record: CallRecord) -> None:
        with self._lock:
            self._records.append(record)

    def snapshot(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    def reset(self) -> None:
        with self._lock:
            self._records.clear()


class SandboxAdmin:
    """Python API over the sandbox's state and switches (no call is counted for these)."""

    def __init__(self, store: Store, faults: FaultInjector, calls: CallLog, course_writes: CourseWriteMonitor):
        self._store, self._faults, self._calls, self._course_writes = store, faults, calls, course_writes

    # --- drift "by hand" ---------------------------------------------------------------

    def _cm(self, db, idnumber: str):
        row = db.execute("SELECT * FROM modules WHERE idnumber=? AND deletioninprogress=0 ORDER BY id DESC",
                         (idnumber,)).fetchone()
        if row is None:
            raise KeyError(f"no module with idnumber {idnumber!r}")
        return row

    def hide_module(self, idnumber: str) -> None:
        with self._store.write() as db:
            courses.set_module_visible(db, self._cm(db, idnumber)["id"], 0, 1)

    def show_module(self, idnumber: str) -> None:
        with self._store.write() as db:
            courses.set_module_visible(db, self._cm(db, idnumber)["id"], 1, 1)

    def stealth_module(self, idnumber: str) -> None:
        with self._store.write() as db:
            courses.set_module_visible(db, self._cm(db, idnumber)["id"], 1, 0)

    def delete_module(self, idnumber: str) -> None:
        with self._store.write() as db:
            courses.delete_module(db, self._cm(db, idnumber)["id"])

    def set_module_content(self, idnumber: str, content: str | bytes, by: str = "Sandbox Teacher") -> None:
        """Change what a module holds: page content, URL, label text, resource file bytes;
        for a quiz, drops its last question (so its fingerprint no longer matches the import).
        ``by`` names the teacher who did it (what ``export_module`` reports as ``modifiedby``)."""
        with self._store.write() as db:
            cm = self._cm(db, idnumber)
            self._edited_by(db, cm["id"], by)
            text = content.decode("utf-8") if isinstance(content, bytes) and cm["modname"] != "resource" else content
            column = {"page": "content", "url": "externalurl", "label": "intro"}.get(cm["modname"])
            if column:
                db.execute(f"UPDATE modules SET {column}=?, timemodified=? WHERE id=?", (text, int(time.time()), cm["id"]))
                if cm["modname"] == "label":
                    db.execute("UPDATE modules SET name=? WHERE id=?", (courses.label_name(text), cm["id"]))
            elif cm["modname"] == "resource":
                data = content if isinstance(content, bytes) else content.encode("utf-8")
                contenthash = files.put_bytes(self._store, data)
                db.execute("UPDATE files SET contenthash=?, filesize=?, timemodified=? WHERE contextid=?"
                           " AND component='mod_resource' AND filearea='content' AND sortorder=1",
                           (contenthash, len(data), int(time.time()), cm["contextid"]))
            elif cm["modname"] == "quiz":
                db.execute("DELETE FROM questions WHERE id=(SELECT MAX(id) FROM questions WHERE cmid=?)", (cm["id"],))
            courses.refresh_fingerprint(db, cm["id"])

    def rename_module(self, idnumber: str, name: str, by: str = "Sandbox Teacher") -> None:
        """Rename a module by hand (its title)."""
        with self._store.write() as db:
            cm = self._cm(db, idnumber)
            self._edited_by(db, cm["id"], by)
            db.execute("UPDATE modules SET name=?, timemodified=? WHERE id=?", (name, int(time.time()), cm["id"]))

    @staticmethod
    def _edited_by(db, cmid: int, by: str) -> None:
        if by:
            courses.set_editor(db, cmid, TEACHER_USERID, by)

    def hide_section(self, courseid: int, number: int) -> None:
        self._section_visibility(courseid, number, 0)

    def show_section(self, courseid: int, number: int) -> None:
        self._section_visibility(courseid, number, 1)

    def _section_visibility(self, courseid: int, number: int, visible: int) -> None:
        with self._store.write() as db:
            row = db.execute("SELECT id FROM sections WHERE course=? AND section=?", (courseid, number)).fetchone()
            if row is None:
                raise KeyError(f"course {courseid} has no section {number}")
            courses.set_section_visible(db, row[0], visible)

    # --- site settings and faults -------------------------------------------------------

    def set_maxbytes(self, n: int) -> None:
        """Site upload limit in bytes (0 = none); larger uploads get ``fileoversized``."""
        self._store.set_meta("maxbytes", str(int(n)))

    def set_debug(self, on: bool) -> None:
        """Developer debugging: errors then carry ``debuginfo``, as on a site with debugging on."""
        self._store.set_meta("debug", "1" if on else "0")

    def set_faults(self, plan: FaultPlan) -> None:
        self._faults.set(plan)

    def clear_faults(self) -> None:
        self._faults.clear()

    def set_course_write_policy(self, policy: str) -> None:
        """Two module writes in flight for one course: ``"detect"`` (record the overlap, answer
        both) or ``"fail"`` (refuse the second with Moodle's database error), see coursewrites.py."""
        self._course_writes.set_policy(policy)

    # --- records and state --------------------------------------------------------------

    def course_write_overlaps(self) -> list[dict[str, Any]]:
        """Module writes that arrived while another write to the same course was in flight."""
        return self._course_writes.overlaps()

    def reset_course_write_overlaps(self) -> None:
        self._course_writes.reset()

    def calls(self) -> list[CallRecord]:
        return self._calls.snapshot()

    def reset_calls(self) -> None:
        self._calls.reset()

    def courses(self) -> list[dict[str, Any]]:
        with self._store.read() as db:
            return [dict(r) for r in db.execute("SELECT * FROM courses ORDER BY id")]

    def modules(self, courseid: int | None = None) -> list[dict[str, Any]]:
        sql = ("SELECT m.*, s.section AS sectionnum, s.visible AS sectionvisible FROM modules m"
               " JOIN sections s ON s.id = m.section")
        with self._store.read() as db:
            rows = db.execute(sql + (" WHERE m.course=?" if courseid else "") + " ORDER BY m.id",
                              (courseid,) if courseid else ()).fetchall()
            return [dict(r) for r in rows]

    def questions(self, cmid: int) -> list[dict[str, Any]]:
        with self._store.read() as db:
            return [dict(r) for r in db.execute("SELECT * FROM questions WHERE cmid=? ORDER BY slot", (cmid,))]

    # --- over HTTP ----------------------------------------------------------------------

    def perform(self, body: dict[str, Any]) -> Any:
        """Run one JSON action (``{"action": "hide_module", "idnumber": …}``); return JSON-able data."""
        args = dict(body)
        action = args.pop("action", None)
        if action == "set_faults":
            return self.set_faults(FaultPlan(**args))
        if action == "calls":
            return [asdict(c) for c in self.calls()]
        if action not in _HTTP_ACTIONS:
            raise ValueError(f"unknown admin action {action!r}")
        return getattr(self, action)(**args)


_HTTP_ACTIONS = frozenset({
    "hide_module", "show_module", "stealth_module", "delete_module", "set_module_content", "rename_module",
    "hide_section",
    "show_section", "set_maxbytes", "set_debug", "clear_faults", "reset_calls", "courses", "modules", "questions",
    "set_course_write_policy", "course_write_overlaps", "reset_course_write_overlaps"})
