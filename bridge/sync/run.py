"""One run for one site: load packs, read Moodle, plan, (apply), record, summarise.

``plan_site`` makes no write call to Moodle. ``sync_site`` takes the site's lock, applies
the plans through the executor, records completion figures and returns a summary whose
``exit_code`` the CLI uses.
"""
from __future__ import annotations

import signal
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bridge.config import Config, Site, insecure_warning, is_tls_error, tls_hint
from bridge.drift.keep import Keeper
from bridge.drift.store import drift_root
from bridge.drift.sync import keep_conflicts, prune_kept
from bridge.errors import BridgeError, ExitCode
from bridge.gcpause import paused_gc
from bridge.i18n import tr
from bridge.moodle import MoodleClient
from bridge.moodle.errors import MoodleError, NotFound
from bridge.pack import load_catalog
from bridge.pack.model import Pack
from bridge.render.desired import DesiredCourse, desired_course
from bridge.render.fingerprint import FileHasher
from bridge.sync import planner as P
from bridge.sync.executor import ActionResult, CourseJob, Executor
from bridge.sync.lock import SiteLock, lock_path
from bridge.sync.progress import Reporter, course_line, group_failures
from bridge.sync.snapshot import CourseSnapshot, read_course
from bridge.sync.state import ModuleRow, StateStore

PLAN_FORMAT_VERSION = 1


class LimitExceeded(BridgeError):
    exit_code = ExitCode.LIMIT_EXCEEDED


@dataclass
class RunOptions:
    packs: list[Path] = field(default_factory=list)  # empty: the config's pack folders
    workers: int | None = None  # None: the site's setting
    max_changes: int | None = None
    max_delete: int | None = None  # None: the site's setting (unset there = no limit); 0 = no deletion
    prune: bool | None = None  # None: the site's setting
    drift: str | None = None  # None: the site's setting
    wait: float = 0.0  # seconds to wait for the site's lock


@dataclass
class CourseWork:
    pack: Pack
    desired: DesiredCourse
    snapshot: CourseSnapshot
    plan: P.CoursePlan
    last: P.LastState = field(default_factory=P.LastState)


@dataclass
class SitePlan:
    site: Site
    policy: P.Policy
    courses: list[CourseWork] = field(default_factory=list)
    invalid: list[dict] = field(default_factory=list)  # packs skipped: {"pack", "problems"}
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase

    def summary(self) -> dict:
        totals = dict.fromkeys(P.SUMMARY_KINDS, 0)
        for work in self.courses:
            for kind, n in work.plan.counts().items():
                totals[kind] += n
        totals["create_course"] = sum(1 for w in self.courses if any(a.kind == P.CREATE_COURSE for a in w.plan.actions))
        totals["errors"] = sum(1 for w in self.courses if w.plan.error) + len(self.invalid)
        return totals

    def to_dict(self) -> dict:
        """The documented ``plan --format json`` object (docs/sync.md)."""
        return {"version": PLAN_FORMAT_VERSION, "site": self.site.name, "url": self.site.url,
                "policy": {"drift": self.policy.drift, "prune": self.policy.prune},
                "summary": self.summary(), "courses": [w.plan.to_dict() for w in self.courses],
                "invalid": self.invalid}


def connect(site: Site) -> MoodleClient:
    """A client for ``site`` with its timeout, TLS and rate-limit settings."""
    return MoodleClient(site.url, site.token, verify=site.verify, timeout=(min(10.0, site.timeout), site.timeout),
                        rate_limit=site.rate_limit or None)


def policy_for(site: Site, options: RunOptions) -> P.Policy:
    return P.Policy(drift=options.drift or site.drift,
                    prune=site.prune if options.prune is None else options.prune)


def load_packs(config: Config, options: RunOptions) -> tuple[list[Pack], list[dict]]:
    """The course packs to sync, and those skipped because they do not validate."""
    from bridge.pack.catalog import pack_paths

    catalog = load_catalog(pack_paths(options.packs, list(config.packs)) if options.packs else list(config.packs))
    errors = [p for p in catalog.problems if p.severity == "error"]
    packs, invalid = [], []
    unplaced = [p for p in errors if not any(_inside(p.file, pack.root) for pack in catalog.selected())]
    for pack in catalog.selected():
        if pack.course is None:
            continue  # a library pack: nothing to publish by itself
        mine = [p for p in errors if _inside(p.file, pack.root)] + unplaced
        if mine:
            invalid.append({"pack": pack.id, "problems": [p.to_dict() for p in mine]})
        else:
            packs.append(pack)
    if not catalog.selected() and errors:
        invalid.append({"pack": None, "problems": [p.to_dict() for p in errors]})
    return packs, invalid


def _invalid_text(item: dict, shown: int = 3) -> str:
    """Why a pack is skipped: its first problems with file and line, and where to see all."""
    lines = [f"  {p['file']}:{p['line']}: {p['message']}" if p.get("line") else f"  {p.get('file', '')}: {p['message']}"
             for p in item["problems"][:shown]]
    if len(item["problems"]) > shown:
        lines.append("  " + tr("… {n} more: certbridge validate lists them all.", "……另有 {n} 个：certbridge validate 会全部列出。",
                               n=len(item["problems"]) - shown))
    head = (tr("{pack}: skipped, it does not validate:", "{pack}：已跳过，未通过校验：", pack=item["pack"]) if item["pack"]
            else tr("No pack can be read:", "无法读取任何资源包："))
    return "\n".join([head, *lines])


def _inside(file: str, root: Path) -> bool:
    try:
        Path(file).resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def build_plan(config: Config, site: Site, options: RunOptions, store: StateStore, client: MoodleClient,
               reporter: Reporter, *, writing: bool) -> SitePlan:
    """Desired state for every pack, one snapshot read per course, the pure plan."""
    policy = policy_for(site, options)
    result = SitePlan(site=site, policy=policy)
    if site.insecure_http:  # allowed by allow_insecure_http: say the risk on every run
        reporter.message(insecure_warning(site), level="warning")
    started = time.perf_counter()
    packs, result.invalid = load_packs(config, options)
    result.timings["load_packs"] = time.perf_counter() - started
    for item in result.invalid:
        reporter.message(_invalid_text(item), level="error")
    if not packs and not result.invalid:
        reporter.message(tr("No course pack found in {where}: nothing to sync.", "{where} 中没有课程资源包：无需同步。",
                            where=", ".join(str(p) for p in options.packs or config.packs)), level="warning")
    hasher = FileHasher(store)
    desired: list[tuple[Pack, DesiredCourse]] = []
    for pack in packs:
        try:
            desired.append((pack, desired_course(pack, hasher)))
        except BridgeError as err:
            if err.exit_code == ExitCode.STATE_ERROR:
                raise  # the digest cache in the state: not the pack's fault
            result.invalid.append({"pack": pack.id, "problems": [{"message": err.message}]})
            reporter.message(f"{pack.id}: {err.message}", level="error")
    result.timings["desired"] = time.perf_counter() - started - result.timings["load_packs"]
    # No separate plugin check: each get_modules reply carries the plugin's API version
    # (checked by the client), and writes check get_info first. A no-op run is one read per course.
    workers = options.workers or site.workers
    site_down: list[MoodleError] = []  # once the site proves unusable, read no more courses

    def read(course: DesiredCourse) -> CourseSnapshot:
        if site_down:
            return CourseSnapshot(course.shortname, course.prefix, error=site_down[0])
        snapshot = _read(client, store, course, writing=writing)
        if snapshot.error is not None and snapshot.error.exit_code == ExitCode.SITE_ERROR:
            site_down.append(snapshot.error)
        return snapshot

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        snapshots = list(pool.map(lambda item: read(item[1]), desired))
    result.timings["read"] = time.perf_counter() - started - result.timings["load_packs"] - result.timings["desired"]
    planning = time.perf_counter()
    for (pack, course), snapshot in zip(desired, snapshots):
        if snapshot.error is not None and snapshot.error.exit_code == ExitCode.SITE_ERROR:
            raise snapshot.error  # the site itself is unusable: say so once
        row = store.course_row(course.shortname)
        if row is not None and row.courseid == snapshot.courseid and row.pack_id == course.pack_id:
            last = P.LastState(row, store.module_rows(course.pack_id))
        else:
            last = P.LastState()  # never synced here, or the course was replaced: no memory to trust
        result.courses.append(CourseWork(pack, course, snapshot, P.plan_course(course, last, snapshot, policy), last))
    result.timings["plan"] = time.perf_counter() - planning
    return result


def _read(client: MoodleClient, store: StateStore, course: DesiredCourse, *, writing: bool) -> CourseSnapshot:
    courseid = store.course_id(course.shortname)
    snapshot = read_course(client, course.shortname, course.prefix, courseid=courseid)
    if courseid is not None and isinstance(snapshot.error, NotFound):
        # Our remembered course id is gone (deleted or restored elsewhere): look it up afresh.
        if writing:
            store.forget_course(course.shortname, course.pack_id)
        snapshot = read_course(client, course.shortname, course.prefix)
    if writing and snapshot.exists and snapshot.error is None and courseid != snapshot.courseid:
        store.save_course(course.shortname, course.pack_id, int(snapshot.courseid))
    return snapshot


def plan_site(config: Config, site: Site, options: RunOptions, reporter: Reporter) -> SitePlan:
    """What a sync would do. Reads Moodle; writes nothing there."""
    with _site_hints(site), StateStore(config.state_path(site)) as store, connect(site) as client:
        with paused_gc():
            return build_plan(config, site, options, store, client, reporter, writing=False)


@contextmanager
def _site_hints(site: Site):
    """Give a site error the fix that only the configuration knows (an untrusted certificate: ca_bundle)."""
    try:
        yield
    except MoodleError as err:
        if is_tls_error(err):
            err.hint = tls_hint(site)
        raise


def check_limits(plan: SitePlan, options: RunOptions) -> None:
    """Refuse, before any write, a run larger than the limits."""
    changes = sum(w.plan.changes for w in plan.courses) + plan.summary()["create_course"]
    if options.max_changes is not None and changes > options.max_changes:
        raise LimitExceeded(tr("The sync would make {n} changes, more than --max-changes {max}; nothing was written.",
                               "本次同步将进行 {n} 项更改，超过 --max-changes {max}；未做任何写入。",
                               n=changes, max=options.max_changes),
                            hint=tr("Check the plan (certbridge plan) and raise the limit if it is right.",
                                    "请检查计划（certbridge plan），确认无误后提高上限。"))
    # As --max-changes: 0 allows none, on the command line as in the config; unset = no limit.
    max_delete = options.max_delete if options.max_delete is not None else plan.site.max_delete
    deletes = plan.summary()["delete"]
    if max_delete is not None and deletes > max_delete:
        raise LimitExceeded(tr("The sync would delete {n} modules, more than --max-delete {max}; nothing was written.",
                               "本次同步将删除 {n} 个模块，超过 --max-delete {max}；未做任何写入。", n=deletes, max=max_delete),
                            hint=tr("Check the plan (certbridge plan --prune) and raise --max-delete if it is right.",
                                    "请检查计划（certbridge plan --prune），确认无误后提高 --max-delete。"))


def sync_site(config: Config, site: Site, options: RunOptions, reporter: Reporter) -> dict:
    """Apply the plan for ``site`` under its lock; return the run summary."""
    started = time.monotonic()
    state_path = config.state_path(site)
    # The lock, taken first, creates the state folder (an unwritable one is a clear error there).
    with _site_hints(site), SiteLock(lock_path(state_path), wait=options.wait, notify=reporter.message), \
            StateStore(state_path) as store, connect(site) as client, _sigterm_interrupts():
        interrupted = store.last_interrupted_run()
        if interrupted is not None:
            done = sum(1 for e in store.journal(interrupted.run_id) if e.status == "done")
            reporter.message(tr("The previous run ({id}) was interrupted after {n} completed actions; resuming "
                                "(Moodle is re-read, so nothing is done twice).",
                                "上次运行（{id}）在完成 {n} 项操作后中断；现在继续（会重新读取 Moodle，不会重复操作）。",
                                id=interrupted.run_id, n=done))
        run_id = store.begin_run()
        status = "interrupted"
        try:
            with paused_gc():  # packs, desired state and plan: many small acyclic objects
                plan = build_plan(config, site, options, store, client, reporter, writing=True)
            check_limits(plan, options)
            summary = _apply(plan, site, options, store, client, reporter, run_id, started,
                             drift_root(config.state_dir))
            status = "ok" if summary["exit_code"] == 0 else "failed"
            return summary
        except BridgeError:
            status = "failed"
            raise
        finally:
            store.finish_run(run_id, status, {"calls": client.stats.as_dict()})


def _apply(plan: SitePlan, site: Site, options: RunOptions, store: StateStore, client: MoodleClient,
           reporter: Reporter, run_id: str, started: float, drift_dir: Path) -> dict:
    jobs = [CourseJob(w.desired, w.plan) for w in plan.courses if w.plan.writes]
    keeper = Keeper(client, drift_dir, site.name, run_id=run_id, policy=plan.policy.drift,
                    pack_dirs={w.pack.id: w.pack.root for w in plan.courses})
    if jobs:
        client.require_plugin()  # before any write: one clear message, and the site's upload limit
    conflicts = keep_conflicts(keeper, [(w.desired, w.plan) for w in plan.courses], reporter)
    reporter.start(site.name, sum(len(j.plan.writes) for j in jobs))

    def on_course(job: CourseJob) -> None:
        reporter.course(course_line(job.plan, job.results, job.courseid))

    executor = Executor(client, store, run_id, workers=options.workers or site.workers,
                        on_result=lambda job, result: reporter.action(job.plan.shortname, result), on_course=on_course,
                        tmp_root=store.path.with_name(store.path.name + ".tmp"), keeper=keeper)
    applying = time.perf_counter()
    executor.apply(jobs)
    plan.timings["apply"] = time.perf_counter() - applying
    for work in plan.courses:
        if not work.plan.writes and not work.plan.error:
            reporter.course(course_line(work.plan, []))
    _adopt_unchanged(plan, store)

    results: list[ActionResult] = [r for job in jobs for r in job.results]
    # Storing the plan changes no module: those courses' snapshot is still true.
    written = {job.desired.shortname for job in jobs if any(r.ok and r.action.kind != P.SET_PLAN for r in job.results)}
    recording = time.perf_counter()
    figures = _record_figures(plan, written, site, store, client, options.workers or site.workers)
    plan.timings["record"] = time.perf_counter() - recording
    failed = [r for r in results if not r.ok and not r.skipped]
    kept = [r.kept for r in results if r.kept is not None] + conflicts
    for record in kept:
        reporter.kept(record.listing() | {"overwritten": record.overwritten, "policy": record.policy})
    pruned = prune_kept(drift_dir, site, reporter)
    course_errors = [w for w in plan.courses if w.plan.error]
    for work in course_errors:
        reporter.message(f"{work.desired.shortname}: {work.plan.error}", level="error")
    if course_errors:
        reporter.message(tr("{n} course(s) could not be read and were left as they are; 'certbridge doctor' checks the "
                            "site, and the next run retries them.",
                            "{n} 个课程无法读取，未做更改；“certbridge doctor”可检查站点，下次运行会重试。",
                            n=len(course_errors)), level="error")
    for group in group_failures(failed):
        reporter.failure_group(group)
    totals = dict.fromkeys(P.SUMMARY_KINDS, 0)
    for work in plan.courses:
        for kind, n in work.plan.counts().items():
            totals[kind] += n
    for r in results:
        if not r.ok and r.action.kind in totals:
            totals[r.action.kind] -= 1  # count what was done, not what was planned
    totals["failed"] = len(failed)
    totals["skipped"] = sum(1 for r in results if r.skipped)
    if executor.aborted is not None and isinstance(executor.aborted, BridgeError):
        exit_code = executor.aborted.exit_code
    elif plan.invalid:
        exit_code = ExitCode.INVALID_INPUT
    elif failed or course_errors or totals["skipped"] or totals[P.CONFLICT]:
        exit_code = ExitCode.FAILURES
    else:
        exit_code = ExitCode.OK
    job_of = {id(job.plan): job for job in jobs}  # a course with nothing to write has no job
    summary = {"site": site.name, "run_id": run_id, "summary": totals,
               "courses": [course_line(w.plan, *_outcome(job_of.get(id(w.plan))))
                           | {"figures": figures.get(w.desired.shortname)} for w in plan.courses],
               "invalid": plan.invalid, "kept": [r.listing() | {"overwritten": r.overwritten} for r in kept],
               "pruned": [r.listing() for r in pruned], "calls": client.stats.as_dict(),
               "timings_s": {k: round(v, 3) for k, v in plan.timings.items()}, "exit_code": int(exit_code),
               "duration_s": round(time.monotonic() - started, 3)}
    reporter.finish(summary)
    return summary


def _outcome(job: CourseJob | None) -> tuple[list[ActionResult], int | None]:
    """A course's results and its id once known (none: the course had nothing to write)."""
    return (job.results, job.courseid) if job is not None else ([], None)


def _adopt_unchanged(plan: SitePlan, store: StateStore) -> None:
    """Rows for modules already as desired but not (or differently) in the state — after a
    lost state file, or a run killed between the write and its journal entry."""
    now = time.time()
    rows: list[ModuleRow] = []
    for work in plan.courses:
        known = work.last.modules
        for action in work.plan.module_actions:
            r, d = action.remote, action.module
            if action.kind != P.UNCHANGED or r is None or d is None:
                continue
            row = ModuleRow(d.idnumber, work.desired.pack_id, r.cmid, r.modname, r.fingerprint, d.name,
                            r.visible and not r.stealth, r.section, now)
            old = known.get(d.idnumber)
            if old is None or (old.cmid, old.fingerprint, old.name, old.visible, old.section) != (
                    row.cmid, row.fingerprint, row.name, row.visible, row.section):
                rows.append(row)
    if rows:
        store.save_modules(rows)


def _record_figures(plan: SitePlan, written: set[str], site: Site, store: StateStore, client: MoodleClient,
                    workers: int) -> dict[str, dict]:
    """Completion figures after the sync: courses written to are read once more; the
    others' snapshot is still true."""
    from bridge.report.completion import course_completion
    from bridge.report.history import record_figures

    now = time.time()

    def fresh(work: CourseWork) -> CourseSnapshot:
        if work.desired.shortname not in written:
            return work.snapshot
        return read_course(client, work.desired.shortname, work.desired.prefix,
                           courseid=store.course_id(work.desired.shortname))

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        snapshots = list(pool.map(fresh, plan.courses))
    completions = [course_completion(work.desired, snapshot, site=site.name, pack_title=work.pack.title,
                                     site_url=site.url)
                   for work, snapshot in zip(plan.courses, snapshots) if snapshot.error is None]
    record_figures(store, completions, now, source="sync")
    return {c.shortname: {"planned": c.planned, "online": c.online, "ratio": round(c.ratio, 4), "target": c.target,
                          "meets_target": c.meets_target} for c in completions}


@contextmanager
def _sigterm_interrupts():
    """SIGTERM (systemd stop, kill) ends the run like Ctrl-C: in-flight actions finish and
    are journalled, the rest is left for the next run."""
    def handler(signum, frame):
        raise KeyboardInterrupt
    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (tests): nothing to install
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def site_error_summary(site: Site, err: MoodleError) -> dict:
    return {"site": site.name, "error": err.message, "hint": err.hint, "exit_code": int(err.exit_code)}
