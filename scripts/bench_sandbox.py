#!/usr/bin/env python3
"""Benchmark: calls/s of local_certbridge_get_modules on a 200-module course.

Runs `certbridge sandbox` in a child process (so client and server do not share a GIL),
fills one course with 200 modules, then calls get_modules from 1, 2 and 4 client threads
(keep-alive ``http.client`` connections: lighter than requests, so the client side is not
what gets measured) for a few seconds each. Run by hand:

    .venv/bin/python scripts/bench_sandbox.py [--seconds 3] [--modules 200]
"""
from __future__ import annotations

import argparse
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlencode, urlsplit

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--threads", default="1,2,4")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        proc = subprocess.Popen([sys.executable, "-c", "from bridge.cli import main; main()", "sandbox", "--data", data],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
        try:
            url = proc.stdout.readline().strip().split("=", 1)[1]
            token = proc.stdout.readline().strip().split("=", 1)[1]
            run(url, token, args)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)


def run(url: str, token: str, args: argparse.Namespace) -> None:
    endpoint = url + "/webservice/rest/server.php"
    session = requests.Session()

    def call(fn: str, **params) -> object:
        data = {"wstoken": token, "wsfunction": fn, "moodlewsrestformat": "json", **params}
        return session.post(endpoint, data=data).json()

    courseid = call("core_course_create_courses", **{"courses[0][fullname]": "Bench", "courses[0][shortname]": "BENCH",
                                                     "courses[0][categoryid]": 1})[0]["id"]
    started = time.perf_counter()
    for i in range(args.modules):
        call("local_certbridge_upsert_module", courseid=courseid, idnumber=f"certbridge:bench:m{i:03d}",
             modname="page", section=1 + i % 10, name=f"Page {i}", content=f"<p>page {i}</p>")
    fill = time.perf_counter() - started
    print(f"filled {args.modules} modules with upsert_module: {args.modules / fill:.0f} writes/s")
    params = {"wstoken": token, "wsfunction": "local_certbridge_get_modules", "moodlewsrestformat": "json",
              "courseid": courseid, "prefix": "certbridge:bench:"}
    assert len(requests.post(endpoint, data=params).json()["modules"]) == args.modules
    host, port = urlsplit(url).hostname, urlsplit(url).port

    for threads in (int(t) for t in args.threads.split(",")):
        counts = [0] * threads
        deadline = time.perf_counter() + args.seconds

        def worker(slot: int) -> None:
            conn = http.client.HTTPConnection(host, port)
            body = urlencode(params)
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            while time.perf_counter() < deadline:
                conn.request("POST", "/webservice/rest/server.php", body=body, headers=headers)
                reply = conn.getresponse()
                reply.read()
                assert reply.status == 200
                counts[slot] += 1
            conn.close()

        pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
        t0 = time.perf_counter()
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        elapsed = time.perf_counter() - t0
        print(f"get_modules ({args.modules} modules), {threads} client thread(s): {sum(counts) / elapsed:.0f} calls/s")


if __name__ == "__main__":
    main()
