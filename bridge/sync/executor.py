"""The executor: applies planned actions to Moodle. It never decides what to do (the
planner did); it decides only how to survive the network.

- One writer per course: Moodle must never see two module writes to the same course at
  once (on PostgreSQL, concurrent creates in one course can collide on a module context;
  the plugin also takes a per-course lock). So each course's writes run as one chain —
  course, sections, the course plan, then the writes that place modules in pack order, then the other
  updates and the hides — and the thread pool (``workers`` per site) runs uploads and
  different courses' chains side by side. Every upload is started first.
- Module upserts go to Moodle in batches of at most ``BATCH_SIZE``
  (``upsert_modules``, plugin API 2; one call per module with an older plugin), and
  uploads are grouped per course into draft areas of at most ``UPLOAD_GROUP_FILES``
  files and ``UPLOAD_GROUP_BYTES`` bytes.
- Every finished action is journalled together with its module row in one transaction,
  so a killed run loses at most the actions in flight, which the next run's snapshot
  (read by idnumber) finds or redoes.
- A write whose outcome is unknown (timeout, connection reset, 5xx) is never blindly
  retried: the course's modules are re-read by idnumber and the action counts as done
  when Moodle already shows its effect. Only then, and only when a retry cannot create
  a second module (the idnumber exists, or the server answered so nothing is in flight),
  is it sent once more.
- Deletions run last (one chain per course) and only when nothing failed.
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
#: Modules per ``upsert_modules`` call: bounds how long one request holds the course's
#: lock in Moodle and how much an answer lost on the way must re-check (docs/sync.md).
BATCH_SIZE = 20
#: Files per upload request, and their total size: one request per group instead of per
#: file, staying under PHP's default post_max_size (8 MiB); a larger file goes alone.
UPLOAD_GROUP_FILES = 20
UPLOAD_GROUP_BYTES = 6 * 2**20
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
    # Uploads started ahead of the module writes that use them: idnumber -> (the upload
    # of its group, returning the draft item id; its file name there).
    uploads: dict[str, tuple[Future, str]] = field(default_factory=dict)
    kept: dict = field(default_factory=dict)  # idnumber -> hand edit kept before its overwrite

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
            # +1: the course step; a plan to store is one more action of the course's chain.
            job.pending = len([a for a in job.plan.module_actions if a.writes]) + 1 + len(_plan_actions(job))
            self._start_uploads(pool, job)
        self._wait_all([pool.submit(self._course_chain, job) for job in jobs])
        held = any(job.failed for job in jobs) or self.aborted is not None or not allow_deletes
        chains = []
        for job in jobs:
            deletes = [a for a in job.plan.module_actions if a.kind == P.DELETE]
            if held:
                note = tr("held back: deletions run only after a run without errors",
                          "已暂缓：仅在无错误的运行之后才删除")
                for action in deletes:
                    self._finish(job, ActionResult(job.plan.shortname, action, False, skipped=True, note=note))
            elif deletes:
                chains.append(pool.submit(self._chain, job, deletes, self._delete))
        self._wait_all(chains)
        for job in jobs:
            for upload, _ in job.uploads.values():
                upload.cancel()

    def _start_uploads(self, pool: ThreadPoolExecutor, job: CourseJob) -> None:
        """Group the course's uploads (first fit: distinct names, bounded count and size) and start them."""
        groups: list[list[Payload]] = []
        names: list[set[str]] = []
        sizes: list[int] = []  # bytes per group, from the payloads' digests (no stat per file)
        members: list[tuple[str, int, str]] = []  # (idnumber, its group, its file name there)
        for action in job.plan.module_actions:
            if not (action.sends_content and action.module.modname in UPLOADED):
                continue
            payload = action.module.payload
            size = payload.digest.size
            index = next((i for i, group in enumerate(groups) if len(group) < UPLOAD_GROUP_FILES
                          and sizes[i] + size <= UPLOAD_GROUP_BYTES and payload.filename not in names[i]), None)
            if index is None:
                index = len(groups)
                groups.append([])
                names.append(set())
                sizes.append(0)
            groups[index].append(payload)
            names[index].add(payload.filename)
            sizes[index] += size
            members.append((action.idnumber, index, payload.filename))
        futures = [pool.submit(self._upload, group) for group in groups]
        for idnumber, index, filename in members:
            job.uploads[idnumber] = (futures[index], filename)

    @staticmethod
    def _wait_all(futures: list[Future]) -> None:
        for future in futures:
            future.result()

    def _course_chain(self, job: CourseJob) -> None:
        """The course and its sections, then its module writes one after another: the
        placing writes in pack order, then the others (upserts batched)."""
        writes = [a for a in job.plan.module_actions if a.writes and a.kind != P.DELETE]
        job.courseid = job.plan.courseid
        try:
            if self.aborted is not None:
                raise _Skip()
            for action in job.plan.course_actions:
                if action.kind == P.SET_PLAN:
                    continue  # needs the course id only: runs in the chain below
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
        self._finish_course_step(job)
        for action in _plan_actions(job):
            self._guard(job, action, self._set_plan)
        batch: list[P.Action] = []
        for action in [a for a in writes if _ordered(a)] + [a for a in writes if not _ordered(a)]:
            if action.kind == P.HIDE or action.only_visibility or P.TYPE in action.reasons:
                self._upsert_batch(job, batch)
                batch = []
            if action.kind == P.HIDE or action.only_visibility:
                self._guard(job, action, self._module_action)
                continue
            if P.TYPE in action.reasons and not self._guard_step(job, action, self._delete_for_type):
                continue
            batch.append(action)
            if len(batch) == BATCH_SIZE:
                self._upsert_batch(job, batch)
                batch = []
        self._upsert_batch(job, batch)

    def _chain(self, job: CourseJob, actions: list[P.Action], work: Callable) -> None:
        for action in actions:
            self._guard(job, action, work)

    def _finish_course_step(self, job: CourseJob) -> None:
        with self._report_lock:
            job.pending -= 1
            done = job.pending == 0
        if done:
            self.on_course(job)

    def _guard(self, job: CourseJob, action: P.Action, work: Callable) -> None:
        """Run one action; turn any failure into a result, never an exception."""
        if self._guard_step(job, action, work):
            self._finish(job, ActionResult(job.plan.shortname, action, True, kept=job.kept.get(action.idnumber)))

    def _guard_step(self, job: CourseJob, action: P.Action, work: Callable) -> bool:
        """A first step of an action; on failure the action is finished as failed. True when it went through."""
        try:
            if self.aborted is not None:
                raise _Skip()
            work(job, action)
            return True
        except Exception as err:  # noqa: BLE001
            self._fail(job, action, err)
            return False

    def _fail(self, job: CourseJob, action: P.Action, err: BaseException) -> None:
        skipped = isinstance(err, _Skip)
        if not skipped:
            self._note_fatal(err)
            self.store.record_action(self.run_id, job.plan.shortname, action.idnumber, action.kind, "failed",
                                     detail=str(getattr(err, "message", err)))
        self._finish(job, ActionResult(job.plan.shortname, action, False, None if skipped else err, skipped=skipped))

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

    def _module_action(self, job: CourseJob, action: P.Action) -> None:
        """A hide, or a change of visibility only (``core_course_edit_module``)."""
        self._set_visible(job, action, False if action.kind == P.HIDE else action.module.visible)

    def _row(self, job: CourseJob, d: DesiredModule, cmid: int, fingerprint: str) -> ModuleRow:
        return ModuleRow(d.idnumber, job.desired.pack_id, cmid, d.modname, fingerprint, d.name, d.visible,
                         d.section, self.clock())

    def _done(self, job: CourseJob, action: P.Action, row: ModuleRow | None = None, forget: str | None = None,
              detail: str = "") -> None:
        self.store.record_action(self.run_id, job.plan.shortname, action.idnumber, action.kind, "done",
                                 detail=detail or ",".join(action.reasons), module=row, forget=forget)

    def _delete_for_type(self, job: CourseJob, action: P.Action) -> None:
        """A module changing type is deleted first; the upsert then creates the new one."""
        self._retry_idempotent(lambda: self.client.delete_module(job.courseid, action.idnumber, job.plan.prefix))

    def _uploaded(self, job: CourseJob, idnumber: str) -> tuple[int, str]:
        upload, filename = job.uploads[idnumber]
        return upload.result(), filename

    def _upsert_params(self, job: CourseJob, action: P.Action) -> dict:
        """``upsert_module``'s arguments for the action (waiting for its upload)."""
        d = action.module
        assert d is not None
        draftitemid, filename = 0, ""
        if d.modname == "resource" and action.sends_content:
            draftitemid, filename = self._uploaded(job, d.idnumber)
        return dict(idnumber=d.idnumber, modname=d.modname, section=d.section, name=d.name, intro=d.intro,
                    visible=d.visible, position=action.position if _ordered(action) else -1, content=d.content,
                    externalurl=d.externalurl, draftitemid=draftitemid, filename=filename)

    def _upsert_batch(self, job: CourseJob, actions: list[P.Action]) -> None:
        """Upsert the actions' modules in one call (in order), then finish each action."""
        sendable: list[tuple[P.Action, dict]] = []

        def prepare(job: CourseJob, action: P.Action) -> None:
            if self.keeper is not None and action.overwrites_hand_edit:
                # Moodle's version first; if it cannot be kept, this module is not overwritten.
                job.kept[action.idnumber] = self.keeper.keep(job.plan.shortname, job.desired.pack_id,
                                                             job.courseid, action)
            sendable.append((action, self._upsert_params(job, action)))

        for action in actions:
            self._guard_step(job, action, prepare)  # a failed keep or upload fails this module only
        if not sendable:
            return
        for (action, _), outcome in zip(sendable, self._send_batch(job, sendable)):
            if isinstance(outcome, BaseException):
                self._fail(job, action, outcome)
            else:
                self._guard(job, action, lambda j, a, o=outcome: self._after_upsert(j, a, o.cmid, o.fingerprint))

    def _send_batch(self, job: CourseJob, sendable: list[tuple[P.Action, dict]]) -> list:
        """Each module's outcome: its ``UpsertResult`` (or, after an unknown outcome, the
        ``RemoteModule`` read back: both give ``cmid`` and ``fingerprint``) or its error.
        After an unknown outcome the course is re-read by idnumber before anything is sent again."""
        assert job.courseid is not None
        modules = [params for _, params in sendable]
        try:
            outcomes: list = list(self.client.upsert_modules(job.courseid, modules))
        except (AmbiguousWrite, ServerError) as err:
            outcomes = [err] * len(sendable)
        except Exception as err:  # noqa: BLE001 - the call as a whole failed: every module with it
            return [err] * len(sendable)
        unknown = [i for i, o in enumerate(outcomes) if isinstance(o, (AmbiguousWrite, ServerError))]
        if not unknown:
            return outcomes
        try:
            remote = {m.idnumber: m for m in self.client.get_modules(job.courseid, job.plan.prefix)}
        except Exception:  # noqa: BLE001 - cannot tell: those modules stay failed, the next run checks
            return outcomes
        resend = []
        for i in unknown:
            d, err = sendable[i][0].module, outcomes[i]
            now = remote.get(d.idnumber)
            if now is not None and not P.module_differences(d, now, None):
                outcomes[i] = now
            elif now is None and isinstance(err, AmbiguousWrite):
                # The first request may still be creating it: a resend could make a second one.
                outcomes[i] = AmbiguousWrite(
                    tr("{idnumber}: the write's outcome is unknown and the module is not there (yet); "
                       "the next run will check it by idnumber.",
                       "{idnumber}：写操作结果未知，模块（尚）不存在；下次运行会按 idnumber 检查。", idnumber=d.idnumber),
                    function=err.function)
            else:
                resend.append(i)  # the module exists (update in place) or the server answered: safe
        if resend:
            try:
                again: list = list(self.client.upsert_modules(job.courseid, [modules[i] for i in resend]))
            except Exception as err:  # noqa: BLE001
                again = [err] * len(resend)
            for i, outcome in zip(resend, again):
                outcomes[i] = outcome
        return outcomes

    def _after_upsert(self, job: CourseJob, action: P.Action, cmid: int, fingerprint: str) -> None:
        """Import a quiz's questions, then journal the module as Moodle now holds it."""
        d = action.module
        if d.modname == "quiz" and action.sends_content:
            xml_itemid, xml_name = self._uploaded(job, d.idnumber)
            imported = self._retry_idempotent(
                lambda: self.client.import_questions(cmid, draftitemid=xml_itemid, filename=xml_name))
            fingerprint = imported.fingerprint
        note = ""
        if d.fingerprint and fingerprint and fingerprint != d.fingerprint:
            note = tr("Moodle reports fingerprint {got}, expected {want}", "Moodle 报告的指纹为 {got}，预期 {want}",
                      got=fingerprint, want=d.fingerprint)
        self._done(job, action, self._row(job, d, cmid, fingerprint), detail=note)
        if d.idnumber in job.kept:
            self.keeper.overwritten(job.kept[d.idnumber], fingerprint)

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

    def _upload(self, payloads: list[Payload]) -> int:
        """Upload payloads into one fresh draft area; its item id (a retry is harmless:
        drafts are scratch)."""
        if self.aborted is not None:
            raise _Skip()
        specs = []
        for payload in payloads:
            if payload.path is not None:
                specs.append((payload.filename, payload.path))
            else:
                temp = Path(tempfile.mkdtemp(dir=self._tmp.name)) / payload.filename
                temp.write_bytes(payload.data or b"")
                specs.append((payload.filename, temp))
        try:
            uploaded = self.client.upload_files(specs)
        except (AmbiguousWrite, ServerError):
            uploaded = self.client.upload_files(specs)
        return uploaded.itemid

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
