#!/usr/bin/env python3
"""Benchmark: stream a large file through ``MoodleClient.upload_files``.

Starts a tiny streaming sink on loopback (in a child process, so only the client's
memory is measured) that answers like ``webservice/upload.php``, uploads a file of
``--size`` MiB (sparse by default) and prints peak RSS and throughput.

    .venv/bin/python scripts/bench_upload.py            # 1 GiB, target peak RSS <= 80 MiB
    .venv/bin/python scripts/bench_upload.py --size 64 --random

Run by hand; never as a timed test. ``SinkServer`` is also used by the upload tests.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHUNK = 1 << 16


class MultipartSink:
    """Parses a multipart body fed in chunks, keeping only each part's size and SHA-1."""

    def __init__(self, boundary: bytes, hash_files: bool):
        self.delimiter = b"\r\n--" + boundary
        self.hash_files = hash_files
        self.parts: list[dict] = []
        self._buffer = b"\r\n"  # the first delimiter has no leading CRLF
        self._part: dict | None = None
        self._in_headers = False
        self.done = False

    def feed(self, data: bytes) -> None:
        self._buffer += data
        while not self.done:
            if self._in_headers:
                end = self._buffer.find(b"\r\n\r\n")
                if end < 0:
                    return
                headers = self._buffer[:end].decode("utf-8", "replace")
                self._buffer = self._buffer[end + 4:]
                name = re.search(r'name="([^"]*)"', headers)
                filename = re.search(r'filename="([^"]*)"', headers)
                self._part = {"name": name.group(1) if name else "", "size": 0, "value": b"",
                              "filename": filename.group(1) if filename else None,
                              "sha1": hashlib.sha1() if self.hash_files else None}
                self.parts.append(self._part)
                self._in_headers = False
                continue
            at = self._buffer.find(self.delimiter)
            if at < 0:
                # Keep a tail that could hold the start of a delimiter split across chunks.
                keep = len(self.delimiter) - 1
                self._take(self._buffer[:-keep] if len(self._buffer) > keep else b"")
                self._buffer = self._buffer[-keep:] if len(self._buffer) > keep else self._buffer
                return
            self._take(self._buffer[:at])
            rest = self._buffer[at + len(self.delimiter):]
            if len(rest) < 2:
                self._buffer = self._buffer[at:]
                return
            self._buffer = rest[2:]
            self.done = rest[:2] == b"--"
            self._in_headers = not self.done

    def _take(self, data: bytes) -> None:
        if self._part is None or not data:
            return
        self._part["size"] += len(data)
        if self._part["filename"] is None:
            self._part["value"] += data  # form fields are small
        elif self._part["sha1"] is not None:
            self._part["sha1"].update(data)


class _UploadHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        ctype = self.headers.get("Content-Type", "")
        match = re.search(r"boundary=([^;]+)", ctype)
        length = int(self.headers.get("Content-Length", 0))
        if self.server.max_body and length > self.server.max_body:
            # What nginx's client_max_body_size does: answer before reading the body.
            self.send_response(413)
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            return
        sink = MultipartSink(match.group(1).strip('"').encode() if match else b"-", self.server.hash_files)
        remaining = length
        while remaining > 0:
            data = self.rfile.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            sink.feed(data)
        fields = {p["name"]: p["value"].decode() for p in sink.parts if p["filename"] is None}
        files = [p for p in sink.parts if p["filename"] is not None]
        itemid = int(fields.get("itemid") or 0) or 424242
        self.server.uploads.append({"fields": fields, "bytes": length - remaining, "complete": sink.done,
                                    "files": [{"filename": p["filename"], "size": p["size"],
                                               "sha1": p["sha1"].hexdigest() if p["sha1"] else None}
                                              for p in files]})
        reply = json.dumps([{"component": "user", "contextid": 5, "userid": "2", "filearea": "draft",
                             "filename": p["filename"], "filepath": fields.get("filepath", "/"),
                             "itemid": itemid, "license": "unknown", "author": "bench", "source": "",
                             "filesize": p["size"]} for p in files]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


class SinkServer:
    """A loopback HTTP server that swallows uploads like upload.php and records them."""

    def __init__(self, *, hash_files: bool = True, max_body: int = 0):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _UploadHandler)
        self.httpd.uploads = []
        self.httpd.hash_files = hash_files
        self.httpd.max_body = max_body  # > 0: refuse larger bodies with 413, like a proxy
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def uploads(self) -> list[dict]:
        return self.httpd.uploads

    def __enter__(self) -> SinkServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join()


def _serve_forever() -> None:
    with SinkServer(hash_files=False) as sink:
        print(sink.url, flush=True)
        sys.stdin.read()  # the parent closes stdin to stop us


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1024, help="file size in MiB (default 1024)")
    parser.add_argument("--random", action="store_true", help="fill the file with random bytes (else sparse)")
    parser.add_argument("--file", type=Path, help="upload this file instead of a generated one")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve_forever()
        return 0

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bridge.moodle import MoodleClient

    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as tmp:
            path = args.file or Path(tmp) / "bench.bin"
            if not args.file:
                with open(path, "wb") as out:
                    if args.random:
                        for _ in range(args.size):
                            out.write(os.urandom(1 << 20))
                    else:
                        out.truncate(args.size << 20)
            size = path.stat().st_size
            client = MoodleClient(url, "bench-token", retries=0)
            before = _peak_rss_mib()
            started = time.perf_counter()
            result = client.upload_files([path])
            elapsed = time.perf_counter() - started
            peak = _peak_rss_mib()
        assert result.files[0].filesize == size, (result, size)
        print(f"file: {size / (1 << 20):.0f} MiB ({'given' if args.file else 'random' if args.random else 'sparse'})")
        print(f"time: {elapsed:.2f} s, throughput: {size / (1 << 20) / elapsed:.0f} MiB/s")
        print(f"peak RSS: {peak:.1f} MiB (before upload: {before:.1f} MiB; target <= 80 MiB)")
        return 0 if peak <= 80 else 1
    finally:
        server.stdin.close()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
