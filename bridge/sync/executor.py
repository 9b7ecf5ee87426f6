"""The executor: applies planned actions to Moodle. It never decides what to do (the
planner did); it decides only how to survive the network.

- Uploads and module writes run on a thread pool (``workers`` per site). Every upload
  is started first; then each course's own step (course, sections), then per section
  one chain of the writes that place modules, in pack order so they land in the right
  place, while the other writes (content/title updates, hides) run beside them.
- Every finished action is journalled together with its module row in one transaction,
  so a killed run loses at most the actions in flight, which the next run's snapshot
  (read by idnumber) finds or redoes.
- A write whose outcome is unknown (timeout, connection reset, 5xx) is never blindly
  retried: the course's modules are re-read by idnumber and the action counts as done
  when Moodle already shows its effect. Only then, and only when a retry cannot create
  a second module (the idnumber exists, or the server answered so nothing is in flight),
  is it sent once more.
- Deletions run last and only when nothing failed.
"""
from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bridge.errors import ExitCode
from bridge.i18n import tr
from bridge.moodle.compat import PLANS_PLUGIN_VERSION
from bridge.moodle.errors import AmbiguousWrite, MoodleError, NotFound, ServerError, ShortnameTaken
from bridge.moodle.types import RemoteModule
from bridge.render.desired import DesiredCourse, DesiredModule, Payload
from bridge.sync import planner as P
from bridge.sync.state import ModuleRow, StateStore

#: Module types whose content travels as an uploaded file (the resource's file, the quiz XML).
UPLOADED = ("resource", "quiz")
#: Errors after which nothing else can work on this site (or be recorded): stop scheduling.
FATAL_EXIT_CODES = (ExitCode.SITE_ERROR, ExitCode.STATE_ERROR)


@dataclass
class ActionResult:
    shortname: str
    action: P.Action
    ok: bool
    error: BaseException | None = None
    skipped: bool = False  # not attempted (run aborted, course failed, deletes held back)
    note: str = ""
    kept: object = None  # the hand edit kept before this write overwrote it (bridge.drift.store.DriftRecord)


@dataclass
class CourseJob:
    """One course to apply: its desired state, its plan, and (once known) its id."""

    desired: DesiredCourse
    plan: P.CoursePlan
    courseid: int | None = None
    results: list[ActionResult] = field(default_factory=list)
    pending: int = 0
    # Uploads started ahead of the module writes that use them, by idnumber.
    uploads: dict[str, Future] = field(default_factory=dict)
    side: list[Future] = field(default_factory=list)  # writes running beside the course chain

    @property
    def failed(self) -> list[ActionResult]:
        return [r for r in self.results if not r.ok and not r.skipped]


def _plan_actions(job: CourseJob) -> list[P.Action]:
    return [a for a in job.plan.course_actions if a.kind == P.SET_PLAN]


def _ordered(action: P.Action) -> bool:
    """Actions that place a module (and so must follow pack order within the course)."""
    return action.kind == P.CREATE or (action.kind == P.UPDATE and bool(
        {P.DRIFT_DELETED, P.SECTION, P.TYPE} & set(action.reasons)))


class Executor:
    """Applies the plans of one site's courses. ``on_result`` is called (from worker
    threads, serialised) after each action; ``on_course`` when a course is finished."""

    def __init__(self, client, store: StateStore, run_id: str, *, workers: int = 2,
                 on_result: Callable[[CourseJob, ActionResult], None] | None = None,
                 on_course: Callable[[CourseJob], None] | None = None,
                 clock: Callable[[], float] = time.time, tmp_root: Path | None = None,
                 keeper=None):
        self.client = client
        # Keeps a hand edit before a write overwrites it (bridge.drift.keep.Keeper); a keep
        # that fails fails that action only.
        self.keeper = keeper
        self.store = store
        self.run_id = run_id
        self.workers = max(1, int(workers))
        self.on_result = on_result or (lambda job, result: None)
        self.on_course = on_course or (lambda job: None)
        self.clock = clock
        self.aborted: BaseException | None = None
        self._report_lock = threading.Lock()
        self._categories: list[dict] | None = None
        self._category_lock = threading.Lock()
        if tmp_root is not None:
            # Whatever is there was left by a killed run: this one holds the site's lock.
            shutil.rmtree(tmp_root, ignore_errors=True)
            tmp_root.mkdir(parents=True, exist_ok=True)
        self._tmp = tempfile.TemporaryDirectory(prefix="certbridge-", dir=tmp_root)
        self._tmp_root = tmp_root

    # -- the run -------------------------------------------------------------------

    def apply(self, jobs: list[CourseJob], *, allow_deletes: bool = True) -> list[CourseJob]:
        """Apply every job's actions; deletions last, and only if nothing failed."""
        try:
            with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="certbridge") as pool:
                try:
                    self._apply(pool, jobs, allow_deletes)
                except KeyboardInterrupt as err:
                    self.aborted = err  # in-flight actions finish (and are journalled); queued ones never start
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
        finally:
            self._tmp.cleanup()
            if self._tmp_root is not None:
                shutil.rmtree(self._tmp_root, ignore_errors=True)
        return jobs

    def _apply(self, pool: ThreadPoolExecutor, jobs: list[CourseJob], allow_deletes: bool) -> None:
        for job in jobs:
            # +1: the course step; a plan to store is one more action, run beside the modules.
            job.pending = len([a for a in job.plan.module_actions if a.writes]) + 1 + len(_plan_actions(job))
            for action in job.plan.module_actions:
                if action.sends_content and action.module.modname in UPLOADED:
                    job.uploads[action.idnumber] = pool.submit(self._upload, action.module.payload)
        self._wait_all([pool.submit(self._course_chain, job, pool) for job in jobs])
        self._wait_all([future for job in jobs for future in job.side])
        held = any(job.failed for job in jobs) or self.aborted is not None or not allow_deletes
        deletes = []
        for job in jobs:
            for action in job.plan.module_actions:
                if action.kind != P.DELETE:
                    continue
                if held:
                    note = tr("held back: deletions run only after a run without errors",
                              "已暂缓：仅在无错误的运行之后才删除")
                    self._finish(job, ActionResult(job.plan.shortname, action, False, skipped=True, note=note))
                else:
                    deletes.append(pool.submit(self._guard, job, action, self._delete))
        self._wait_all(deletes)
        for job in jobs:
            for upload in job.uploads.values():
                upload.cancel()

    @staticmethod
    def _wait_all(futures: list[Future]) -> None:
        for future in futures:
            future.result()

    def _course_chain(self, job: CourseJob, pool: ThreadPoolExecutor) -> None:
        """The course and its sections, then its placing writes in pack order; the other
        writes are handed to the pool."""
        writes = [a for a in job.plan.module_actions if a.writes and a.kind != P.DELETE]
        job.courseid = job.plan.courseid
        try:
            if self.aborted is not None:
                raise _Skip()
            for action in job.plan.course_actions:
                if action.kind == P.SET_PLAN:
                    continue  # needs the course id only: run beside the modules below
                if action.kind == P.CREATE_COURSE:
                    job.courseid = self._create_course(job.desired)
                    self.store.save_course(job.desired.shortname, job.desired.pack_id, job.courseid)
                    self.store.record_action(self.run_id, job.desired.shortname, "", action.kind, "done",
                                             detail=str(job.courseid))
                elif action.kind == P.ENSURE_SECTIONS:
                    self._retry_idempotent(lambda: self.client.ensure_sections(job.courseid, job.desired.sections))
                    self.store.save_course(job.desired.shortname, job.desired.pack_id, job.courseid,
                                           job.desired.sections)
                    self.store.record_action(self.run_id, job.desired.shortname, "", action.kind, "done")
        except Exception as err:  # noqa: BLE001 - every failure is reported, none escapes
            skipped = isinstance(err, _Skip)
            if not skipped:
                self._note_fatal(err)
                self.store.record_action(self.run_id, job.desired.shortname, "", "course", "failed",
                                         detail=str(getattr(err, "message", err)))
            for action in job.plan.course_actions:
                if action.kind == P.SET_PLAN:
                    writes.append(action)  # counted like a module write: skipped below
                    continue
                self._finish(job, ActionResult(job.plan.shortname, action, False, None if skipped else err,
                                               skipped=skipped), count=False)
            for action in writes:
                self._finish(job, ActionResult(job.plan.shortname, action, False, skipped=True,
                                               note=tr("the course step failed", "课程步骤失败")))
            self._finish_course_step(job)
            return
        # Placement only matters within a section: one chain per section, all in parallel.
        # Never wait for them here: with every worker waiting, that would deadlock.
        chains: dict[int, list[P.Action]] = {}
        for action in writes:
            if _ordered(action):
                chains.setdefault(action.module.section, []).append(action)
        job.side = [pool.submit(self._guard, job, a, self._set_plan) for a in _plan_actions(job)]
        job.side += [pool.submit(self._guard, job, a, self._module_action) for a in writes if not _ordered(a)]
        job.side += [pool.submit(self._section_chain, job, chain) for chain in chains.values()]
        self._finish_course_step(job)

    def _section_chain(self, job: CourseJob, actions: list[P.Action]) -> None:
        for action in actions:
            self._guard(job, action, self._module_action)

    def _finish_course_step(self, job: CourseJob) -> None:
        with self._report_lock:
            job.pending -= 1
            done = job.pending == 0
        if done:
            self.on_course(job)

    def _guard(self, job: CourseJob, action: P.Action, work: Callable) -> None:
        """Run one action; turn any failure into a result, never an exception."""
        try:
            if self.aborted is not None:
                raise _Skip()
            kept = work(job, action)
        except Exception as err:  # noqa: BLE001
            skipped = isinstance(err, _Skip)
            if not skipped:
                self._note_fatal(err)
                self.store.record_action(self.run_id, job.plan.shortname, action.idnumber, action.kind, "failed",
                                         detail=str(getattr(err, "message", err)))
            self._finish(job, ActionResult(job.plan.shortname, action, False, None if skipped else err,
                                           skipped=skipped))
            return
        self._finish(job, ActionResult(job.plan.shortname, action, True, kept=kept))

    def _note_fatal(self, err: BaseException) -> None:
        if getattr(err, "exit_code", None) in FATAL_EXIT_CODES and self.aborted is None:
            self.aborted = err

    def _finish(self, job: CourseJob, result: ActionResult, *, count: bool = True) -> None:
        with self._report_lock:
            job.results.append(result)
            self.on_result(job, result)
            if count:
                job.pending -= 1
                done = job.pending == 0
            else:
                done = False
        if done:
            self.on_course(job)

    # -- course and categories -----------------------------------------------------

    def _set_plan(self, job: CourseJob, action: P.Action) -> None:
        """Store the course plan for the in-Moodle report; a plugin too old to keep plans
        is left alone (the report inside Moodle then needs a plugin upgrade)."""
        if self.client.require_plugin().plugin_version < PLANS_PLUGIN_VERSION:
            return
        assert job.courseid is not None and job.desired.plan is not None
        self._retry_idempotent(lambda: self.client.set_course_plan(job.courseid, job.desired.plan))
        self.store.record_action(self.run_id, job.plan.shortname, "", action.kind, "done",
                                 detail=job.desired.plan["fingerprint"])

    def _create_course(self, desired: DesiredCourse) -> int:
        categoryid = self._category_id(desired.category)
        try:
            created = self.client.create_course(desired.shortname, desired.fullname, categoryid,
                                                summary=desired.summary)
            return int(created["id"])
        except (AmbiguousWrite, ServerError, ShortnameTaken) as err:
            # Maybe it was created (by us just now, or by an interrupted run): look.
            found = self.client.get_course_by_shortname(desired.shortname)
            if found is not None:
                return int(found["id"])
            if isinstance(err, AmbiguousWrite):
                raise
            created = self.client.create_course(desired.shortname, desired.fullname, categoryid,
                                                summary=desired.summary)
            return int(created["id"])

    def _category_id(self, path: list[str]) -> int:
        """The id of the category at ``path`` (names from the top), creating what is missing."""
        with self._category_lock:
            if self._categories is None:
                self._categories = self.client.get_categories()
            parent = 0
            for name in path:
                match = next((c for c in self._categories
                              if c.get("name") == name and int(c.get("parent", 0)) == parent), None)
                if match is None:
                    try:
                        match = self.client.create_category(name, parent)
                    except (AmbiguousWrite, ServerError):
                        self._categories = self.client.get_categories()
                        match = next((c for c in self._categories
                                      if c.get("name") == name and int(c.get("parent", 0)) == parent), None)
                        if match is None:
                            raise
                    match = {"id": match["id"], "name": name, "parent": parent}
                    self._categories.append(match)
                parent = int(match["id"])
            return parent or 1

    # -- modules -------------------------------------------------------------------

    def _module_action(self, job: CourseJob, action: P.Action):
        if action.kind == P.HIDE:
            self._set_visible(job, action, False)
            return None
        if action.only_visibility:
            self._set_visible(job, action, action.module.visible)
            return None
        return self._upsert(job, action)

    def _row(self, job: CourseJob, d: DesiredModule, cmid: int, fingerprint: str) -> ModuleRow:
        return ModuleRow(d.idnumber, job.desired.pack_id, cmid, d.modname, fingerprint, d.name, d.visible,
                         d.section, self.clock())

    def _done(self, job: CourseJob, action: P.Action, row: ModuleRow | None = None, forget: str | None = None,
              detail: str = "") -> None:
        self.store.record_action(self.run_id, job.plan.shortname, action.idnumber, action.kind, "done",
                                 detail=detail or ",".join(action.reasons), module=row, forget=forget)

    def _upsert(self, job: CourseJob, action: P.Action):
        """Write the module; return the hand edit kept before overwriting it, if any."""
        d = action.module
        assert d is not None and job.courseid is not None
        kept = None
        if self.keeper is not None and action.overwrites_hand_edit:
            kept = self.keeper.keep(job.plan.shortname, job.desired.pack_id, job.courseid, action)
        draftitemid, filename = 0, ""
        if d.modname == "resource" and action.sends_content:
            draftitemid, filename = job.uploads[d.idnumber].result()
        if P.TYPE in action.reasons:
            self._retry_idempotent(lambda: self.client.delete_module(job.courseid, d.idnumber, job.plan.prefix))
        position = action.position if _ordered(action) else -1
        cmid, fingerprint = self._write_module(job, d, lambda: self.client.upsert_module(
            job.courseid, idnumber=d.idnumber, modname=d.modname, section=d.section, name=d.name,
            intro=d.intro, visible=d.visible, position=position, content=d.content,
            externalurl=d.externalurl, draftitemid=draftitemid, filename=filename))
        if d.modname == "quiz" and action.sends_content:
            xml_itemid, xml_name = job.uploads[d.idnumber].result()
            imported = self._retry_idempotent(
                lambda: self.client.import_questions(cmid, draftitemid=xml_itemid, filename=xml_name))
            fingerprint = imported.fingerprint
        note = ""
        if d.fingerprint and fingerprint and fingerprint != d.fingerprint:
            note = tr("Moodle reports fingerprint {got}, expected {want}", "Moodle 报告的指纹为 {got}，预期 {want}",
                      got=fingerprint, want=d.fingerprint)
        self._done(job, action, self._row(job, d, cmid, fingerprint), detail=note)
        if kept is not None:
            self.keeper.overwritten(kept, fingerprint)
        return kept

    def _write_module(self, job: CourseJob, d: DesiredModule, send: Callable) -> tuple[int, str]:
        """Send an upsert; after an unknown outcome, read back by idnumber before any resend."""
        try:
            result = send()
            return result.cmid, result.fingerprint
        except (AmbiguousWrite, ServerError) as err:
            remote = self._reread(job, d.idnumber)
            if remote is not None and not P.module_differences(d, remote, None):
                return remote.cmid, remote.fingerprint
            in_flight = isinstance(err, AmbiguousWrite)
            if remote is None and in_flight:
                # The first request may still be creating it: a resend could make a second one.
                raise AmbiguousWrite(
                    tr("{idnumber}: the write's outcome is unknown and the module is not there (yet); "
                       "the next run will check it by idnumber.",
                       "{idnumber}：写操作结果未知，模块（尚）不存在；下次运行会按 idnumber 检查。", idnumber=d.idnumber),
                    function=err.function) from err
            result = send()  # the module exists (update in place) or the server answered: safe
            return result.cmid, result.fingerprint

    def _set_visible(self, job: CourseJob, action: P.Action, visible: bool) -> None:
        remote = action.remote
        assert remote is not None
        try:
            self.client.edit_module("show" if visible else "hide", remote.cmid)
        except (AmbiguousWrite, ServerError):
            now = self._reread(job, action.idnumber)
            if now is None:
                raise
            if (now.visible and not now.stealth) != visible:
                self.client.edit_module("show" if visible else "hide", now.cmid)  # idempotent
        d = action.module
        if d is not None:
            row = self._row(job, d, remote.cmid, remote.fingerprint)
        else:
            row = ModuleRow(remote.idnumber, job.desired.pack_id, remote.cmid, remote.modname, remote.fingerprint,
                            remote.name, visible, remote.section, self.clock())
        self._done(job, action, row)

    def _delete(self, job: CourseJob, action: P.Action) -> None:
        remote = action.remote
        assert remote is not None
        if P.DUPLICATE in action.reasons:
            # Two modules share the idnumber: delete this one by cmid, keep the other's row.
            self._retry_idempotent(lambda: self.client.delete_modules([remote.cmid]), missing_ok=True)
            self._done(job, action)
            return
        self._retry_idempotent(lambda: self.client.delete_module(job.plan.courseid or job.courseid,
                                                                 action.idnumber, job.plan.prefix))
        self._done(job, action, forget=action.idnumber)

    # -- helpers ---------------------------------------------------------------------

    def _upload(self, payload: Payload | None) -> tuple[int, str]:
        """Upload a payload into a fresh draft area (a retry is harmless: drafts are scratch)."""
        assert payload is not None
        if self.aborted is not None:
            raise _Skip()
        if payload.path is not None:
            spec = (payload.filename, payload.path)
        else:
            folder = Path(tempfile.mkdtemp(dir=self._tmp.name))
            temp = folder / payload.filename
            temp.write_bytes(payload.data or b"")
            spec = (payload.filename, temp)
        try:
            uploaded = self.client.upload_files([spec])
        except (AmbiguousWrite, ServerError):
            uploaded = self.client.upload_files([spec])
        return uploaded.itemid, payload.filename

    def _retry_idempotent(self, send: Callable, *, missing_ok: bool = False):
        """For writes that are safe to repeat (keyed, replace-style): resend once after an
        unknown outcome."""
        try:
            return send()
        except (AmbiguousWrite, ServerError):
            try:
                return send()
            except NotFound:
                if missing_ok:
                    return None
                raise
        except NotFound:
            if missing_ok:
                return None
            raise

    def _reread(self, job: CourseJob, idnumber: str) -> RemoteModule | None:
        modules = self.client.get_modules(job.courseid, job.plan.prefix)
        same = [m for m in modules if m.idnumber == idnumber]
        return same[0] if same else None


class _Skip(Exception):
    """Not attempted: the run was aborted by a site-wide error."""
