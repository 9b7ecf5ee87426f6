"""``certbridge report`` as a library call: choose the packs and sites, read each course
from Moodle (one listing call per course), work out figures and coverage, record them in
the history and return the ``CompletionReport``.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bridge.config import Config, Site
from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr
from bridge.moodle.client import MoodleClient
from bridge.moodle.errors import NotFound
from bridge.pack.catalog import load_catalog
from bridge.pack.model import Pack
from bridge.render.desired import DesiredCourse, desired_course
from bridge.render.fingerprint import FileHasher
from bridge.report.completion import CourseCompletion, course_completion, unknown_completion
from bridge.report.coverage import PackCoverage, pack_coverage
from bridge.gcpause import paused_gc
from bridge.report.history import course_history, record_figures
from bridge.report.model import CompletionReport, SiteRef
from bridge.sync.snapshot import CourseSnapshot, read_course
from bridge.drift.store import drift_root, hand_edit_counts
from bridge.sync.state import StateStore


class ReportScopeError(BridgeError):
    exit_code = ExitCode.INVALID_INPUT


@dataclass
class PlannedCourse:
    """A pack chosen for the report with its desired course, or why it cannot be built."""

    pack: Pack
    desired: DesiredCourse
    problem: str = ""


def select_packs(config: Config, packs: Sequence[str] = (), category: str | None = None) -> list[Pack]:
    """The course packs in scope: all packs of the config, the named ones (ids or paths),
    and/or those whose course category starts with ``category`` (``学院 / 专业``)."""
    paths = [Path(p) for p in packs if Path(p).exists()]
    ids = [p for p in packs if not Path(p).exists()]
    catalog = load_catalog(paths or list(config.packs), check_content=False)
    unknown = [i for i in ids if i not in catalog.packs]
    if unknown:
        raise ReportScopeError(
            tr("Unknown pack(s): {ids}. Known: {known}.", "未知的资源包：{ids}。已有：{known}。",
               ids=", ".join(unknown), known=", ".join(sorted(catalog.packs)) or "-"))
    if packs:
        chosen = (catalog.selected() if paths else []) + [catalog.packs[i] for i in ids]
    else:
        chosen = catalog.selected()
    if not chosen and not catalog.ok:
        raise ReportScopeError("\n".join(str(p) for p in catalog.problems[:10]))
    chosen = list({p.id: p for p in chosen}.values())
    chosen = [p for p in chosen if p.course is not None]
    if category:
        wanted = _category_path(category)
        chosen = [p for p in chosen if [c.strip() for c in p.course.category][:len(wanted)] == wanted]
    return chosen


def _category_path(category: str) -> list[str]:
    return [part.strip() for part in category.split("/") if part.strip()]


def plan_courses(packs: Sequence[Pack], hasher: FileHasher | None = None) -> list[PlannedCourse]:
    """Each pack's desired course. A pack whose content cannot be built is kept, with its
    resources listed and the reason, so the report shows it as unknown instead of failing."""
    hasher = hasher or FileHasher()
    planned = []
    for pack in packs:
        try:
            planned.append(PlannedCourse(pack, desired_course(pack, hasher)))
        except (BridgeError, OSError, ValueError) as err:
            planned.append(PlannedCourse(pack, _outline(pack), problem=tr(
                "pack content cannot be built: {err}", "资源包内容无法生成：{err}", err=err)))
    return planned


def _outline(pack: Pack) -> DesiredCourse:
    """The desired course without payloads: enough to list its resources."""
    from bridge.render.desired import DesiredModule

    assert pack.course is not None
    course = DesiredCourse(pack_id=pack.id, prefix=pack.prefix, shortname=pack.course.shortname,
                           fullname=pack.course.fullname, category=pack.course.category,
                           summary=pack.course.summary, target=pack.course.target,
                           sections=[(s.number, s.title) for s in pack.sections])
    course.modules = [DesiredModule(idnumber=pack.idnumber(r), resource_id=r.id, type=r.type, modname=r.modname,
                                    section=r.section, position=r.position, name=r.title or r.id,
                                    intro=r.description, visible=r.visible, status=r.status, skills=r.skills)
                      for r in pack.resources]
    return course


def default_client(site: Site) -> MoodleClient:
    return MoodleClient(site.url, site.token, timeout=(5.0, site.timeout), verify=site.verify,
                        rate_limit=site.rate_limit or None)


def read_site(site: Site, courses: Sequence[PlannedCourse], store: StateStore | None,
              client_factory: Callable[[Site], MoodleClient] | None = None) -> list[CourseCompletion]:
    """Every course's completion on one site. A site that cannot be used at all (no token,
    unreachable, plugin missing) makes each of its courses ``unknown`` with the reason."""
    try:
        client = (client_factory or default_client)(site)
    except (BridgeError, ValueError) as err:
        return [unknown_completion(c.desired, str(err), site=site.name, pack_title=c.pack.title) for c in courses]
    with client:
        try:
            client.require_plugin()  # one call, so an unusable site is not retried course by course
        except BridgeError as err:
            reason = getattr(err, "message", str(err))
            return [unknown_completion(c.desired, reason, site=site.name, pack_title=c.pack.title) for c in courses]

        def one(course: PlannedCourse) -> CourseCompletion:
            if course.problem:
                return unknown_completion(course.desired, course.problem, site=site.name, pack_title=course.pack.title)
            snapshot = _snapshot(client, course.desired, store)
            return course_completion(course.desired, snapshot, site=site.name, pack_title=course.pack.title,
                                     site_url=site.url)

        workers = max(1, min(site.workers, len(courses)))
        if workers == 1:
            return [one(c) for c in courses]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="report") as pool:
            return list(pool.map(one, courses))


def _snapshot(client: MoodleClient, desired: DesiredCourse, store: StateStore | None) -> CourseSnapshot:
    """Read the course: the listing call alone when the state knows its id; a lookup by
    shortname first otherwise, or when that id no longer exists (course re-created)."""
    courseid = store.course_id(desired.shortname) if store is not None else None
    snapshot = read_course(client, desired.shortname, desired.prefix, courseid=courseid)
    if courseid is not None and isinstance(snapshot.error, NotFound):
        snapshot = read_course(client, desired.shortname, desired.prefix)
    return snapshot


def run_report(config: Config, *, packs: Sequence[str] = (), category: str | None = None,
               site: str | None = None, all_sites: bool = False, record: bool = False,
               client_factory: Callable[[Site], MoodleClient] | None = None,
               clock: Callable[[], float] = time.time) -> CompletionReport:
    """Build the report for the chosen packs on the chosen site(s); with ``record`` each
    course's figures are added to that site's history (source ``report``) — by default
    only syncs record, so looking at a report does not change the trend."""
    sites = config.select(site, all_sites)
    chosen = select_packs(config, packs, category)
    # File digests cached by sync in the state file: a report does not re-read big files.
    with StateStore(config.state_path(sites[0])) as cache:
        planned = plan_courses(chosen, FileHasher(cache))
    report = CompletionReport(generated_at=clock(), sites=[SiteRef(s.name, s.url) for s in sites])
    for one_site in sites:
        with StateStore(config.state_path(one_site)) as store:
            completions = read_site(one_site, planned, store, client_factory)
            if record:
                record_figures(store, completions, report.generated_at, source="report")
            report.history.update(course_history(store, completions))
        report.courses.extend(completions)
        report.coverage.extend(site_coverage(planned, completions))
        report.hand_edits.update(hand_edit_counts(drift_root(config.state_dir), one_site.name))
    return report


def site_coverage(planned: Sequence[PlannedCourse], completions: Sequence[CourseCompletion]) -> list[PackCoverage]:
    """The skill-coverage matrix of each course that has a certificate standard."""
    with paused_gc():
        found = (pack_coverage(course.pack, completion) for course, completion in zip(planned, completions))
        return [coverage for coverage in found if coverage is not None]
