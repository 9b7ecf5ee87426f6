#!/usr/bin/env python3
"""Benchmark and soak the sync against a real Moodle (run by hand; prints numbers,
asserts nothing). Needs CERTBRIDGE_URL and CERTBRIDGE_TOKEN for a test site whose
courses may be wiped, and a command that empties it between fresh syncs.

1. ``--soak N``: N consecutive fresh first syncs of the sample packs at ``--workers``
   (default 4): empty the site, drop the state, sync; prints each run's exit code, failed
   actions, HTTP calls and time, then how many failed.
2. ``--first N``: the first sync at 1 worker, N fresh runs: median wall time (target ≤ 2.5 s)
   and HTTP calls per created resource (target ≤ 1.0).
3. ``--noop N`` (and after ``--first``): no-op syncs at 1 and 2 workers against the time of
   their listing calls alone (``get_modules`` per course, one after another): target ≤ 2×.
4. ``--stress N``: N rounds breaking the client's rule on purpose — 48 concurrent
   ``upsert_module`` calls across 4 sections of 3 new courses, 8 at a time: the plugin's
   per-course lock must leave 0 errors (1.0.0, without it, failed some with "Error writing
   to database": duplicate key on mdl_cont_conins_uix).

    CERTBRIDGE_URL=… CERTBRIDGE_TOKEN=… .venv/bin/python scripts/bench_moodle.py \\
        --reset-command "/path/to/reset-site.sh a" --soak 20 --first 9 --stress 5
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bridge.moodle import MoodleClient  # noqa: E402
from bridge.pack.model import idnumber_prefix  # noqa: E402


def certbridge() -> list[str]:
    script = Path(sys.executable).with_name("certbridge")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from bridge.cli import main; main()"]


def sync(state: Path, workers: int) -> dict:
    env = dict(os.environ, CERTBRIDGE_STATE_DIR=str(state), CERTBRIDGE_TEMPLATES=str(REPO / "templates"))
    env.pop("CERTBRIDGE_CONFIG", None)
    started = time.perf_counter()
    out = subprocess.run(certbridge() + ["sync", str(REPO / "resource_packs"), "--workers", str(workers),
                                         "--log-format", "json"], cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    summary = next((line for line in reversed(lines) if line.get("event") == "summary"), None)
    failures = [line for line in lines if line.get("event") in ("failure", "error")]
    return {"exit": out.returncode, "wall": wall, "summary": summary, "failures": failures}


def fresh(reset: list[str], state: Path) -> None:
    subprocess.run(reset, check=True, capture_output=True)
    shutil.rmtree(state, ignore_errors=True)


def describe(run: dict) -> str:
    s = run["summary"] or {}
    calls = (s.get("calls") or {}).get("http_requests")
    counts = s.get("summary") or {}
    first = run["failures"][0].get("message", "") if run["failures"] else ""
    return (f"exit {run['exit']}, created {counts.get('create')}, failed {counts.get('failed')}, "
            f"{calls} HTTP calls, {run['wall']:.2f} s wall {first[:160]}")


def stress(rounds: int) -> None:
    url, token = os.environ["CERTBRIDGE_URL"], os.environ["CERTBRIDGE_TOKEN"]

    def create(job: tuple[int, int, int]) -> str:
        courseid, section, k = job
        with MoodleClient(url, token) as client:
            try:
                client.upsert_module(courseid, idnumber=f"certbridge:stress:{section}-{k}", modname="page",
                                     section=section, name=f"P{section}.{k}", content=f"<p>{section}.{k}</p>")
                return "ok"
            except Exception as err:  # noqa: BLE001 - counted and shown
                return f"{type(err).__name__}: {getattr(err, 'remote_message', '') or err}"[:160]

    errors: Counter = Counter()
    for r in range(1, rounds + 1):
        run = uuid.uuid4().hex[:6]
        with MoodleClient(url, token) as client:
            courses = [client.create_course(f"STRESS-{run}-{i}", "certbridge stress", 1)["id"] for i in range(3)]
            for courseid in courses:
                client.ensure_sections(courseid, [(s, f"S{s}") for s in range(1, 5)])
        jobs = [(courseid, s, k) for courseid in courses for s in range(1, 5) for k in range(4)]
        with ThreadPoolExecutor(8) as pool:
            results = Counter(pool.map(create, jobs))
        errors.update(k for k in results.elements() if k != "ok")
        print(f"stress round {r}/{rounds}: {dict(results)}", flush=True)
    print(f"stress: {48 * rounds - sum(errors.values())}/{48 * rounds} concurrent creates succeeded; errors "
          f"{dict(errors)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reset-command", required=True, help="empties the test site (run before each fresh sync)")
    parser.add_argument("--soak", type=int, default=0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--noop", type=int, default=0, help="no-op syncs to time (at least 5 after --first)")
    parser.add_argument("--stress", type=int, default=0, help="rounds of 48 concurrent creates in 3 courses")
    args = parser.parse_args()
    reset = shlex.split(args.reset_command)
    with tempfile.TemporaryDirectory(prefix="bench-moodle-") as tmp:
        state = Path(tmp) / "state"
        if args.soak:
            bad = 0
            for i in range(1, args.soak + 1):
                fresh(reset, state)
                run = sync(state, args.workers)
                bad += run["exit"] != 0 or bool(run["failures"])
                print(f"soak {i:2d}/{args.soak} at {args.workers} workers: {describe(run)}", flush=True)
            print(f"soak: {args.soak - bad}/{args.soak} fresh first syncs without any failure")
        if args.first:
            walls, per_resource = [], []
            for i in range(1, args.first + 1):
                fresh(reset, state)
                run = sync(state, 1)
                walls.append((run["summary"] or {}).get("duration_s", run["wall"]))
                created = run["summary"]["summary"]["create"] if run["summary"] else 0
                per_resource.append(run["summary"]["calls"]["http_requests"] / max(1, created))
                print(f"first sync {i}/{args.first} at 1 worker: {describe(run)}", flush=True)
            print(f"first sync at 1 worker: median {statistics.median(walls):.2f} s of {args.first} "
                  f"(target ≤ 2.5 s); {statistics.median(per_resource):.2f} HTTP calls per created resource")
        if args.stress:
            subprocess.run(reset, check=True, capture_output=True)
            stress(args.stress)
        if args.first or args.noop:
            if not args.first:
                fresh(reset, state)
                sync(state, 1)
            for workers in (1, 2):
                noops = [sync(state, workers) for _ in range(max(5, args.noop))]
                noop = statistics.median(r["summary"].get("duration_s", r["wall"]) for r in noops)
                wall = statistics.median(r["wall"] for r in noops)
                courses = list(noops[-1]["summary"]["courses"])
                with MoodleClient(os.environ["CERTBRIDGE_URL"], os.environ["CERTBRIDGE_TOKEN"]) as client:
                    listing = []
                    for _ in range(len(noops)):
                        started = time.perf_counter()
                        for course in courses:
                            client.get_modules(course["courseid"], idnumber_prefix(course["pack"]))
                        listing.append(time.perf_counter() - started)
                alone = statistics.median(listing)
                print(f"no-op sync at {workers} worker(s): {describe(noops[-1])}; median duration_s {noop:.3f} s "
                      f"(process wall {wall:.2f} s) vs its {len(courses)} listing calls alone {alone:.3f} s: "
                      f"{noop / alone:.1f}x (target ≤ 2x)")


if __name__ == "__main__":
    main()
