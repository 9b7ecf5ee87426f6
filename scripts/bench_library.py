#!/usr/bin/env python3
"""Benchmark the resource library: index build, search latency, catalogue build.

Generates a library of 100 packs × 100 resources (one shared ``kind = "library"`` pack
and 99 course packs that each also reuse 5 of its resources) in a temp folder, then
prints timings. Targets (issue 8): search ≤ 200 ms, site build ≤ 10 s.

    .venv/bin/python scripts/bench_library.py [--packs 100] [--per-pack 100] [--keep DIR]
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bridge.library.index import build_index  # noqa: E402
from bridge.library.search import Query, search  # noqa: E402
from bridge.library.site import build_site  # noqa: E402
from bridge.pack import load_catalog  # noqa: E402
from bridge.pack.standard import load_standard  # noqa: E402

STANDARDS = [("web-frontend", "初级"), ("cloud-computing", "中级"), ("bigdata-python", "初级")]
WORDS = ("页面 结构 样式 布局 盒模型 选择器 浮动 定位 响应式 媒体查询 弹性盒 网格 脚本 事件 表单 校验 "
         "虚拟化 容器 镜像 网络 存储 监控 部署 数据 清洗 分析 可视化 爬虫 数据库 接口 测试 项目 实训 "
         "HTML CSS JavaScript Flex Grid Docker Kubernetes Python pandas Linux Nginx").split()
GIFT = """::Q1:: {w} 的作用是？ {{=正确答案 ~错误答案 ~另一个错误答案}}

::Q2:: {w} 属于前端技术。{{T}}

::Q3:: 写出 {w} 的英文名称。{{=answer}}
"""


def words(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) + ("，" if rng.random() < 0.15 else "") for _ in range(n))


def toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(base: Path, n_packs: int, per_pack: int, seed: int = 8) -> int:
    """Write the library; return the number of authored resources."""
    rng = random.Random(seed)
    (base / "standards").mkdir(parents=True)
    codes = {}
    for std_id, level in STANDARDS:
        shutil.copy(ROOT / "resource_packs" / "standards" / f"{std_id}.toml", base / "standards")
        standard, _ = load_standard(base / "standards" / f"{std_id}.toml")
        codes[std_id] = [r.code for r in standard.requirements(level)]
    authored = 0
    for p in range(n_packs):
        pack_id = "shared" if p == 0 else f"course-{p:03d}"
        root = base / pack_id
        (root / "files").mkdir(parents=True)
        (root / "quizzes").mkdir()
        (root / "pages").mkdir()
        std_id, level = STANDARDS[p % len(STANDARDS)]
        lines = [f'[pack]\nid = "{pack_id}"\ntitle = {toml_str(words(rng, 4) + " 资源包")}\nversion = "1.0.0"\n'
                 f'owners = ["教师 <t{p}@example.edu.cn>"]\n']
        if p == 0:
            lines.append('kind = "library"\n')
        else:
            lines.append(f'[certificate]\nname = "证书 {std_id}"\nissuer = "评价组织"\nlevel = "{level}"\n'
                         f'standard = "{std_id}"\n\n[course]\nshortname = "BENCH-{p:03d}"\n'
                         f'fullname = {toml_str(words(rng, 3) + "课程")}\ncategory = "基准测试 / 专业 {p % 7}"\n')
        for s in range(10):
            lines.append(f'\n[[sections]]\ntitle = {toml_str(f"单元 {s + 1}：" + words(rng, 3))}\n')
            for i in range(per_pack // 10):
                n = s * (per_pack // 10) + i
                rid = f"r{n:03d}"
                skills = rng.sample(codes["web-frontend" if p == 0 else std_id], 2)
                head = (f'\n  [[sections.resources]]\n  id = "{rid}"\n  title = {toml_str(words(rng, 5))}\n'
                        f'  skills = [{", ".join(toml_str(c) for c in skills)}]\n')
                kind = rng.random()
                if kind < 0.40:
                    body = "".join(f"<p>{words(rng, 40)}</p>" for _ in range(6))
                    lines.append(head + f'  type = "page"\n  template = "lesson.html"\n  [sections.resources.vars]\n'
                                        f'  objectives = [{toml_str(words(rng, 8))}, {toml_str(words(rng, 8))}]\n'
                                        f'  body = {toml_str(body)}\n')
                elif kind < 0.50:
                    (root / "pages" / f"{rid}.html").write_text(f"<h2>{words(rng, 4)}</h2><p>{words(rng, 120)}</p>",
                                                                encoding="utf-8")
                    lines.append(head + f'  type = "page"\n  source = "pages/{rid}.html"\n')
                elif kind < 0.70:
                    (root / "files" / f"{rid}.pdf").write_bytes(b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(256)))
                    lines.append(head + f'  type = "file"\n  source = "files/{rid}.pdf"\n')
                elif kind < 0.85:
                    lines.append(head + f'  type = "url"\n  url = "https://example.edu.cn/{pack_id}/{rid}"\n')
                elif kind < 0.95:
                    (root / "quizzes" / f"{rid}.gift").write_text(GIFT.format(w=rng.choice(WORDS)), encoding="utf-8")
                    lines.append(head + f'  type = "quiz"\n  source = "quizzes/{rid}.gift"\n')
                else:
                    lines.append(head + f'  type = "file"\n  status = "planned"\n')
                authored += 1
        if p:
            lines.append('\n[[sections]]\ntitle = "共享资源"\n')
            for k in range(5):
                target = f"shared:r{rng.randrange(per_pack):03d}"
                lines.append(f'\n  [[sections.resources]]\n  id = "shared-{k}"\n  use = "{target}"\n  skills = []\n')
        (root / "pack.toml").write_text("".join(lines), encoding="utf-8")
    return authored


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def timed_cpu(fn):
    """Wall and CPU seconds: the machine is shared, so CPU time shows what the code costs."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packs", type=int, default=100)
    parser.add_argument("--per-pack", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="generate here and keep it (default: a temp folder)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-library-"))
    base = args.keep or tmp / "packs"
    try:
        authored, t_gen = timed(lambda: generate(base, args.packs, args.per_pack))
        print(f"generated {authored} resources in {args.packs} packs ({t_gen:.2f} s)")
        catalog, t_load = timed(lambda: load_catalog([base], check_content=False))
        errors = [p for p in catalog.problems if p.severity == "error"]
        if errors:
            sys.exit(f"generated library is invalid: {errors[:3]}")
        index, t_index = timed(lambda: build_index(catalog))
        print(f"load packs:        {t_load * 1000:8.0f} ms")
        print(f"build index:       {t_index * 1000:8.0f} ms   ({len(index.resources)} resources)")
        _, t_text = timed(lambda: search(index, Query(text="盒模型")))
        print(f"first text search: {t_text * 1000:8.0f} ms   (renders every page once)")
        queries = [Query(text="盒模型"), Query(text="css 布局"), Query(text="Kubernetes 镜像"),
                   Query(text="没有这个词"), Query(skill="1.2", level="初级"), Query(type="quiz", status="ready"),
                   Query(text="响应式", certificate="web-frontend"), Query()]
        for query in queries:
            times = []
            for _ in range(5):
                hits, t = timed(lambda: search(index, query))
                times.append(t)
            label = " ".join(f"{k}={v!r}" for k, v in vars(query).items() if v) or "(everything)"
            print(f"search {label:42s} median {statistics.median(times) * 1000:6.1f} ms  "
                  f"max {max(times) * 1000:6.1f} ms  {len(hits)} hits")
        summary, t_site, c_site = timed_cpu(lambda: build_site(index, tmp / "site"))
        print(f"site build:        {t_site * 1000:8.0f} ms   (CPU {c_site * 1000:.0f} ms; {summary.pages} pages, "
              f"index already built)")

        def cold() -> None:
            build_site(build_index(load_catalog([base], check_content=False)), tmp / "site")
        _, t_cold, c_cold = timed_cpu(cold)
        print(f"site build, cold:  {t_cold * 1000:8.0f} ms   (CPU {c_cold * 1000:.0f} ms; load + index + render + write)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
