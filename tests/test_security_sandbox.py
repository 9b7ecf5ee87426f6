"""The sandbox server under hostile requests: a body length it cannot trust is refused
at once, not read until the client lets go."""
from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest

from tests.sandbox_client import WS, sb, ws  # noqa: F401  (fixtures)


def raw_request(url: str, request: bytes, *, wait: float = 10.0) -> bytes:
    """Send ``request`` and keep the connection open; the answer's first bytes, or b""
    when none came within ``wait`` seconds."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=wait) as conn:
        conn.sendall(request)
        try:
            return conn.recv(4096)
        except socket.timeout:
            return b""


@pytest.mark.parametrize("path", ["/webservice/rest/server.php", "/_sandbox/admin",
                                  "/webservice/pluginfile.php/1/user/draft/1/a.txt", "/nowhere",
                                  "/webservice/upload.php"])
def test_a_negative_content_length_is_refused_without_reading_to_the_end(sb, path):
    request = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\n\r\nwstoken=").encode()
    answer = raw_request(sb.url, request)
    assert answer.startswith(b"HTTP/1.1 400"), answer


def test_the_server_still_answers_after_a_bad_length(sb, ws):
    raw_request(sb.url, b"POST /webservice/rest/server.php HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
    assert ws("core_webservice_get_site_info")["username"] == "admin"
