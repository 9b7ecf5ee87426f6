#!/usr/bin/env python3
"""Benchmark an Excel question bank (issue 14: a 5,000-row workbook converts in ≤ 2 s).

Writes a workbook of N rows cycling through 单选/多选/判断/填空/简答 (Chinese text, skill
codes, feedback), then times reading + checking it and writing Moodle XML, best of 3.

    .venv/bin/python scripts/bench_sheet.py [--rows 5000] [--keep FILE.xlsx]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from bridge.quiz import load_questions, summarize, to_moodle_xml  # noqa: E402
from bridge.quiz.sheet_template import HEADER  # noqa: E402

ROWS = [
    ["单选题", "第 {i} 题：交换机工作在 OSI 模型的哪一层？", "物理层", "数据链路层", "网络层", "传输层", "", "", "", "",
     "B", "二层交换机按 MAC 地址转发。", 1, "1.1.1", ""],
    ["多选题", "第 {i} 题：以下属于私有 IP 地址段的有？", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "8.8.8.0/24",
     "", "", "", "", "A、B、C", "RFC 1918 规定了三个私有地址段。", 2, "1.1.1, 1.1.2", ""],
    ["判断题", "第 {i} 题：VLAN 可以隔离广播域。", "", "", "", "", "", "", "", "", "对", "", 1, "1.2.1", ""],
    ["填空题", "第 {i} 题：HTTPS 默认端口号是____。", "", "", "", "", "", "", "", "", "443|四四三", "", 1, "1.1.2", ""],
    ["简答题", "第 {i} 题：简述 DHCP 的工作过程。", "", "", "", "", "", "", "", "", "发现、提供、请求、确认四步。", "", 5, "1.2.1", ""],
]


def make(path: Path, rows: int) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("题库")
    sheet.append(HEADER)
    for i in range(rows):
        row = list(ROWS[i % len(ROWS)])
        row[1] = row[1].format(i=i + 1)
        sheet.append(row)
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bank.xlsx"
        make(path, args.rows)
        times, cpu = [], []
        for _ in range(3):
            start, start_cpu = time.perf_counter(), time.process_time()
            bank = load_questions(path)
            xml = to_moodle_xml(bank)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        # CPU time too: on a shared machine the wall clock also counts waiting for a core.
        print(f"{args.rows} rows ({path.stat().st_size / 1024:.0f} KiB) → {len(xml) / 1024:.0f} KiB Moodle XML: "
              f"wall best {min(times):.2f} s, worst {max(times):.2f} s; CPU best {min(cpu):.2f} s "
              f"(target ≤ 2 s); load average {os.getloadavg()[0]:.1f}; {summarize(bank)}")


if __name__ == "__main__":
    main()
