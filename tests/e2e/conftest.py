"""The Moodle the end-to-end tests talk to.

A real site when ``CERTBRIDGE_E2E_URL`` and ``CERTBRIDGE_E2E_TOKEN`` are set (plus
``CERTBRIDGE_E2E_LOWPRIV_TOKEN`` for the access test, ``CERTBRIDGE_E2E_VERIFY=0`` for a
self-signed certificate); otherwise the bundled sandbox on a free loopback port.
"""
from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class E2ESite:
    url: str
    token: str
    lowpriv_token: str | None
    real: bool
    verify: bool = True

    def __repr__(self) -> str:  # never print tokens in test output
        return f"E2ESite(url={self.url!r}, real={self.real})"

    def client(self, token: str | None = None):
        """A client of this site, with the admin token unless another is given."""
        from bridge.moodle import MoodleClient

        return MoodleClient(self.url, self.token if token is None else token, verify=self.verify)

    def delete_course_quietly(self, courseid: int, name: object = None) -> None:
        """Clean-up on a live site is best effort: a course that cannot be deleted is a warning."""
        try:
            with self.client() as client:
                client.delete_course(courseid)
        except Exception as err:  # noqa: BLE001 - cleanup is best effort on a real site
            warnings.warn(f"course {name or courseid} left on the site ({err})", stacklevel=2)


@pytest.fixture(scope="session")
def moodle_site():
    url, token = os.environ.get("CERTBRIDGE_E2E_URL"), os.environ.get("CERTBRIDGE_E2E_TOKEN")
    if url and token:
        yield E2ESite(url=url.rstrip("/"), token=token, real=True,
                      lowpriv_token=os.environ.get("CERTBRIDGE_E2E_LOWPRIV_TOKEN") or None,
                      verify=os.environ.get("CERTBRIDGE_E2E_VERIFY", "1") != "0")
        return
    try:
        from bridge.sandbox import Sandbox
    except ImportError as exc:
        pytest.skip(f"bridge.sandbox is not available ({exc}); set CERTBRIDGE_E2E_URL and "
                    "CERTBRIDGE_E2E_TOKEN to run against a real Moodle")
    with Sandbox(data_dir=None, host="127.0.0.1", port=0) as sandbox:
        yield E2ESite(url=sandbox.url, token=sandbox.token, lowpriv_token=sandbox.lowpriv_token, real=False)
