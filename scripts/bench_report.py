#!/usr/bin/env python3
"""Benchmark the report: 1,000 courses × 200 resources from a prepared snapshot.

Builds the desired courses, Moodle snapshots (random states), a 30-requirement standard
and 20 past runs per course in memory, then times what ``certbridge report`` does after
its reads: figures, coverage, and rendering HTML + CSV + JSON. Target: ≤ 2 s in total.

    .venv/bin/python scripts/bench_report.py [--courses 1000] [--resources 200] [--out DIR]
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bridge.moodle.types import RemoteModule  # noqa: E402
from bridge.pack.model import Certificate, Course, Pack, Requirement, Standard  # noqa: E402
from bridge.render.desired import DesiredCourse, DesiredModule  # noqa: E402
from bridge.report.completion import course_completion  # noqa: E402
from bridge.report.coverage import pack_coverage  # noqa: E402
from bridge.gcpause import paused_gc  # noqa: E402
from bridge.report.model import CompletionReport, SiteRef  # noqa: E402
from bridge.report.output import render, write_report  # noqa: E402
from bridge.sync.snapshot import CourseSnapshot  # noqa: E402
from bridge.sync.state import FigureRow  # noqa: E402


def standard() -> Standard:
    reqs = [Requirement(f"{a}.{t}.{r}", f"能完成第 {a}.{t}.{r} 项职业技能要求规定的工作任务。", str(a), f"工作领域 {a}",
                        f"{a}.{t}", f"工作任务 {a}.{t}") for a in range(1, 4) for t in range(1, 4) for r in range(1, 4)]
    reqs += [Requirement("3.3.4", "额外的一项要求。", "3", "工作领域 3", "3.3", "工作任务 3.3")]
    return Standard("bench", "Web前端开发", "教育与考试中心", "1", Path("bench.toml"), {"初级": reqs})


def prepare(n_courses: int, n_resources: int, seed: int = 1):
    rng = random.Random(seed)
    std = standard()
    codes = [r.code for r in std.requirements("初级")]
    courses = []
    for c in range(n_courses):
        pack_id = f"bench-{c:04d}"
        prefix = f"certbridge:{pack_id}:"
        pack = Pack(id=pack_id, title=f"基准资源包 {c}", version="1", owners=["x"], root=Path("."), file=Path("pack.toml"),
                    certificate=Certificate("Web前端开发", "x", "初级", std, "bench"),
                    course=Course(f"BENCH-{c:04d}", f"基准课程 {c}", ["学院", "专业"]))
        desired = DesiredCourse(pack_id, prefix, pack.course.shortname, pack.course.fullname, ["学院", "专业"], "", 0.5,
                                [(1, "一")])
        modules = {}
        for r in range(n_resources):
            planned = rng.random() < 0.1
            fp = None if planned else f"{rng.getrandbits(160):040x}"
            m = DesiredModule(f"{prefix}r{r}", f"r{r}", "page", "page", 1 + r // 20, r % 20, f"资源 {r} 名称",
                              "", True, "planned" if planned else "ready", tuple(rng.sample(codes, 2)), fp)
            desired.modules.append(m)
            roll = rng.random()
            if planned or roll < 0.05:
                continue  # missing
            modules[m.idnumber] = RemoteModule(m.idnumber, r + 1, r + 1, "page", m.name, m.section, roll > 0.08, r % 20,
                                               roll > 0.12, True, False, False, 0, fp if roll > 0.2 else "0" * 40)
        snapshot = CourseSnapshot(desired.shortname, prefix, course={"id": c + 1, "fullname": desired.fullname},
                                  modules=modules)
        history = [FigureRow(1.7e9 + k * 86400, "report", desired.shortname, pack_id, n_resources,
                             int(n_resources * (0.3 + 0.02 * k)), 0.3 + 0.02 * k, 0.5) for k in range(20)]
        courses.append((pack, desired, snapshot, history))
    return courses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--resources", type=int, default=200)
    parser.add_argument("--out", type=Path, default=None, help="folder for the files (default: a temp dir)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-report-"))
    out.mkdir(parents=True, exist_ok=True)

    t = time.perf_counter()
    prepared = prepare(args.courses, args.resources)
    prep_s = time.perf_counter() - t

    timings: dict[str, float] = {}
    start, cpu_start = time.perf_counter(), time.process_time()
    report = CompletionReport(generated_at=time.time(), sites=[SiteRef("bench", "https://moodle.example.edu.cn")])
    with paused_gc():  # as run_report and render do
        for pack, desired, snapshot, history in prepared:
            completion = course_completion(desired, snapshot, site="bench", pack_title=pack.title,
                                           site_url="https://moodle.example.edu.cn")
            report.courses.append(completion)
            report.coverage.append(pack_coverage(pack, completion))
            report.history[("bench", desired.shortname)] = history
    timings["figures + coverage"] = time.perf_counter() - start
    sizes = {}
    for fmt, name in (("html", "report.html"), ("csv", "report.csv"), ("json", "report.json")):
        t = time.perf_counter()
        write_report(render(report, fmt, lang="zh"), fmt, out / name)
        timings[fmt] = time.perf_counter() - t
        sizes[fmt] = (out / name).stat().st_size
    total, cpu = time.perf_counter() - start, time.process_time() - cpu_start

    print(f"courses={args.courses} resources/course={args.resources} "
          f"(prepared in {prep_s:.2f}s, not timed) → {out}")
    for name, seconds in timings.items():
        size = f"  {sizes[name] / 2**20:6.1f} MiB" if name in sizes else ""
        print(f"  {name:<20} {seconds:6.3f} s{size}")
    print(f"  {'total':<20} {total:6.3f} s   (target ≤ 2 s) {'OK' if total <= 2 else 'OVER'}")
    # The machine may be shared: CPU time shows what the report itself cost.
    print(f"  {'total CPU time':<20} {cpu:6.3f} s   load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
