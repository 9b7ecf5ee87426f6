"""The one place that talks HTTP to Moodle.

Owns the ``requests.Session``; sends the token only in POST bodies; inspects every
body (Moodle reports errors with HTTP 200); retries only what is safe to repeat: reads
after connection errors or 5xx, and any request the server never received. A write
whose outcome is unknown raises ``AmbiguousWrite`` instead: the caller re-reads by
idnumber.
"""
from __future__ import annotations

import re
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import orjson
import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from bridge import __version__
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
from bridge.moodle.types import CallStats

log = logging.getLogger("bridge.moodle")

REST_PATH = "/webservice/rest/server.php"
UPLOAD_PATH = "/webservice/upload.php"
#: Longest wait honoured from a Retry-After header.
MAX_RETRY_AFTER = 60.0

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


class Requester:
    """Sends web-service calls and uploads for one site and token."""

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
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.stats = CallStats()
        self.sleep: Callable[[float], None] = time.sleep
        if rate_limit is None or callable(rate_limit):
            self._limit = rate_limit
        else:
            self._limit = MinInterval(float(rate_limit))
        self.session = session or requests.Session()
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
        body = self.decode(function, response)
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
        while True:
            if self._limit is not None:
                self._limit()
            self.stats.http_requests += 1
            started = time.monotonic()
            try:
                response = send()
            except requests.RequestException as exc:
                nothing_sent = _nothing_sent(exc)
                cause = type(exc).__name__
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
                if _retryable_exception(exc) and attempt < self.retries:
                    attempt = self._wait_before_retry(function, attempt, cause)
                    continue
                raise TransportError(
                    tr("{function}: cannot reach {url} ({cause}: {detail})",
                       "{function}：无法连接 {url}（{cause}：{detail}）",
                       function=function, url=self.url, cause=cause, detail=self._describe(exc)),
                    function=function,
                    hint=tr("Check the site URL, the network, and (for HTTPS) the certificate.",
                            "请检查站点地址、网络以及（HTTPS 时）证书。"),
                ) from None
            log.debug("%s: HTTP %s in %.3fs", function, response.status_code, time.monotonic() - started)
            status = response.status_code
            retry_safe = not write or status == 429  # 429: refused before any work was done
            if (status >= 500 or status == 429) and retry_safe and attempt < self.retries:
                response.close()
                attempt = self._wait_before_retry(function, attempt, f"HTTP {status}",
                                                  retry_after=response.headers.get("Retry-After"))
                continue
            if status >= 500:
                raise ServerError(
                    tr("{function}: the site answered HTTP {status}", "{function}：站点返回 HTTP {status}",
                       function=function, status=status),
                    status=status, write=write, function=function,
                    hint=tr("A write may or may not have been made; read the state back before retrying.",
                            "写操作可能已部分生效；重试前请先读取当前状态。") if write else None,
                )
            return response

    def _wait_before_retry(self, function: str, attempt: int, cause: str, retry_after: str | None = None) -> int:
        delay = self.backoff * (2 ** attempt)
        if retry_after:
            try:
                delay = max(delay, min(float(retry_after), MAX_RETRY_AFTER))
            except ValueError:
                pass
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
