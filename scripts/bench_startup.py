#!/usr/bin/env python3
"""Benchmark how fast the ``certbridge`` command starts (run by hand; prints numbers,
asserts nothing). Each command runs RUNS times as its own process, as a teacher runs it;
the median wall time is compared with its target (docs/architecture.md):

- ``certbridge --version`` and ``certbridge --help``: ≤ 0.15 s
- ``certbridge validate`` of one sample pack: ≤ 0.5 s
- ``certbridge quiz check`` of one sample quiz (no target; for reference)

    .venv/bin/python scripts/bench_startup.py [--runs 15]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACK = REPO / "resource_packs" / "web-frontend-basic"


def certbridge() -> list[str]:
    """The installed entry point next to this Python (what users run), else the module."""
    script = Path(sys.executable).with_name("certbridge")
    if script.exists():
        return [str(script)]
    found = shutil.which("certbridge")
    return [found] if found else [sys.executable, "-c", "from bridge.cli import main; main()"]


def median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    cmd = certbridge()
    quiz = next(PACK.glob("quizzes/*"), None)
    cases = [("--version", ["--version"], 0.15), ("--help", ["--help"], 0.15),
             (f"validate {PACK.name}", ["validate", str(PACK)], 0.5)]
    if quiz is not None:
        cases.append((f"quiz check {quiz.name}", ["quiz", "check", str(quiz)], None))
    median_seconds(cmd + ["--version"], 2)  # warm the file cache
    print(f"certbridge startup, median of {args.runs} runs ({' '.join(cmd)})")
    for label, argv, target in cases:
        seconds = median_seconds(cmd + argv, args.runs)
        verdict = "" if target is None else f"  target ≤ {target:.2f} s: {'ok' if seconds <= target else 'MISSED'}"
        print(f"  {label:<32} {seconds:6.3f} s{verdict}")


if __name__ == "__main__":
    main()
