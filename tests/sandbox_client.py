"""A bare `requests` client and fixtures for the sandbox tests (the real client lives in bridge.moodle)."""
from __future__ import annotations

from typing import Any

import pytest
import requests

from bridge.sandbox import Sandbox


class WS:
    """Calls one sandbox with one token, as plain form posts."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token
        self.session = requests.Session()

    def __call__(self, wsfunction: str, **params: Any) -> Any:
        data = {"wstoken": self.token, "wsfunction": wsfunction, "moodlewsrestformat": "json"}
        data.update({k: (int(v) if isinstance(v, bool) else v) for k, v in params.items()})
        reply = self.session.post(self.url + "/webservice/rest/server.php", data=data, timeout=10)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def upload(self, *files: tuple[str, bytes], itemid: int = 0, token: str | None = None) -> Any:
        reply = self.session.post(self.url + "/webservice/upload.php",
                                  data={"token": token or self.token, "filearea": "draft", "itemid": str(itemid)},
                                  files=[(f"file_{i}", f) for i, f in enumerate(files, 1)], timeout=10)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def new_course(self, shortname: str, numsections: int = 3) -> int:
        created = self("core_course_create_courses", **{
            "courses[0][fullname]": shortname, "courses[0][shortname]": shortname, "courses[0][categoryid]": 1,
            "courses[0][courseformatoptions][0][name]": "numsections",
            "courses[0][courseformatoptions][0][value]": str(numsections)})
        return created[0]["id"]


@pytest.fixture
def sb():
    """A fresh sandbox per test (temp data, free port)."""
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def ws(sb):
    """The admin's client for that sandbox."""
    return WS(sb.url, sb.token)
