"""The plugin's report pages in a real Moodle, seen by headless Chromium logged in as a
manager: the course page (linked from the course's navigation) and the category page.
Screenshots go to ``test-artifacts/moodle/``; the pages must carry no Moodle debugging
notice (run with debugging at DEVELOPER level to make this check count).

Needs a real site (``CERTBRIDGE_E2E_URL``, ``CERTBRIDGE_E2E_TOKEN``) and a manager's web
login: ``CERTBRIDGE_E2E_MANAGER_USER`` and ``CERTBRIDGE_E2E_MANAGER_PASSWORD``.
"""
from __future__ import annotations

import os
import re
import shutil
import time
import uuid

import lxml.html
import pytest
import requests
from browser import BrowserSession
from fixtures.report import add_copy, copy_packs

from bridge.config import Config, Site
from bridge.sync.progress import Reporter
from bridge.sync.run import RunOptions, sync_site

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

RUN = f"{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
TOKEN_ENV = "CERTBRIDGE_E2E_PAGES_TOKEN"
#: What Moodle prints for a debugging() call or a PHP notice with debugdisplay on.
DEBUG_MARKERS = ("debuggingmessage", "Notice: ", "Warning: ", "Deprecated: ", "Undefined ")
#: Moodle's own readiness signal (what Behat waits for): no JavaScript still pending.
JS_SETTLED = "!!(window.M && M.util && M.util.pending_js && M.util.pending_js.length === 0)"


@pytest.fixture(scope="module")
def manager(moodle_site):
    user, password = os.environ.get("CERTBRIDGE_E2E_MANAGER_USER"), os.environ.get("CERTBRIDGE_E2E_MANAGER_PASSWORD")
    if not moodle_site.real or not user or not password:
        pytest.skip("needs a real Moodle (CERTBRIDGE_E2E_URL) and a manager's login "
                    "(CERTBRIDGE_E2E_MANAGER_USER, CERTBRIDGE_E2E_MANAGER_PASSWORD)")
    return user, password


def login_cookie(url: str, user: str, password: str, verify: bool) -> tuple[str, str]:
    """Log in through Moodle's login form; the session cookie's name and value."""
    session = requests.Session()
    page = session.get(f"{url}/login/index.php", timeout=30, verify=verify)
    token = re.search(r'name="logintoken" value="([^"]+)"', page.text)
    session.post(f"{url}/login/index.php", timeout=30, verify=verify, allow_redirects=True,
                 data={"username": user, "password": password, "logintoken": token.group(1) if token else ""})
    cookie = next((c for c in session.cookies if c.name.startswith("MoodleSession")), None)
    assert cookie is not None, "no Moodle session cookie"
    check = session.get(f"{url}/my/", timeout=30, verify=verify)
    assert "/login/index.php" not in check.url, f"login as {user} failed"
    return cookie.name, cookie.value


@pytest.fixture(scope="module")
def course(moodle_site, manager, tmp_path_factory):
    """One report-demo course synced under a unique category, a module hidden by hand."""
    tmp = tmp_path_factory.mktemp("pages-e2e")
    packs = copy_packs(tmp)
    add_copy(packs, f"e2e-pages-{RUN}", f"E2E-PAGES-{RUN}", category=f"certbridge e2e / 页面 {RUN}")
    shutil.rmtree(packs / "report-demo")
    site = Site(name="e2e", url=moodle_site.url, token_env=TOKEN_ENV, verify_tls=moodle_site.verify)
    config = Config(sites=[site], packs=[packs], state_dir=tmp / "state")
    with pytest.MonkeyPatch.context() as mp, moodle_site.client() as client:
        mp.setenv(TOKEN_ENV, moodle_site.token)
        assert sync_site(config, site, RunOptions(), Reporter())["exit_code"] == 0
        found = client.get_course_by_shortname(f"E2E-PAGES-{RUN}")
        report = client.get_report(int(found["id"]))
        cmid = next(r["cmid"] for r in report["resources"] if r["resource_id"] == "mdn-css")
        client.edit_module("hide", cmid)
        try:
            yield found
        finally:
            moodle_site.delete_course_quietly(int(found["id"]))


@pytest.fixture(scope="module")
def browser(moodle_site, manager):
    name, value = login_cookie(moodle_site.url, *manager, verify=moodle_site.verify)
    with BrowserSession() as session:
        session.set_cookie(moodle_site.url, name, value)
        yield session


def no_debugging(html: str) -> None:
    found = [marker for marker in DEBUG_MARKERS if marker in html]
    assert not found, f"Moodle printed debugging output: {found}"


def test_the_course_page_is_linked_from_the_course_and_shows_the_live_figures(moodle_site, course, browser):
    browser.open(f"{moodle_site.url}/course/view.php?id={course['id']}")
    doc = lxml.html.document_fromstring(browser.dom())
    links = doc.xpath("//a[contains(@href, '/local/certbridge/course.php')]/@href")
    assert any(f"id={course['id']}" in href for href in links), "no link to the report in the course's navigation"

    browser.open(f"{moodle_site.url}/local/certbridge/course.php?id={course['id']}")
    browser.wait_until(JS_SETTLED)
    html = browser.dom()
    no_debugging(html)
    doc = lxml.html.document_fromstring(html)
    assert doc.xpath("string(//*[contains(@class,'local-certbridge-percent')])").strip() in ("70%", "70 %")
    states = [c for c in doc.xpath("//table[contains(@class,'local-certbridge-resources')]//tbody/tr/@class")
              if "local-certbridge-" in c]  # flexible_table pads with empty rows
    assert sum("local-certbridge-hidden" in s for s in states) == 1 and len(states) == 10
    assert doc.xpath("//table[@data-region='local-certbridge-matrix']//tr[@data-code='1.1.1']")
    assert "<script>alert(1)</script>" in doc.text_content()  # the pack title, as text
    png = browser.screenshot("moodle/course-report.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_category_page_lists_the_course_and_the_certificate_view(moodle_site, course, browser):
    browser.open(f"{moodle_site.url}/local/certbridge/category.php?id={course['categoryid']}")
    browser.wait_until(JS_SETTLED)
    html = browser.dom()
    no_debugging(html)
    doc = lxml.html.document_fromstring(html)
    rows = doc.xpath("//table[contains(@class,'local-certbridge-courses')]//tbody/tr[contains(@class,'local-certbridge-')]")
    assert len(rows) == 1 and f"E2E-PAGES-{RUN}" in rows[0].text_content()
    assert doc.xpath("//*[@data-region='local-certbridge-certificate']/@data-level") == ["初级"]
    assert doc.xpath("//select[@name='download']") or doc.xpath("//*[@name='download']")
    browser.screenshot("moodle/category-report.png")
