"""The HTTP side: a threaded server speaking Moodle's REST, upload and pluginfile endpoints,
plus the admin endpoint; and ``Sandbox``, which owns the server, the store and the switches."""
from __future__ import annotations

import hmac
import json
import logging
import random
import shutil
import socket
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from bridge.sandbox import files
from bridge.sandbox.admin import CallLog, CallRecord, SandboxAdmin
from bridge.sandbox.coursewrites import CourseWriteMonitor
from bridge.sandbox.errors import WSError, access_exception, invalid_parameter, invalid_token, unknown_function
from bridge.sandbox.faults import FaultInjector
from bridge.sandbox.functions import FUNCTIONS, OUTSIDE_SERVICE, Call, is_write
from bridge.sandbox.protocol import unflatten, validate
from bridge.sandbox.store import ADMIN_USERID, LOWPRIV_USERID, Store
from bridge.sandbox.uploads import MultipartError, MultipartForm, read_multipart
from bridge.textwidth import printable

log = logging.getLogger("bridge.sandbox")

REST_PATH = "/webservice/rest/server.php"
UPLOAD_PATH = "/webservice/upload.php"
PLUGINFILE_PATH = "/webservice/pluginfile.php"
ADMIN_PATH = "/_sandbox/admin"
UPLOAD_FUNCTION = "webservice/upload.php"
PLUGINFILE_FUNCTION = "webservice/pluginfile.php"
MAX_FORM_BYTES = 64 * 1024 * 1024
_CACHE_LIMIT = 2048


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Site:
    """Everything a request needs: state, users by token, switches, a read cache."""

    def __init__(self, store: Store, seed: int):
        self.store = store
        self.faults = FaultInjector()
        self.calls = CallLog()
        self.course_writes = CourseWriteMonitor(self._course_of_cm)
        self.admin = SandboxAdmin(store, self.faults, self.calls, self.course_writes)
        self.url = ""
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        with store.read() as db:
            users = {r["id"]: r for r in db.execute("SELECT * FROM users")}
            self.tokens = {r["token"]: users[r["userid"]] for r in db.execute("SELECT * FROM tokens")}
        self.token_of = {user["id"]: token for token, user in self.tokens.items()}
        self._cache: dict[tuple, bytes] = {}
        self._cache_generation = -1

    def _course_of_cm(self, cmid: int) -> int | None:
        with self.store.read() as db:
            row = db.execute("SELECT course FROM modules WHERE id=?", (cmid,)).fetchone()
        return row[0] if row else None

    @property
    def debug(self) -> bool:
        return self.store.meta("debug", "0") == "1"

    def user_for(self, token: str | None):
        return self.tokens.get(token or "")

    # --- REST ---------------------------------------------------------------------------

    def rest(self, pairs: list[tuple[str, str]]) -> tuple[bytes, str, str | None]:
        """Answer one REST call: (JSON body, function name, Moodle error code or None)."""
        params = unflatten(pairs)
        token = params.pop("wstoken", None)
        wsfunction = params.pop("wsfunction", None)
        params.pop("moodlewsrestformat", None)
        name = wsfunction if isinstance(wsfunction, str) else ""
        try:
            user = self.user_for(token if isinstance(token, str) else None)
            if user is None:
                raise invalid_token()
            if not name:
                raise invalid_parameter("Missing function name")
            function = FUNCTIONS.get(name)
            if function is None:
                raise access_exception(name) if name in OUTSIDE_SERVICE else unknown_function(name)
            args = validate(function.params, params)
            key = None
            if function.cacheable:
                if self._cache_generation != self.store.generation:
                    self._cache.clear()
                    self._cache_generation = self.store.generation
                key = (user["id"], name, json.dumps(args, sort_keys=True))
                cached = self._cache.get(key)
                if cached is not None:
                    return cached, name, None
                generation = self.store.generation
            body = _json(self._execute(function, user, args))
            if key is not None and generation == self.store.generation:
                if len(self._cache) >= _CACHE_LIMIT:
                    self._cache.clear()
                self._cache[key] = body
            return body, name, None
        except WSError as err:
            return _json(err.payload(self.debug)), name, err.errorcode

    def _execute(self, function, user, args: dict[str, Any]) -> Any:
        debug = self.debug
        if function.write:
            with self.store.write() as db:
                return function.impl(Call(self.store, db, user, self.url, debug, self._rng), args)
        with self.store.read() as db:
            if function.cacheable:
                return function.impl(Call(self.store, db, user, self.url, debug, self._rng), args)
            with self._rng_lock:  # draws from the seeded generator stay in call order
                return function.impl(Call(self.store, db, user, self.url, debug, self._rng), args)

    # --- upload.php ---------------------------------------------------------------------

    def upload_error(self, errorcode: str, message: str, where: str) -> bytes:
        debug = self.debug
        return _json({"error": message, "errorcode": errorcode,
                      "stacktrace": f"* {where}\n" if debug else None,
                      "debuginfo": f"\nError code: {errorcode}" if debug else None,
                      "reproductionlink": f"{self.url}/" if debug else None})

    def upload(self, form) -> tuple[bytes, str, str | None]:
        """Answer upload.php: (body, content type, error code or None). Consumes the temp files."""
        token = form.fields.get("token")
        if not token:
            return (self.upload_error("missingparam", "A required parameter (token) was missing",
                                      "line 56 of /webservice/upload.php: call to required_param()"),
                    "text/plain; charset=utf-8", "missingparam")
        user = self.user_for(token)
        if user is None:
            return (self.upload_error("invalidtoken", "Invalid token - token not found",
                                      "line 58 of /webservice/upload.php: call to webservice->authenticate_user()"),
                    "text/plain; charset=utf-8", "invalidtoken")
        if not form.files:
            return b"[]", "application/json; charset=utf-8", None
        try:
            itemid = int(form.fields.get("itemid", "0"))
        except ValueError:
            itemid = 0
        filepath = form.fields.get("filepath") or "/"
        maxbytes = int(self.store.meta("maxbytes", "0"))
        author = f"{user['firstname']} {user['lastname']}"
        results = []
        with self.store.write() as db:
            if itemid <= 0:
                with self._rng_lock:
                    itemid = files.unused_draft_itemid(db, user["contextid"], self._rng)
            for f in form.files:
                if maxbytes and f.size > maxbytes:
                    results.append({"avscantime": 0.0, "filename": f.filename, "errortype": "fileoversized",
                                    "error": "[[maxbytes]]"})
                    continue
                if files.file_exists(db, user["contextid"], "user", "draft", itemid, filepath, f.filename):
                    results.append({"avscantime": 0.0, "filename": f.filename, "filepath": "/tmp/phpXXXXXX",
                                    "size": f.size, "errortype": "filenameexist",
                                    "error": f"File name already exists: {f.filename}"})
                    continue
                files.put_blob(self.store, f.path, f.sha1)
                source = f'O:8:"stdClass":1:{{s:6:"source";s:{len(f.filename.encode())}:"{f.filename}";}}'
                files.add_file(db, contextid=user["contextid"], component="user", filearea="draft", itemid=itemid,
                               filepath=filepath, filename=f.filename, contenthash=f.sha1, filesize=f.size,
                               userid=user["id"], author=author, license="unknown", source=source)
                results.append({"component": "user", "contextid": user["contextid"], "userid": str(user["id"]),
                                "filearea": "draft", "filename": f.filename, "filepath": filepath, "itemid": itemid,
                                "license": "unknown", "author": author, "source": source, "filesize": f.size})
        return _json(results), "text/plain; charset=utf-8", None

    # --- pluginfile.php -----------------------------------------------------------------

    def pluginfile(self, path: str, token: str | None) -> tuple[int, str, Path | bytes | None]:
        """Resolve a download: (status, content type, file path or bytes)."""
        user = self.user_for(token)
        if user is None:
            return 403, "application/json", _json({"error": "Invalid token - token not found",
                                                   "errorcode": "invalidtoken"})
        parts = [unquote(p) for p in path.split("/") if p]
        if len(parts) < 4 or not parts[0].isdigit():
            return 404, "text/plain", b"Not found"
        contextid, component, filearea, rest = int(parts[0]), parts[1], parts[2], parts[3:]
        with self.store.read() as db:
            if component == "mod_page" and filearea == "content":
                row = db.execute("SELECT content FROM modules WHERE contextid=? AND modname='page'",
                                 (contextid,)).fetchone()
                if row is None or not user["issiteadmin"]:
                    return 404, "text/plain", b"Not found"
                return 200, "text/html; charset=utf-8", row[0].encode("utf-8")
            if component == "user" and filearea == "draft" and contextid != user["contextid"]:
                return 404, "text/plain", b"Not found"
            if component != "user" and not user["issiteadmin"]:
                return 404, "text/plain", b"Not found"
            # mod_resource/content/<revision>/<path>/<name>; user/draft/<itemid>/<path>/<name>
            itemid = 0 if component == "mod_resource" else (int(rest[0]) if rest[0].isdigit() else -1)
            filename = rest[-1]
            filepath = "/" + "/".join(rest[1:-1]) + ("/" if len(rest) > 2 else "")
            row = db.execute("SELECT * FROM files WHERE contextid=? AND component=? AND filearea=? AND itemid=?"
                             " AND filepath=? AND filename=?",
                             (contextid, component, filearea, itemid, filepath, filename)).fetchone()
        if row is None:
            return 404, "text/plain", b"Not found"
        return 200, row["mimetype"] or "application/octet-stream", self.store.blob_path(row["contenthash"])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "CertBridgeSandbox/1"
    timeout = 60  # idle keep-alive connections are closed after this
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stalls
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:
        # Called for every request: format it only when it is logged (a request line is client text).
        if log.isEnabledFor(logging.INFO):
            log.info("%s %s", self.address_string(), printable(format % args))

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:  # tell the client not to reuse this connection
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _content_length(self) -> int:
        # A negative length would make rfile.read() read until the client closes.
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("bad Content-Length")
        return length

    def _read_body(self) -> bytes:
        length = self._content_length()
        if length > MAX_FORM_BYTES:
            raise ValueError("request too large")
        return self.rfile.read(length) if length else b""

    def _faulted(self, wsfunction: str, apply: bool = True) -> bool:
        """Apply an injected fault; True when the request has been dealt with (failed or dropped)."""
        site = self.server.site
        fault = site.faults.decide(wsfunction) if apply else None
        if fault is None:
            return False
        site.faults.wait(fault.delay_s)
        stopping = site.faults.stopping.is_set()  # the server is going down: answer nothing
        if fault.kind is None and not stopping:
            return False
        site.calls.add(CallRecord(wsfunction, is_write(wsfunction), 0 if stopping else fault.status))
        if fault.kind == "drop" or stopping:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return True
        self.close_connection = True
        self._send(fault.status, b"<html><body><h1>Service unavailable (sandbox fault)</h1></body></html>",
                   "text/html; charset=utf-8")
        return True

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path.startswith(PLUGINFILE_PATH + "/"):
            self._pluginfile(url.path[len(PLUGINFILE_PATH):], dict(parse_qsl(url.query)).get("token"))
        elif url.path in ("/", ""):
            self._send(200, b"CertBridge sandbox Moodle\n", "text/plain; charset=utf-8")
        else:
            self._send(404, b"Not found", "text/plain")

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        site = self.server.site
        try:
            if url.path == REST_PATH:
                pairs = parse_qsl(self._read_body().decode("utf-8", "replace"), keep_blank_values=True)
                name = next((v for k, v in pairs if k == "wsfunction"), "")
                # From arrival to answer, injected latency included: what overlaps in Moodle.
                with site.course_writes.track(name, pairs) as refused:
                    if self._faulted(name):
                        return
                    if refused is not None:
                        body, errorcode = _json(refused.payload(site.debug)), refused.errorcode
                    else:
                        body, name, errorcode = site.rest(pairs)
                    site.calls.add(CallRecord(name, is_write(name), 200, errorcode))
                    self._send(200, body, "application/json")
            elif url.path == UPLOAD_PATH:
                self._upload()
            elif url.path.startswith(PLUGINFILE_PATH + "/"):
                form = dict(parse_qsl(self._read_body().decode("utf-8", "replace")))
                self._pluginfile(url.path[len(PLUGINFILE_PATH):], form.get("token") or
                                 dict(parse_qsl(url.query)).get("token"))
            elif url.path == ADMIN_PATH:
                self._admin()
            else:
                self._read_body()
                self._send(404, b"Not found", "text/plain")
        except (ConnectionError, socket.timeout):
            self.close_connection = True
        except ValueError as err:
            self.close_connection = True
            self._send(413 if "too large" in str(err) else 400, str(err).encode(), "text/plain")

    def _upload(self) -> None:
        site = self.server.site
        length = self._content_length()
        content_type = self.headers.get("Content-Type", "")
        try:
            if content_type.lower().startswith("multipart/"):
                form = read_multipart(self.rfile, length, content_type, site.store.tempdir)
            else:  # a plain form post carries parameters but no files
                form = MultipartForm(dict(parse_qsl(self._read_body().decode("utf-8", "replace"))))
        except MultipartError as err:
            self.close_connection = True
            site.calls.add(CallRecord(UPLOAD_FUNCTION, True, 400))
            self._send(400, str(err).encode(), "text/plain")
            return
        try:
            if self._faulted(UPLOAD_FUNCTION):
                return
            body, content_type, errorcode = site.upload(form)
        finally:
            form.discard()
        site.calls.add(CallRecord(UPLOAD_FUNCTION, True, 200, errorcode))
        self._send(200, body, content_type)

    def _pluginfile(self, path: str, token: str | None) -> None:
        site = self.server.site
        if self._faulted(PLUGINFILE_FUNCTION):
            return
        status, content_type, payload = site.pluginfile(path, token)
        site.calls.add(CallRecord(PLUGINFILE_FUNCTION, False, status))
        if isinstance(payload, Path):
            size = payload.stat().st_size
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            with payload.open("rb") as fh:
                shutil.copyfileobj(fh, self.wfile, 256 * 1024)
        else:
            self._send(status, payload or b"", content_type)

    def _admin(self) -> None:
        site = self.server.site
        body = self._read_body()
        secret = self.headers.get("X-Sandbox-Admin", "")
        if not hmac.compare_digest(secret.encode(), site.token_of[ADMIN_USERID].encode()):
            self._send(403, _json({"ok": False, "error": "bad or missing X-Sandbox-Admin header"}), "application/json")
            return
        try:
            result = site.admin.perform(json.loads(body or b"{}"))
        except (TypeError, ValueError, KeyError) as err:
            self._send(400, _json({"ok": False, "error": str(err)}), "application/json")
            return
        self._send(200, _json({"ok": True, "result": result}), "application/json")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True  # server_close() joins the request threads
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: Site):
        self.site = site
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request, client_address) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every handler blocked on a keep-alive connection so it can finish."""
        with self._open_lock:
            open_ = list(self._open)
        for sock in open_:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Sandbox:
    """A Moodle-compatible web-service server, in-process. ``data_dir=None`` → a temp dir
    removed on ``stop()``; with a directory, state (and tokens) survive restarts."""

    def __init__(self, data_dir: Path | None = None, host: str = "127.0.0.1", port: int = 0, *, seed: int = 0):
        self._data_dir = Path(data_dir) if data_dir is not None else None
        self._host, self._port, self._seed = host, port, seed
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._site: Site | None = None
        self._tempdir: str | None = None

    def start(self) -> "Sandbox":
        if self._server is not None:
            return self
        if self._data_dir is None:
            self._tempdir = tempfile.mkdtemp(prefix="certbridge-sandbox-")
            data_dir = Path(self._tempdir)
        else:
            data_dir = self._data_dir
        store = Store(data_dir)
        self._site = Site(store, self._seed)
        try:
            self._server = _Server((self._host, self._port), self._site)
        except OSError:
            store.close()
            raise
        host, port = self._server.server_address[:2]
        self._site.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"sandbox-{port}", daemon=True)
        self._thread.start()
        log.info("sandbox listening on %s (data in %s)", self._site.url, data_dir)
        return self

    def stop(self) -> None:
        """Stop serving, close open connections, join every thread, release the store."""
        server, site = self._server, self._site
        if server is None or site is None:
            return
        site.faults.stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join()
        site.store.close()
        if self._tempdir:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None
        self._server = self._thread = None

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Sandbox(url={self._site.url if self._site and self._server else None!r})"

    def _running(self) -> Site:
        if self._site is None or self._server is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return self._site

    @property
    def url(self) -> str:
        return self._running().url

    @property
    def token(self) -> str:
        return self._running().token_of[ADMIN_USERID]

    @property
    def lowpriv_token(self) -> str:
        return self._running().token_of[LOWPRIV_USERID]

    @property
    def admin(self) -> SandboxAdmin:
        return self._running().admin

    @property
    def data_dir(self) -> Path:
        return self._running().store.data_dir
