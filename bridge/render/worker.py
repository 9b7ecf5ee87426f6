"""Rendering page templates in a separate, resource-limited process.

Templates come from packs, and packs are untrusted. The parent sends plain data (the
context, the template name and where to look) and gets back HTML or a described error.
The worker runs with a memory cap, may not write files, has no token or other secret in
its environment, and is killed when one page takes longer than ``PAGE_SECONDS``; a new
one starts for the next page. Frames are a 4-byte length and an orjson body.

Run as ``python -m bridge.render.worker`` (the parent does that).
"""
from __future__ import annotations

import os
import selectors
import struct
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, BinaryIO

import orjson

#: Wall-clock seconds one page may take (``CERTBRIDGE_PAGE_SECONDS`` overrides it).
PAGE_SECONDS = 10.0


def page_seconds() -> float:
    """The time limit of one page: ``CERTBRIDGE_PAGE_SECONDS`` or ``PAGE_SECONDS``."""
    return float(os.environ.get("CERTBRIDGE_PAGE_SECONDS") or PAGE_SECONDS)


#: Address space of the worker process.
WORKER_MEMORY_BYTES = 1 << 30
_HEADER = struct.Struct(">I")
_MAX_FRAME = 64 * 2**20


# -- the worker process ------------------------------------------------------------

def _limit_resources() -> None:
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write then fails with EFBIG instead of killing us
    for limit, value in ((resource.RLIMIT_AS, WORKER_MEMORY_BYTES), (resource.RLIMIT_FSIZE, 0),
                         (resource.RLIMIT_CORE, 0)):
        soft, hard = resource.getrlimit(limit)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(limit, (value, hard))


def _read_frame(stream: BinaryIO) -> Any:
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    return orjson.loads(stream.read(_HEADER.unpack(head)[0]))


def _write_frame(stream: BinaryIO, message: Any) -> None:
    body = orjson.dumps(message)
    stream.write(_HEADER.pack(len(body)) + body)
    stream.flush()


def _where(err: BaseException, templates: set[str]) -> dict[str, Any]:
    """The template file and line the error was raised in (Jinja rewrites the traceback
    so that template frames carry the template's own file name and line)."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename in templates]
    return {"file": frames[-1].filename, "line": frames[-1].lineno} if frames else {}


def render(request: dict[str, Any], environments: dict) -> dict[str, Any]:
    """One page: ``{"html": …}`` or ``{"error": kind, "message": …, "file"?, "line"?}``."""
    import jinja2
    from jinja2.sandbox import SecurityError

    from bridge.render.sandbox import (MAX_PAGE_BYTES, PackTemplateLoader, PageSandbox, TemplateLimit,
                                       TemplateNotRegular, TemplateOutsidePack)

    key = (request["own"], tuple(request["shared"]))
    env = environments.get(key)
    if env is None:
        env = environments[key] = PageSandbox(PackTemplateLoader(request["own"], list(request["shared"])))
    loaded = {t.filename for t in env.cache.values()} if env.cache is not None else set()
    try:
        template = env.get_template(request["template"])
        loaded.add(template.filename)
        size, parts = 0, []
        for chunk in template.generate(request["context"]):
            size += len(chunk)
            if size > MAX_PAGE_BYTES:
                raise TemplateLimit("page", f"the page is over {MAX_PAGE_BYTES // 2**20} MiB")
            parts.append(chunk)
        html = "".join(parts)
        if len(html.encode("utf-8")) > MAX_PAGE_BYTES:
            raise TemplateLimit("page", f"the page is over {MAX_PAGE_BYTES // 2**20} MiB")
        return {"html": html}
    except TemplateOutsidePack as err:
        return {"error": "outside", "name": err.name}
    except TemplateNotRegular as err:
        return {"error": "not-regular", "name": err.name}
    except jinja2.TemplateNotFound as err:
        return {"error": "missing", "name": err.name, "searchpath": env.loader.searchpath}
    except jinja2.TemplateSyntaxError as err:
        return {"error": "syntax", "message": err.message, "file": err.filename, "line": err.lineno}
    except TemplateLimit as err:
        loaded.update(t.filename for t in env.cache.values())
        return {"error": "limit", "what": err.what, "message": str(err), **_where(err, loaded)}
    except RecursionError as err:
        loaded.update(t.filename for t in env.cache.values())
        return {"error": "limit", "what": "recursion", "message": "calls nest too deeply (a macro calling itself?)",
                **_where(err, loaded)}
    except MemoryError:
        return {"error": "limit", "what": "memory",
                "message": f"rendering needs more than {WORKER_MEMORY_BYTES // 2**20} MiB of memory"}
    except jinja2.UndefinedError as err:
        loaded.update(t.filename for t in env.cache.values())
        return {"error": "undefined", "message": err.message, **_where(err, loaded)}
    except SecurityError as err:
        loaded.update(t.filename for t in env.cache.values())
        return {"error": "security", "message": str(err), **_where(err, loaded)}
    except Exception as err:  # noqa: BLE001 - whatever a template provokes is its own error
        loaded.update(t.filename for t in env.cache.values())
        return {"error": "error", "message": f"{type(err).__name__}: {err}", **_where(err, loaded)}


def main() -> None:
    _limit_resources()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the frames
    environments: dict = {}
    while (request := _read_frame(stdin)) is not None:
        try:
            reply = render(request, environments)
        except MemoryError:
            reply = {"error": "limit", "what": "memory", "message": "out of memory"}
        _write_frame(stdout, reply)


# -- the parent's side -------------------------------------------------------------

class RenderWorker:
    """A worker process rendering pages one at a time; thread-safe, restarted on death."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    @staticmethod
    def _environment() -> dict[str, str]:
        # Nothing of ours: the token and every other secret stay in the parent.
        root = str(Path(__file__).resolve().parent.parent.parent)
        return {"PYTHONPATH": root, "PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8",
                "PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"}

    def _start(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen([sys.executable, "-m", "bridge.render.worker"], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd="/",
                                          env=self._environment(), close_fds=True)
        return self._proc

    def start(self) -> None:
        """Start the process now, if it is not running, without waiting for it."""
        with self._lock:
            self._start()

    def render(self, request: dict[str, Any]) -> dict[str, Any]:
        seconds = page_seconds()
        with self._lock:
            proc = self._start()
            try:
                _write_frame(proc.stdin, request)
                reply = self._read_reply(proc, time.monotonic() + seconds)
            except (BrokenPipeError, ConnectionError, OSError, ValueError):
                reply = None
            if isinstance(reply, dict):
                return reply
            self._kill()
            if reply == "timeout":
                return {"error": "limit", "what": "time", "message": f"rendering took longer than {seconds:g} s"}
            return {"error": "limit", "what": "crash", "message": "the renderer stopped (out of memory?)"}

    @staticmethod
    def _read_reply(proc: subprocess.Popen, deadline: float) -> dict | str | None:
        fd = proc.stdout.fileno()
        buffer = bytearray()
        need = _HEADER.size
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while True:
                while len(buffer) < need:
                    left = deadline - time.monotonic()
                    if left <= 0 or not sel.select(left):
                        return "timeout"
                    chunk = os.read(fd, max(need - len(buffer), 1 << 16))
                    if not chunk:
                        return None
                    buffer += chunk
                if need == _HEADER.size:
                    size = _HEADER.unpack(buffer[:_HEADER.size])[0]
                    if size > _MAX_FRAME:
                        return None
                    need += size
                    continue
                return orjson.loads(bytes(buffer[_HEADER.size:need]))

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            for stream in (self._proc.stdin, self._proc.stdout):
                stream.close()
            self._proc = None

    def close(self) -> None:
        with self._lock:
            if self._proc is not None:
                try:
                    self._proc.stdin.close()
                    self._proc.wait(timeout=2)
                except (OSError, subprocess.TimeoutExpired):
                    pass
                self._kill()


_worker: RenderWorker | None = None
_worker_lock = threading.Lock()


def shared_worker() -> RenderWorker:
    """The process-wide worker, started on first use and stopped at exit."""
    global _worker
    with _worker_lock:
        if _worker is None:
            import atexit

            _worker = RenderWorker()
            atexit.register(_worker.close)
        return _worker


if __name__ == "__main__":
    main()
