"""What a run tells people while it works: a progress bar on a terminal, one line per
course otherwise, or JSON lines (``--log-format json``) for the nightly job's log.

Failures are grouped by kind, so a bad token or a missing capability is explained once
with its fix, not once per resource.
"""
from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import IO

from bridge.i18n import tr
from bridge.moodle.errors import AmbiguousWrite, FileTooLarge
from bridge.sync import planner as P
from bridge.textwidth import printable
from bridge.sync.executor import ActionResult


@dataclass
class FailureGroup:
    kind: str  # error class name (+ Moodle errorcode)
    message: str  # the first one's message
    hint: str | None
    idnumbers: list[str] = field(default_factory=list)


def _default_hint(err: BaseException | None) -> str | None:
    """A fix for errors the client raises without one."""
    if isinstance(err, FileTooLarge):
        return tr("Raise the site's limit (Site administration > Security > Site security settings > Maximum "
                  "uploaded file size, and PHP's upload_max_filesize/post_max_size), or make the file smaller.",
                  "请提高站点上限（网站管理 > 安全 > 网站安全设置 > 最大上传文件大小，以及 PHP 的 "
                  "upload_max_filesize/post_max_size），或减小文件。")
    if isinstance(err, AmbiguousWrite):
        return tr("Run the sync again: it re-reads Moodle by idnumber and finishes what is missing.",
                  "请再次运行同步：它会按 idnumber 重新读取 Moodle，并补完缺少的部分。")
    return None


def group_failures(failed: list[ActionResult]) -> list[FailureGroup]:
    """Failures grouped by error kind, each group with one message and one fix."""
    groups: dict[str, FailureGroup] = {}
    for result in failed:
        err = result.error
        code = getattr(err, "errorcode", "") or ""
        key = f"{type(err).__name__}:{code}" if code else type(err).__name__
        group = groups.get(key)
        if group is None:
            group = groups[key] = FailureGroup(key, str(getattr(err, "message", err)),
                                               getattr(err, "hint", None) or _default_hint(err))
        group.idnumbers.append(result.action.idnumber or result.shortname)
    return list(groups.values())


def course_line(plan: P.CoursePlan, results: list[ActionResult], courseid: int | None = None) -> dict:
    """One course's outcome: counts of what was done (or, with no results, planned).
    ``courseid``: the course's id once known (a course this run created has none in the plan)."""
    counts = plan.counts()
    failed = [r for r in results if not r.ok and not r.skipped]
    skipped = [r for r in results if r.skipped]
    for r in results:
        if not r.ok and r.action.kind in counts:
            counts[r.action.kind] -= 1
    # Called once the course's actions ran. The executor reports a course step only when it
    # failed or was skipped, so a planned creation with no such result was done.
    created = (any(a.kind == P.CREATE_COURSE for a in plan.course_actions)
               and not any(r.action.kind == P.CREATE_COURSE for r in results))
    return {"course": plan.shortname, "pack": plan.pack_id, "courseid": courseid or plan.courseid,
            "created_course": created,
            **counts, "failed": len(failed), "skipped": len(skipped), "error": plan.error or None}


class Reporter:
    """Silent base: the CLI picks ``TextReporter`` or ``JsonReporter``."""

    def start(self, site: str, total: int) -> None: ...

    def action(self, shortname: str, result: ActionResult) -> None: ...

    def course(self, line: dict) -> None: ...

    def message(self, text: str, level: str = "info") -> None: ...

    def failure_group(self, group: FailureGroup) -> None: ...

    def kept(self, record: dict) -> None:
        """A hand edit kept (``bridge.drift.store.DriftRecord.listing`` + ``overwritten``)."""

    def finish(self, summary: dict) -> None: ...

    def error(self, err: BaseException, exit_code: int, site: str | None = None) -> None:
        """An error that stopped the run (of one site, with ``site``)."""


def describe_counts(line: dict) -> str:
    """What a run did: created, updated, … failed."""
    text = tr("{create} created, {update} updated, {hide} hidden, {delete} deleted, {unchanged} unchanged, "
              "{drift} drift left, {failed} failed",
              "新建 {create}，更新 {update}，隐藏 {hide}，删除 {delete}，未变 {unchanged}，保留漂移 {drift}，失败 {failed}",
              **{k: line.get(k, 0) for k in ("create", "update", "hide", "delete", "unchanged", "drift", "failed")})
    return text + _conflicts(line)


def _conflicts(line: dict) -> str:
    n = line.get(P.CONFLICT, 0)
    return tr(", {n} conflict(s) (hand edits kept in Moodle)", "，冲突 {n}（手工修改保留在 Moodle 中）", n=n) if n else ""


def describe_plan_counts(line: dict) -> str:
    """What a run would do (nothing has failed yet): to create, to update, …"""
    return tr("{create} to create, {update} to update, {hide} to hide, {delete} to delete, {unchanged} unchanged, "
              "{drift} drift to leave",
              "待新建 {create}，待更新 {update}，待隐藏 {hide}，待删除 {delete}，未变 {unchanged}，保留漂移 {drift}",
              **{k: line.get(k, 0) for k in ("create", "update", "hide", "delete", "unchanged", "drift")}) + _conflicts(line)


def kept_text(record: dict) -> str:
    """One kept hand edit, for people: what, whose, where the copy is, what to do."""
    who = tr(" by {who}", "（{who}）", who=record["modified_by"]) if record.get("modified_by") else ""
    from bridge.drift.store import changed_words

    what = changed_words(record["changed"])
    if record.get("overwritten"):
        text = tr("{course} {res}: the hand edit{who} ({what}) was overwritten by the pack's version; Moodle's version "
                  "is kept in {path}", "{course} {res}：手工修改{who}（{what}）已被资源包的版本覆盖；Moodle 中的版本已保存到 {path}",
                  course=record["course"], res=record["resource"], who=who, what=what, path=record["path"])
    else:
        text = tr("{course} {res}: hand edit{who} ({what}) left in Moodle (drift = \"protect\"): conflict; a copy is in "
                  "{path}", "{course} {res}：手工修改{who}（{what}）保留在 Moodle 中（drift = \"protect\"）：冲突；副本在 {path}",
                  course=record["course"], res=record["resource"], who=who, what=what, path=record["path"])
    return text + "\n  " + tr("certbridge drift show {id} · certbridge drift adopt {id} (into the pack)",
                              "certbridge drift show {id} · certbridge drift adopt {id}（写回资源包）", id=record["id"])


def error_text(err: BaseException, site: str | None = None) -> str:
    """A run-stopping error as people read it: the message, then its fix."""
    message = str(getattr(err, "message", err))
    text = tr("{site}: error: {msg}", "{site}：错误：{msg}", site=site, msg=message) if site else \
        tr("Error: {msg}", "错误：{msg}", msg=message)
    hint = getattr(err, "hint", None)
    return f"{text}\n{hint}" if hint else text


class TextReporter(Reporter):
    """Human output on ``out`` (stderr): a bar when it is a terminal, else a line per course."""

    def __init__(self, out: IO[str] | None = None, *, tty: bool | None = None):
        self.out = out or sys.stderr
        self.tty = self.out.isatty() if tty is None else tty
        self.total = 0
        self.done = 0
        self._lock = threading.Lock()

    def _write(self, text: str) -> None:
        with self._lock:
            if self.tty and self.total:
                self.out.write("\r\033[K")
            self.out.write(printable(text) + "\n")
            self._bar()
            self.out.flush()

    def _bar(self) -> None:
        if self.tty and self.total:
            width = 30
            filled = int(width * self.done / self.total)
            self.out.write(f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")

    def start(self, site: str, total: int) -> None:
        self.total = total
        self.done = 0

    def action(self, shortname: str, result: ActionResult) -> None:
        with self._lock:
            self.done += 1
            if self.tty and self.total:
                self.out.write("\r\033[K")
                self._bar()
                self.out.flush()

    def course(self, line: dict) -> None:
        prefix = tr("course created; ", "已新建课程；") if line.get("created_course") else ""
        self._write(f"{line['course']}: {prefix}{describe_counts(line)}")

    def message(self, text: str, level: str = "info") -> None:
        self._write(text)

    def failure_group(self, group: FailureGroup) -> None:
        shown = ", ".join(group.idnumbers[:5]) + (" …" if len(group.idnumbers) > 5 else "")
        text = tr("{n} failed: {message}\n  ({which})", "{n} 项失败：{message}\n  （{which}）",
                  n=len(group.idnumbers), message=group.message, which=shown)
        if group.hint:
            text += "\n  " + group.hint
        self._write(text)

    def kept(self, record: dict) -> None:
        self._write(kept_text(record))

    def finish(self, summary: dict) -> None:
        if self.tty and self.total:
            with self._lock:
                self.out.write("\r\033[K")
                self.total = 0
        self._write(tr("{site}: {counts}", "{site}：{counts}", site=summary["site"],
                       counts=describe_counts(summary["summary"])))

    def error(self, err: BaseException, exit_code: int, site: str | None = None) -> None:
        if self.tty and self.total:
            with self._lock:
                self.out.write("\r\033[K")
                self.total = 0
        self._write(error_text(err, site))


class JsonReporter(Reporter):
    """One JSON object per line on ``out``: events ``message``, ``course``, ``failure``,
    ``failure_group``, ``summary``, and ``error`` for what stopped a run."""

    def __init__(self, out: IO[str] | None = None):
        self.out = out or sys.stderr
        self._lock = threading.Lock()

    def _emit(self, event: str, **data) -> None:
        with self._lock:
            self.out.write(json.dumps({"ts": round(time.time(), 3), "event": event, **data}, ensure_ascii=False) + "\n")
            self.out.flush()

    def action(self, shortname: str, result: ActionResult) -> None:
        if not result.ok and not result.skipped:
            self._emit("failure", course=shortname, idnumber=result.action.idnumber, kind=result.action.kind,
                       error=type(result.error).__name__, message=str(getattr(result.error, "message", result.error)))

    def course(self, line: dict) -> None:
        self._emit("course", **line)

    def message(self, text: str, level: str = "info") -> None:
        self._emit("message", level=level, message=text)

    def failure_group(self, group: FailureGroup) -> None:
        self._emit("failure_group", kind=group.kind, message=group.message, hint=group.hint, count=len(group.idnumbers),
                   idnumbers=group.idnumbers)

    def kept(self, record: dict) -> None:
        self._emit("kept", **record)

    def finish(self, summary: dict) -> None:
        self._emit("summary", **summary)

    def error(self, err: BaseException, exit_code: int, site: str | None = None) -> None:
        self._emit("error", site=site, error=type(err).__name__, message=str(getattr(err, "message", err)),
                   hint=getattr(err, "hint", None), exit_code=exit_code)
