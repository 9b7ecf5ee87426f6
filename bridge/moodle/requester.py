"""The one place that talks HTTP to Moodle.

Owns the ``requests.Session``; sends the token only in POST bodies; inspects every
body (Moodle reports errors with HTTP 200); retries only what is safe to repeat: reads
after connection errors or 5xx, and any request the server never received. A write
whose outcome is unknown raises ``AmbiguousWrite`` instead: the caller re-reads by
idnumber.
"""
from __future__ import annotations

import contextvars
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import orjson
import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from bridge import __version__
from bridge.errors import ExitCode
from bridge.i18n import tr
from bridge.moodle.errors import (
    AmbiguousWrite,
    FileTooLarge,
    MoodleWarning,
    ServerError,
    TransportError,
    UnexpectedResponse,
    clip,
    error_for,
    warnings_error,
)
from bridge.moodle.flatten import flatten_params
from bridge.moodle.shapes import check_reply
from bridge.moodle.types import CallStats

log = logging.getLogger("bridge.moodle")

REST_PATH = "/webservice/rest/server.php"
UPLOAD_PATH = "/webservice/upload.php"
#: Longest wait honoured from a Retry-After header.
MAX_RETRY_AFTER = 60.0

#: A call (all its attempts and the waits between them) ends within this many times the
#: per-request deadline.
TOTAL_DEADLINE_FACTOR = 2.0

Timeout = float | tuple[float, float]
RateLimit = float | Callable[[], None] | None


class Secret:
    """Holds the token; prints as ``***`` so it cannot leak through str/repr/f-strings."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __bool__(self) -> bool:
        return bool(self._value)


class MinInterval:
    """Rate limit: at most ``per_second`` requests per second (spaced evenly)."""

    def __init__(self, per_second: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        if per_second <= 0:
            raise ValueError("rate_limit must be > 0 requests per second")
        self.interval = 1.0 / per_second
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> None:
        with self._lock:
            now = self._clock()
            wait = self._next - now
            self._next = max(now, self._next) + self.interval
        if wait > 0:
            self._sleep(wait)


#: Recognisable causes of a failed connection: (text or exception name, English, Chinese).
_CAUSES = (
    ("CERTIFICATE_VERIFY_FAILED", "the site's TLS certificate is not trusted", "站点的 TLS 证书不受信任"),
    ("SSLError", "the TLS handshake failed", "TLS 握手失败"),
    ("Connection refused", "connection refused: nothing listens at that address and port",
     "连接被拒绝：该地址和端口上没有服务"),
    ("Name or service not known", "the host name is not known (DNS)", "无法解析主机名（DNS）"),
    ("NameResolutionError", "the host name is not known (DNS)", "无法解析主机名（DNS）"),
    ("ConnectTimeout", "no connection within the time limit", "在限定时间内无法建立连接"),
    ("ReadTimeout", "no answer within the time limit", "在限定时间内没有应答"),
    ("DeadlineExceeded", "no complete answer within the time limit (the site answers too slowly or never finishes)",
     "在限定时间内未收到完整应答（站点应答过慢或永不结束）"),
    ("Network is unreachable", "the network is unreachable", "网络不可达"),
)


def _nothing_sent(exc: requests.RequestException) -> bool:
    """True when the request provably never reached the server (safe to resend a write)."""
    if isinstance(exc, requests.exceptions.SSLError):
        return True  # the TLS handshake comes before any byte of the request
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError):
        reason = exc.args[0] if exc.args else None
        reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the cause
        return isinstance(reason, (NewConnectionError, ConnectTimeoutError))
    return False


def _retryable_exception(exc: requests.RequestException) -> bool:
    # A bad certificate or URL will not heal by waiting.
    if isinstance(exc, (requests.exceptions.SSLError, requests.exceptions.InvalidURL,
                        requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema,
                        requests.exceptions.TooManyRedirects)):
        return False
    return isinstance(exc, (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError))


def _is_exception_body(body: Any) -> bool:
    # REST exceptions carry "exception"; upload.php errors carry "error" + "errorcode".
    return isinstance(body, dict) and ("exception" in body or ("errorcode" in body and "error" in body))


class _Deadline:
    """A wall-clock limit on one answer. urllib3's read timeout bounds each read, so a site
    trickling a byte now and then would hold a request (and the sync lock) for ever: when
    the time is up, the sockets of the request are shut down, which ends any read at once.
    The clock starts when the request has been sent (``getresponse``), so a large upload
    is not cut short by its own sending time."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if self.fired:
                _shutdown(sock)
                return
            self._sockets.append(sock)
            if self._timer is None:
                self._timer = threading.Timer(self.seconds, self._fire)
                self._timer.daemon = True
                self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shutdown(sock)

    def cancel(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._sockets.clear()


def _shutdown(sock: socket.socket) -> None:
    try:
        # socket.socket's own shutdown, not SSLSocket's (which would also drop its TLS state
        # under a read in progress in another thread).
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


#: The deadline of the request the current thread is sending, if any.
_CURRENT: contextvars.ContextVar[_Deadline | None] = contextvars.ContextVar("certbridge_deadline", default=None)


class _WatchedMixin:
    def getresponse(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        deadline = _CURRENT.get()
        if deadline is not None:
            deadline.watch(self.sock)  # type: ignore[attr-defined]
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_WatchedMixin, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedMixin, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter, with connections that honour the requester's deadline."""

    _POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any):
        manager = super().proxy_manager_for(proxy, **kwargs)
        manager.pool_classes_by_scheme = self._POOLS
        return manager


class Requester:
    """Sends web-service calls and uploads for one site and token.

    Each answer must arrive whole within the read timeout (a wall-clock deadline, not
    per read), and a call with its retries ends within ``TOTAL_DEADLINE_FACTOR`` times that.
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: Timeout = (5.0, 120.0),
        verify: bool | str = True,
        retries: int = 3,
        backoff: float = 0.5,
        rate_limit: RateLimit = None,
        user_agent: str | None = None,
        session: requests.Session | None = None,
    ):
        if not url.startswith(("http://", "https://")):
            raise ValueError(tr("Site URL must start with http:// or https://: {url}",
                                "站点地址必须以 http:// 或 https:// 开头：{url}", url=url))
        # Accept the endpoint itself as pasted from Moodle's docs; keep the site root.
        self.url = url.rstrip("/").removesuffix(REST_PATH).removesuffix(UPLOAD_PATH)
        self._token = Secret(token)
        self.timeout = timeout
        #: Seconds for one answer to arrive whole, and for a call with all its retries.
        self.deadline = float(timeout[1] if isinstance(timeout, tuple) else timeout)
        self.total_deadline = self.deadline * TOTAL_DEADLINE_FACTOR
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.stats = CallStats()
        self.sleep: Callable[[float], None] = time.sleep
        if rate_limit is None or callable(rate_limit):
            self._limit = rate_limit
        else:
            self._limit = MinInterval(float(rate_limit))
        self.session = session or requests.Session()
        for prefix in ("http://", "https://"):
            # Only over requests' stock adapter: a test's own adapter (mock) is left alone.
            if type(self.session.get_adapter(prefix)) is HTTPAdapter:
                self.session.mount(prefix, DeadlineAdapter())
        # Passed on every request too: requests lets REQUESTS_CA_BUNDLE override a
        # session's verify, which would drop a configured ca_bundle.
        self.verify = self.session.verify = verify
        self.session.headers["User-Agent"] = user_agent or f"certbridge/{__version__} (+python-requests/{requests.__version__})"
        self.session.headers["Accept"] = "application/json"

    def __repr__(self) -> str:
        return f"Requester(url={self.url!r})"

    @property
    def rest_url(self) -> str:
        return self.url + REST_PATH

    @property
    def upload_url(self) -> str:
        return self.url + UPLOAD_PATH

    def token(self) -> str:
        """The raw token, for building a request body. Never log or format it."""
        return self._token.reveal()

    def redact(self, text: str) -> str:
        """``text`` with the token replaced, for anything built from the site's replies."""
        secret = self._token.reveal()
        if not secret or not isinstance(text, str) or secret not in text:
            return text
        if len(secret) >= 8:  # real tokens are 32 characters: mask every occurrence
            return text.replace(secret, "***")
        # A (wrong) very short token: mask it as a whole word, not letters inside words.
        return re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", "***", text)

    def close(self) -> None:
        self.session.close()

    # -- web-service calls ---------------------------------------------------------

    def call(self, function: str, params: Mapping[str, Any] | None = None, *, write: bool,
             allow_warnings: bool = False) -> Any:
        """Call ``function`` and return the decoded result, or raise a typed error.

        A non-empty ``warnings`` list raises ``WarningsError`` unless ``allow_warnings``.
        """
        fields = [("wstoken", self.token()), ("wsfunction", function), ("moodlewsrestformat", "json")]
        fields += flatten_params(params or {})
        log.debug("call %s (%s) fields=%s", function, "write" if write else "read",
                  [name for name, _ in fields[3:]])
        self.stats.count(function, write=write)
        response = self.send(function, write=write, send=lambda: self.session.post(
            self.rest_url, data=fields, timeout=self.timeout, verify=self.verify, allow_redirects=False))
        body = check_reply(function, self.decode(function, response))
        if isinstance(body, dict) and body.get("warnings"):
            warnings = [MoodleWarning.from_json(w) for w in body["warnings"] if isinstance(w, dict)]
            for w in warnings:
                log.warning("%s: warning for %s %s: %s %s", function, w.item, w.itemid, w.warningcode, w.message)
            if warnings and not allow_warnings:
                raise warnings_error(function, warnings, body)
        return body

    # -- transport -----------------------------------------------------------------

    def send(self, function: str, *, write: bool, send: Callable[[], requests.Response]) -> requests.Response:
        """Run ``send`` (one HTTP request) with rate limiting and the retry policy."""
        attempt = 0
        budget_ends = time.monotonic() + self.total_deadline
        while True:
            if self._limit is not None:
                self._limit()
            self.stats.http_requests += 1
            started = time.monotonic()
            deadline = _Deadline(max(0.001, min(self.deadline, budget_ends - started)))
            token = _CURRENT.set(deadline)
            try:
                response = send()
            except requests.RequestException as exc:
                nothing_sent = _nothing_sent(exc) and not deadline.fired
                cause = "DeadlineExceeded" if deadline.fired else type(exc).__name__
                if write and not nothing_sent:
                    # Do not resend: the write may have happened.
                    raise AmbiguousWrite(
                        tr("{function}: the request was sent but no answer came back ({cause}); "
                           "the change may or may not have been made.",
                           "{function}：请求已发出但未收到应答（{cause}），无法确定修改是否已生效。",
                           function=function, cause=cause),
                        function=function,
                        hint=tr("Read the current state back before trying again.",
                                "请先读取当前状态再重试。"),
                    ) from None
                if (deadline.fired or _retryable_exception(exc)) and self._may_retry(attempt, budget_ends):
                    attempt = self._wait_before_retry(function, attempt, cause)
                    continue
                detail = self._describe(exc) if not deadline.fired else tr(
                    "no complete answer within the {s:g} s timeout; {n} attempt(s) in {total:.0f} s",
                    "超时 {s:g} 秒内未收到完整应答；{total:.0f} 秒内尝试 {n} 次",
                    s=self.deadline, n=attempt + 1, total=time.monotonic() - budget_ends + self.total_deadline)
                raise TransportError(
                    tr("{function}: cannot reach {url} ({cause}: {detail})",
                       "{function}：无法连接 {url}（{cause}：{detail}）",
                       function=function, url=self.url, cause=cause, detail=detail),
                    function=function,
                    hint=tr("Check the site URL, the network, and (for HTTPS) the certificate; a site that answers "
                            "too slowly needs a larger timeout (the site's `timeout` setting).",
                            "请检查站点地址、网络以及（HTTPS 时）证书；站点应答过慢时请增大 timeout 设置。"),
                ) from None
            finally:
                deadline.cancel()
                _CURRENT.reset(token)
            log.debug("%s: HTTP %s in %.3fs", function, response.status_code, time.monotonic() - started)
            status = response.status_code
            retry_safe = not write or status == 429  # 429: refused before any work was done
            if (status >= 500 or status == 429) and retry_safe and self._may_retry(attempt, budget_ends):
                response.close()
                attempt = self._wait_before_retry(function, attempt, f"HTTP {status}",
                                                  retry_after=response.headers.get("Retry-After"),
                                                  budget_ends=budget_ends)
                continue
            if status >= 500:
                raise ServerError(
                    tr("{function}: the site answered HTTP {status}", "{function}：站点返回 HTTP {status}",
                       function=function, status=status),
                    status=status, write=write, function=function,
                    # A read that keeps failing means the site cannot be used; a failed
                    # write is one resource's failure.
                    exit_code=None if write else ExitCode.SITE_ERROR,
                    hint=tr("A write may or may not have been made; read the state back before retrying.",
                            "写操作可能已部分生效；重试前请先读取当前状态。") if write else
                    tr("The site fails on every attempt: check its error log (Site administration > Reports > "
                       "Logs, the web server's error log); certbridge doctor checks the rest.",
                       "站点每次都返回错误：请查看其错误日志（网站管理 > 报表 > 日志，以及 Web 服务器错误日志）；"
                       "certbridge doctor 可检查其余项。"),
                )
            return response

    def _may_retry(self, attempt: int, budget_ends: float) -> bool:
        """Another attempt is allowed: retries left, and the call's total deadline not reached."""
        return attempt < self.retries and time.monotonic() + self.backoff * (2 ** attempt) < budget_ends

    def _wait_before_retry(self, function: str, attempt: int, cause: str, retry_after: str | None = None,
                           budget_ends: float | None = None) -> int:
        delay = self.backoff * (2 ** attempt)
        if retry_after:
            try:
                delay = max(delay, min(float(retry_after), MAX_RETRY_AFTER))
            except ValueError:
                pass
        if budget_ends is not None:  # never wait past the call's total deadline
            delay = max(0.0, min(delay, budget_ends - time.monotonic()))
        log.info("%s: %s, retry %d/%d in %.1fs", function, cause, attempt + 1, self.retries, delay)
        self.stats.retries += 1
        self.sleep(delay)
        return attempt + 1

    def _describe(self, exc: Exception) -> str:
        """A short cause for people; urllib3's own text ("HTTPConnectionPool(...): Max
        retries exceeded ...") says little to a teacher or an administrator."""
        text = str(exc)
        for needle, en, zh in _CAUSES:
            if needle in text or needle == type(exc).__name__:
                return tr(en, zh)
        return clip(self.redact(text)) or type(exc).__name__

    # -- bodies ----------------------------------------------------------------------

    def decode(self, function: str, response: requests.Response) -> Any:
        """Decode a reply body and raise the typed error it reports, if any."""
        status = response.status_code
        # Scrub the token at the source: nothing the site echoes can carry it further.
        text = self.redact(response.content.decode("utf-8", errors="replace").lstrip("\ufeff"))
        try:
            body = orjson.loads(text)  # listings are large; orjson parses them several times faster
        except ValueError:
            body = _NOT_JSON
        if _is_exception_body(body):
            raise error_for(function, body)
        if status == 413:
            raise FileTooLarge(
                tr("{function}: the request is too large for the site or its proxy (HTTP 413)",
                   "{function}：请求超出站点或其代理的大小限制（HTTP 413）", function=function),
                function=function, errorcode="http413",
            )
        if 300 <= status < 400:
            raise UnexpectedResponse(
                tr("{function}: the site redirects to {location}; use that address as the site URL",
                   "{function}：站点重定向到 {location}，请改用该地址作为站点地址",
                   function=function, location=response.headers.get("Location", "?")),
                function=function, errorcode=f"http{status}",
            )
        if status != 200 or body is _NOT_JSON:
            excerpt = " ".join(text[:200].split()) or tr("(empty)", "（空）")
            raise UnexpectedResponse(
                tr("{function}: unexpected answer from {url} (HTTP {status}): {excerpt}",
                   "{function}：{url} 的应答异常（HTTP {status}）：{excerpt}",
                   function=function, url=self.url, status=status, excerpt=excerpt),
                function=function, errorcode=f"http{status}",
                hint=tr("Is this the Moodle site root, with web services and the REST protocol enabled?",
                        "请确认这是 Moodle 站点根地址，且已启用 Web 服务和 REST 协议。"),
            )
        return body


_NOT_JSON = object()
