#!/usr/bin/env python3
"""Benchmark hostile pack input (issue 11): a quiz file of a million one-line questions
(within the 20 MiB size limit), the same with IME punctuation in every answer block, and
the same count as Moodle XML, validated by the CLI.

Each case runs ``certbridge quiz check`` and ``certbridge validate`` of a one-resource
pack in a fresh process and reports the exit code, wall time and peak RSS of that process
and its children (the page renderer included).

    .venv/bin/python scripts/bench_hostile.py [--questions 1000000]
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CERTBRIDGE = Path(sys.executable).with_name("certbridge")

PACK = """[pack]
id = "bomb"
title = "bomb"
version = "1"
owners = ["x"]
kind = "library"

[[sections]]
title = "s"
  [[sections.resources]]
  id = "q"
  type = "quiz"
  title = "q"
  source = "{source}"
"""


def run(args: list[str]) -> tuple[int, float, float]:
    """Exit code, seconds, peak RSS in MiB of one command (each run in its own process)."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            "print(r.returncode, time.perf_counter() - t, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True).stdout
    rc, seconds, mib = out.split()
    return int(rc), float(seconds), float(mib)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bomb"
        folder.mkdir()
        (folder / "q.gift").write_text("".join(f"Q{i}{{T}}\n\n" for i in range(args.questions)), "utf-8")
        (folder / "ime.gift").write_text("".join(f"Q{i}{{＝A ～B}}\n\n" for i in range(args.questions)), "utf-8")
        (folder / "q.xml").write_text("<quiz>" + "<question/>" * args.questions + "</quiz>",
                                      "utf-8")
        print(f"{args.questions:,} questions: GIFT {(folder / 'q.gift').stat().st_size / 2**20:.1f} MiB, "
              f"XML {(folder / 'q.xml').stat().st_size / 2**20:.1f} MiB")
        for name in ("q.gift", "ime.gift", "q.xml"):
            (folder / "pack.toml").write_text(PACK.format(source=name), "utf-8")
            for label, cmd in (("quiz check", [str(CERTBRIDGE), "quiz", "check", str(folder / name)]),
                               ("validate", [str(CERTBRIDGE), "validate", str(folder)])):
                rc, seconds, mib = run(cmd)
                print(f"{name:8} {label:10}  exit {rc}  {seconds:6.2f} s  peak RSS {mib:6.0f} MiB")


if __name__ == "__main__":
    main()
