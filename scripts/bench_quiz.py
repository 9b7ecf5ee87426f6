#!/usr/bin/env python3
"""Benchmark the quiz converter on a large GIFT file (issue 3: 5,000 questions).

Generates a GIFT file of N questions cycling through every type (Chinese text, titles,
feedback, weights, escapes, categories), then times parse + check, writing Moodle XML
and reading that XML back, and reports peak memory: Python allocations (tracemalloc, in
a second, untimed pass) and the process's maximum resident set size.

    .venv/bin/python scripts/bench_quiz.py [--questions 5000] [--keep FILE.gift]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bridge.quiz import load_questions, summarize, to_moodle_xml  # noqa: E402

TEMPLATES = [
    "::单选 {i}::[html]第 {i} 题：下列哪一项是 <b>HTML5</b> 的文档类型声明？{{\n"
    "  =<code>&lt;!DOCTYPE html&gt;</code>#正确。\n  ~<code>&lt;html version\\=\"5\"&gt;</code>#错误。\n"
    "  ~以上都不是\n  ####HTML5 的声明很简短。\n}}",
    "::多选 {i}::第 {i} 题：哪些是块级元素（display\\: block）？{{\n"
    "  ~%50%div\n  ~%50%p\n  ~%-50%span#行内元素。\n  ~%-50%a#行内元素。\n}}",
    "::判断 {i}::第 {i} 题：水在 100℃ 沸腾。{{T#错误。#正确！}}",
    "::填空 {i}::第 {i} 题：“床前明月光”的下一句是{{=疑是地上霜 =%50%疑似地上霜#有错字}}。",
    "::数值 {i}::第 {i} 题：圆周率保留三位小数是多少？{{#\n  =3.142:0.0005#正确。\n  =%50%3.14:0.005\n  ~#再想想。\n}}",
    "::匹配 {i}::第 {i} 题：请把省份与省会对应。{{\n  =广东 -> 广州\n  =浙江 -> 杭州\n  =四川 -> 成都\n  = -> 南京\n}}",
    "::论述 {i}::第 {i} 题：简述响应式布局的思路。{{####可从断点、弹性布局两方面回答。}}",
    "// [id:desc-{i}] [tag:说明]\n::说明 {i}::以下各题考查第 {i} 单元的内容，请认真作答\\: 共 10 分。",
]


def make_gift(count: int) -> str:
    parts = []
    for i in range(count):
        if i % 100 == 0:
            parts.append(f"$CATEGORY: $course$/top/单元 {i // 100 + 1}")
        parts.append(TEMPLATES[i % len(TEMPLATES)].format(i=i + 1))
    return "\n\n".join(parts) + "\n"


def convert(gift: Path, xml_path: Path) -> tuple[dict[str, int], dict[str, float], int]:
    timings = {}
    start = time.perf_counter()
    bank = load_questions(gift)
    timings["parse + check GIFT"] = time.perf_counter() - start
    start = time.perf_counter()
    xml = to_moodle_xml(bank)
    timings["write Moodle XML"] = time.perf_counter() - start
    xml_path.write_bytes(xml)
    start = time.perf_counter()
    again = load_questions(xml_path)
    timings["read Moodle XML back"] = time.perf_counter() - start
    assert len(again.questions) == len(bank.questions)
    return summarize(bank), timings, len(xml)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="also write the generated GIFT file here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        gift = Path(tmp) / "bench.gift"
        gift.write_text(make_gift(args.questions), "utf-8")
        if args.keep:
            args.keep.write_bytes(gift.read_bytes())
        xml_path = Path(tmp) / "bench.xml"

        counts, timings, xml_size = convert(gift, xml_path)
        rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

        tracemalloc.start()
        convert(gift, xml_path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        print(f"GIFT file: {gift.stat().st_size / 1024:.0f} KiB, {sum(counts.values())} questions {counts}")
        print(f"Moodle XML: {xml_size / 1024:.0f} KiB")
        for step, seconds in timings.items():
            print(f"  {step:<22} {seconds * 1000:8.0f} ms")
        gift_to_xml = timings["parse + check GIFT"] + timings["write Moodle XML"]
        print(f"  {'GIFT -> XML total':<22} {gift_to_xml * 1000:8.0f} ms")
        print(f"peak Python allocations (tracemalloc): {peak / 2**20:.1f} MiB")
        print(f"peak resident set size (whole process): {rss_mib:.1f} MiB")


if __name__ == "__main__":
    main()
