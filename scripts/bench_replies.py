#!/usr/bin/env python3
"""Benchmark what checking every reply's shape costs: a no-op sync of 200 courses × 200
resources reads 40,000 module entries, each checked by ``shapes.check_reply`` before use.
Prints, per listing size, the time to parse the JSON, to check its shape and to build the
``RemoteModule`` objects. Target: the check costs well under building the objects.

    .venv/bin/python scripts/bench_replies.py [--modules 200 2000 20000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson  # noqa: E402

from bridge.moodle.shapes import check_reply  # noqa: E402
from bridge.moodle.types import RemoteModule  # noqa: E402

MODULE = {"idnumber": "certbridge:web-frontend-basic:r", "cmid": 41, "instance": 12, "modname": "page",
          "name": "HTML 文档结构与语义化标签", "section": 1, "sectionvisible": 1, "position": 0, "visible": 1,
          "visibleoncoursepage": 1, "stealth": 0, "deletioninprogress": 0, "timemodified": 1764370000,
          "fingerprint": "3f786850e387550fdab836ed7e6dc881de23001b"}


def best_ms(work, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, nargs="+", default=[200, 2000, 20000])
    args = parser.parse_args()
    print(f"{'modules':>8} {'parse ms':>9} {'check ms':>9} {'objects ms':>11}")
    for n in args.modules:
        raw = orjson.dumps({"courseid": 7, "api_version": 1, "plugin_version": 2026112800,
                            "modules": [dict(MODULE, idnumber=f"{MODULE['idnumber']}{i}", cmid=i) for i in range(n)]})
        body = orjson.loads(raw)
        parse = best_ms(lambda: orjson.loads(raw))
        check = best_ms(lambda: check_reply("local_certbridge_get_modules", body))
        build = best_ms(lambda: [RemoteModule.from_json(m) for m in body["modules"]])
        print(f"{n:>8} {parse:>9.2f} {check:>9.2f} {build:>11.2f}")


if __name__ == "__main__":
    main()
