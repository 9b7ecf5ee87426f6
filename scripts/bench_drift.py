#!/usr/bin/env python3
"""What keeping hand edits costs (run by hand; prints numbers, asserts nothing).

One course of N pages and N files (default 100 + 100), synced into the sandbox (in its own
process). Then every module is changed in Moodle and synced back twice:

1. as a pack change (the state says Moodle still holds what we wrote: nothing is kept);
2. as hand edits (``restore``: each module's version is exported, files downloaded, and
   kept under the state folder before it is overwritten).

The difference is the price of never losing a teacher's edit: calls, wall time, bytes kept.

    .venv/bin/python scripts/bench_drift.py [--pages 100] [--files 100] [--file-kib 256]
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
sys.path.insert(0, str(REPO / "scripts"))

from bench_sync import SANDBOX_CODE, STANDARD  # noqa: E402  (the sandbox in its own process)
from bridge.config import Config, Site  # noqa: E402
from bridge.sync.run import RunOptions, sync_site  # noqa: E402
from bridge.sync.progress import Reporter  # noqa: E402
from bridge.sync.state import StateStore  # noqa: E402


def write_pack(root: Path, pages: int, files: int, file_bytes: int) -> Path:
    (root / "standards").mkdir(parents=True)
    (root / "standards" / "mini.toml").write_bytes(STANDARD.read_bytes())
    folder = root / "bench"
    (folder / "pages").mkdir(parents=True)
    (folder / "files").mkdir()
    lines = ['[pack]', 'id = "bench"', 'title = "Bench"', 'version = "1.0.0"', 'owners = ["B <b@x.cn>"]',
             '[certificate]', 'name = "Web前端开发"', 'issuer = "工业和信息化部教育与考试中心"', 'level = "初级"',
             'standard = "mini"', '[course]', 'shortname = "BENCH-DRIFT"', 'fullname = "Bench"', 'category = "Bench"',
             '[[sections]]', 'title = "一"']
    for i in range(pages):
        (folder / "pages" / f"p{i}.html").write_text(f"<p>page {i}</p>\n" * 50, "utf-8")
        lines += ['[[sections.resources]]', f'id = "p{i}"', 'type = "page"', f'title = "Page {i}"',
                  f'source = "pages/p{i}.html"', 'skills = ["1.1.1"]']
    for i in range(files):
        (folder / "files" / f"f{i}.bin").write_bytes(os.urandom(file_bytes))
        lines += ['[[sections.resources]]', f'id = "f{i}"', 'type = "file"', f'title = "File {i}"',
                  f'source = "files/f{i}.bin"', 'skills = ["1.1.1"]']
    (folder / "pack.toml").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def admin(url: str, token: str, **body):
    reply = requests.post(url + "/_sandbox/admin", json=body, headers={"X-Sandbox-Admin": token}, timeout=60)
    reply.raise_for_status()
    return reply.json()["result"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--file-kib", type=int, default=256)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        server = subprocess.Popen([sys.executable, "-c", SANDBOX_CODE, str(tmp / "sb")], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, cwd=REPO)
        try:
            url, token = server.stdout.readline().split()
            folder = write_pack(tmp / "packs", args.pages, args.files, args.file_kib * 1024)
            os.environ["BENCH_TOKEN"] = token
            site = Site(name="bench", url=url, token_env="BENCH_TOKEN", workers=4)
            config = Config(sites=[site], packs=[tmp / "packs"], state_dir=tmp / "state")
            summary = sync_site(config, site, RunOptions(packs=[folder]), Reporter())
            assert summary["exit_code"] == 0, summary
            ids = [f"certbridge:bench:p{i}" for i in range(args.pages)] + \
                  [f"certbridge:bench:f{i}" for i in range(args.files)]

            def edit_all(n: int) -> None:
                for idnumber in ids:
                    content = f"<p>edited {n}</p>" if ":p" in idnumber else f"edited file {n}"
                    admin(url, token, action="set_module_content", idnumber=idnumber, content=content)

            def run(label: str) -> None:
                started = time.perf_counter()
                done = sync_site(config, site, RunOptions(packs=[folder]), Reporter())
                seconds = time.perf_counter() - started
                kept = len(done["kept"])
                size = sum(p.stat().st_size for p in (tmp / "state" / "drift").rglob("*") if p.is_file()) \
                    if (tmp / "state" / "drift").exists() else 0
                calls = done["calls"]["by_function"]
                print(json.dumps({"run": label, "seconds": round(seconds, 2), "updated": done["summary"]["update"],
                                  "kept": kept, "export_calls": calls.get("local_certbridge_export_module", 0),
                                  "downloads": calls.get("webservice/pluginfile.php", 0),
                                  "http_requests": done["calls"]["http_requests"], "drift_dir_bytes": size}))

            # 1. The same change, but as if the pack had changed: make the state agree with Moodle.
            edit_all(1)
            with StateStore(config.state_path(site)) as store:
                remote = {m["idnumber"]: m for m in admin(url, token, action="modules")}
                rows = store.module_rows("bench")
                store.save_modules([r.__class__(**{**r.__dict__, "fingerprint": remote[i]["fingerprint"]})
                                    for i, r in rows.items()])
            run("pack change (nothing kept)")
            # 2. Hand edits: kept, then restored.
            edit_all(2)
            run("hand edits (restore: kept first)")
        finally:
            server.stdin.close()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
