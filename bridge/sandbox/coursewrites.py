"""The rule a real Moodle needs and the sandbox cannot otherwise show: never two module
writes to the same course at once.

On PostgreSQL, concurrent creates in one course can collide (a request reads a module
another has not committed yet from the shared course cache and creates its context a
second time: "duplicate key value violates unique constraint mdl_cont_conins_uix"). The
plugin serialises its own writes per course with Moodle's lock API, and the client runs
one chain of writes per course. The sandbox serialises every write anyway, so it watches
the rule instead: each module write is tracked from the moment its request arrives until
it is answered (injected latency included), and a second write to a course that already
has one in flight is an **overlap**, recorded (``SandboxAdmin.course_write_overlaps``)
and, with the policy ``"fail"``, refused as Moodle's database error would refuse it.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bridge.sandbox.errors import WSError

#: Writes to a course's modules or sections, and where each names its course: a
#: parameter holding the course id, or ``cm:`` + one holding a module id.
COURSE_WRITES = {
    "local_certbridge_upsert_module": "courseid",
    "local_certbridge_upsert_modules": "courseid",
    "local_certbridge_delete_module": "courseid",
    "local_certbridge_ensure_sections": "courseid",
    "local_certbridge_import_questions": "cm:cmid",
    "core_course_edit_module": "cm:id",
    "core_course_delete_modules": "cm:cmids[0]",
}
POLICIES = ("detect", "fail")


def write_refused() -> WSError:
    """What Moodle answered when two creates in one course collided."""
    return WSError("dml_write_exception", "dmlwriteexception", "Error writing to database",
                   'ERROR:  duplicate key value violates unique constraint "mdl_cont_conins_uix"')


class CourseWriteMonitor:
    """Tracks module writes in flight per course. ``course_of_cm`` maps a module id to
    its course id (None when unknown)."""

    def __init__(self, course_of_cm: Callable[[int], int | None]):
        self._course_of_cm = course_of_cm
        self._lock = threading.Lock()
        self._in_flight: dict[int, int] = {}
        self._overlaps: list[dict[str, Any]] = []
        self.policy = "detect"

    def set_policy(self, policy: str) -> None:
        if policy not in POLICIES:
            raise ValueError(f"policy must be one of {', '.join(POLICIES)}, not {policy!r}")
        self.policy = policy

    def course_of(self, wsfunction: str, pairs: list[tuple[str, str]]) -> int | None:
        """The course a call writes to, from its raw (flattened) parameters; None for other calls."""
        where = COURSE_WRITES.get(wsfunction)
        if where is None:
            return None
        key = where.removeprefix("cm:")
        value = next((v for k, v in pairs if k == key), "")
        try:
            number = int(value)
        except ValueError:
            return None  # the function itself will refuse the parameters
        return self._course_of_cm(number) if where.startswith("cm:") else number

    @contextmanager
    def track(self, wsfunction: str, pairs: list[tuple[str, str]]) -> Iterator[WSError | None]:
        """Around one request: yields the error to answer when the policy refuses an overlap, else None."""
        course = self.course_of(wsfunction, pairs)
        if course is None:
            yield None
            return
        with self._lock:
            busy = self._in_flight.get(course, 0)
            if busy:
                self._overlaps.append({"courseid": course, "wsfunction": wsfunction, "in_flight": busy})
            self._in_flight[course] = busy + 1
        try:
            yield write_refused() if busy and self.policy == "fail" else None
        finally:
            with self._lock:
                self._in_flight[course] -= 1
                if not self._in_flight[course]:
                    del self._in_flight[course]

    def in_flight(self, courseid: int) -> int:
        """How many writes to the course are in flight now."""
        with self._lock:
            return self._in_flight.get(courseid, 0)

    def overlaps(self) -> list[dict[str, Any]]:
        """Every overlap seen since the last reset: ``courseid``, ``wsfunction``, ``in_flight``."""
        with self._lock:
            return list(self._overlaps)

    def reset(self) -> None:
        with self._lock:
            self._overlaps.clear()
