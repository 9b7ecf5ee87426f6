"""TLS verification follows the site's config (``verify_tls``, ``ca_bundle``) on every
request: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's
``verify`` unless each request passes it. With plain ``verify_tls = true`` the
environment's bundle is the trust store, as requests documents."""
from __future__ import annotations

import pytest
import responses

from bridge.config import Site
from bridge.moodle.client import MoodleClient
from bridge.moodle.upload import upload_files

SITE = "https://moodle.example.edu.cn"


@pytest.fixture(autouse=True)
def env_bundle(monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/elsewhere/env-bundle.pem")
    monkeypatch.setenv("CURL_CA_BUNDLE", "/elsewhere/curl-bundle.pem")


def sent_verify(site: Site, tmp_path) -> list:
    handout = tmp_path / "a.txt"
    handout.write_text("x", "utf-8")
    with responses.RequestsMock() as rsps:
        rsps.post(SITE + "/webservice/rest/server.php", json={"username": "admin"})
        rsps.post(SITE + "/webservice/upload.php", json=[{
            "component": "user", "contextid": 5, "userid": "2", "filearea": "draft", "filename": "a.txt",
            "filepath": "/", "itemid": 7, "license": "unknown", "author": "A", "source": "", "filesize": 1}])
        with MoodleClient(site.url, "t0ken", verify=site.verify) as client:
            client.site_info()
            upload_files(client.requester, [handout])
        return [call.request.req_kwargs["verify"] for call in rsps.calls]


@pytest.mark.parametrize("settings,expected", [
    ({}, "/elsewhere/env-bundle.pem"),
    ({"ca_bundle": "/etc/certbridge/campus-ca.pem"}, "/etc/certbridge/campus-ca.pem"),
    ({"verify_tls": False}, False),
])
def test_every_request_verifies_as_the_site_is_configured(tmp_path, settings, expected):
    site = Site(name="campus", url=SITE, token_env="X", **settings)
    assert sent_verify(site, tmp_path) == [expected, expected]
