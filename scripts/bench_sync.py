#!/usr/bin/env python3
"""Benchmark the sync against the sandbox (run by hand; prints numbers, asserts nothing).

1. No-op sync of COURSES × RESOURCES (default 100 × 200): HTTP calls (target: ≤ 1 read
   per course, 0 writes) and wall time (target ≤ 3 s).
2. First sync of a smaller set with 50 ms injected latency per call, 1 vs 4 workers
   (workers run courses and uploads side by side, never two writes to one course; with
   upserts batched a course costs a handful of calls, so the speed-up is across courses:
   about 3× for 8 courses).
3. First sync of the sample packs (resource_packs/): HTTP calls per created resource
   (target: ≤ 1.0), and no module write ever overlapping another in the same course.

The sandbox runs in its own process so its work does not share this one's GIL.

    .venv/bin/python scripts/bench_sync.py [--courses 100] [--resources 200]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bridge.config import Config, Site  # noqa: E402
from bridge.sync.progress import Reporter  # noqa: E402
from bridge.sync.run import RunOptions, sync_site  # noqa: E402

STANDARD = REPO / "tests" / "data" / "library" / "standards" / "mini.toml"
SANDBOX_CODE = """
import sys, threading
from pathlib import Path
from bridge.sandbox import Sandbox
with Sandbox(Path(sys.argv[1])) as sb:
    print(sb.url, sb.token, flush=True)
    sys.stdin.read()
"""


def write_packs(root: Path, courses: int, resources: int, per_section: int = 25) -> Path:
    """``courses`` packs of ``resources`` resources each: a quarter each files, pages, urls, labels."""
    packs = root / "packs"
    (packs / "standards").mkdir(parents=True)
    (packs / "standards" / "mini.toml").write_bytes(STANDARD.read_bytes())
    for c in range(courses):
        folder = packs / f"bench{c:03d}"
        (folder / "files").mkdir(parents=True)
        (folder / "pages").mkdir()
        lines = ["[pack]", f'id = "bench{c:03d}"', 'title = "Bench"', 'version = "1.0.0"', 'owners = ["B <b@x.cn>"]',
                 "[certificate]", 'name = "Web前端开发"', 'issuer = "工业和信息化部教育与考试中心"', 'level = "初级"',
                 'standard = "mini"', "[course]", f'shortname = "BENCH-{c:03d}"', 'fullname = "Bench course"',
                 'category = "Bench / Sync"', "target = 0.5"]
        for r in range(resources):
            if r % per_section == 0:
                lines += ["[[sections]]", f'title = "Section {r // per_section + 1}"']
            kind = ("file", "page", "url", "label")[r % 4]
            lines += ["  [[sections.resources]]", f'  id = "r{r:03d}"', f'  type = "{kind}"']
            if kind == "file":
                (folder / "files" / f"r{r:03d}.txt").write_text(f"file {c} {r}\n" * 20)
                lines += [f'  title = "File {r}"', f'  source = "files/r{r:03d}.txt"', '  skills = ["1.1.1"]']
            elif kind == "page":
                (folder / "pages" / f"r{r:03d}.html").write_text(f"<p>page {c} {r}</p>")
                lines += [f'  title = "Page {r}"', f'  source = "pages/r{r:03d}.html"', '  skills = ["1.1.2"]']
            elif kind == "url":
                lines += [f'  title = "Link {r}"', f'  url = "https://example.edu.cn/{c}/{r}"', '  skills = ["1.2.1"]']
            else:
                lines += [f'  text = "<p>note {c} {r}</p>"']
        (folder / "pack.toml").write_text("\n".join(lines) + "\n", "utf-8")
    return packs


class SandboxProcess:
    def __init__(self, data: Path):
        self.proc = subprocess.Popen([sys.executable, "-c", SANDBOX_CODE, str(data)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, cwd=REPO)
        self.url, self.token = self.proc.stdout.readline().split()

    def admin(self, action: str, **args):
        response = requests.post(self.url + "/_sandbox/admin", json={"action": action, **args},
                                 headers={"X-Sandbox-Admin": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()

    def calls(self) -> list[dict]:
        data = self.admin("calls")
        return data.get("result", data) if isinstance(data, dict) else data

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def run(sandbox: SandboxProcess, packs: Path, state: Path, workers: int) -> tuple[dict, float]:
    os.environ["BENCH_TOKEN"] = sandbox.token
    site = Site(name="bench", url=sandbox.url, token_env="BENCH_TOKEN", workers=workers)
    config = Config(sites=[site], packs=[packs], state_dir=state)
    started = time.perf_counter()
    summary = sync_site(config, site, RunOptions(packs=[packs], workers=workers), Reporter())
    return summary, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=100)
    parser.add_argument("--resources", type=int, default=200)
    parser.add_argument("--latency-courses", type=int, default=12)
    parser.add_argument("--latency-resources", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        tmp = Path(tmp)
        packs = write_packs(tmp / "big", args.courses, args.resources)
        sandbox = SandboxProcess(tmp / "big" / "sandbox")
        try:
            summary, first = run(sandbox, packs, tmp / "big" / "state", 4)
            print(f"first sync, {args.courses} x {args.resources}: {first:.1f} s, exit {summary['exit_code']}, "
                  f"{summary['summary']}")
            for attempt in (1, 2):
                sandbox.admin("reset_calls")
                summary, noop = run(sandbox, packs, tmp / "big" / "state", 2)
                calls = sandbox.calls()
                reads = sum(1 for c in calls if not c["write"])
                writes = sum(1 for c in calls if c["write"])
                print(f"no-op sync #{attempt}: {noop:.2f} s wall, {len(calls)} HTTP calls ({reads} reads = "
                      f"{reads / args.courses:.2f} per course, {writes} writes); client counted "
                      f"{summary['calls']['http_requests']} requests; changes {summary['summary']}; "
                      f"phases {summary['timings_s']}")
        finally:
            sandbox.stop()

        small = write_packs(tmp / "small", args.latency_courses, args.latency_resources, per_section=5)
        times = {}
        for workers in (1, 4):
            sandbox = SandboxProcess(tmp / f"lat{workers}" / "sandbox")
            try:
                sandbox.admin("set_faults", latency_ms=50)
                summary, elapsed = run(sandbox, small, tmp / f"lat{workers}" / "state", workers)
                times[workers] = elapsed
                print(f"first sync {args.latency_courses} x {args.latency_resources}, 50 ms latency, "
                      f"{workers} worker(s): {elapsed:.2f} s ({summary['calls']['http_requests']} requests, "
                      f"exit {summary['exit_code']})")
            finally:
                sandbox.stop()
        print(f"speed-up 4 vs 1 workers: {times[1] / times[4]:.2f}x")

        samples = REPO / "resource_packs"
        sandbox = SandboxProcess(tmp / "samples" / "sandbox")
        try:
            sandbox.admin("set_faults", latency_ms=20)  # so that any overlap in a course would show
            summary, elapsed = run(sandbox, samples, tmp / "samples" / "state", 4)
            created = summary["summary"]["create"]
            per_resource = summary["calls"]["http_requests"] / max(1, created)
            overlaps = sandbox.admin("course_write_overlaps")["result"]
            print(f"first sync of the samples, 4 workers: {summary['calls']['http_requests']} HTTP calls for "
                  f"{created} created resources = {per_resource:.2f} per resource (target ≤ 1.0); "
                  f"{len(overlaps)} overlapping writes in one course; exit {summary['exit_code']}; "
                  f"{summary['calls']['by_function']}")
        finally:
            sandbox.stop()
        print(json.dumps({"noop_s": round(noop, 3), "speedup": round(times[1] / times[4], 2),
                          "calls_per_created_resource": round(per_resource, 2)}))


if __name__ == "__main__":
    main()
