"""The HTML report in headless Chromium: summary and matrix rendered, no script from the
data ran. A screenshot is kept in test-artifacts/ for people to look at."""
from __future__ import annotations

import re

import lxml.html
import pytest
from browser import dump_dom, screenshot
from fixtures.report import FakeClient, add_copy, config_for, copy_packs, denied, hand_edited_snapshot, synced_snapshot

from bridge.render.desired import desired_course
from bridge.report import render, write_report
from bridge.report.run import run_report, select_packs

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("browser")
    packs = copy_packs(tmp_path)
    add_copy(packs, "report-e", "RPT-202")
    add_copy(packs, "report-f", "RPT-303")
    config = config_for(tmp_path, packs)
    desired = {p.id: desired_course(p) for p in select_packs(config)}
    below = synced_snapshot(desired["report-e"], courseid=8)
    for rid in ("mdn-js", "note1", "handout", "mdn-html"):
        del below.modules[desired["report-e"].prefix + rid]
    client = FakeClient({"RPT-101": hand_edited_snapshot(desired["report-demo"]), "RPT-202": below,
                         "RPT-303": synced_snapshot(desired["report-f"], courseid=9)}, fail={9: denied()})
    for at in (1_700_000_000.0, 1_700_300_000.0, 1_700_600_000.0):
        report = run_report(config, client_factory=lambda site: client, clock=lambda: at, record=True)
    out = tmp_path / "report.html"
    write_report(render(report, "html", lang="zh"), "html", out)
    return out


def test_chromium_renders_summary_and_matrix_and_runs_no_script_from_the_data(page):
    dom = dump_dom(page)
    doc = lxml.html.document_fromstring(dom)
    # The page title is ours: the pack title's <script> and a resource title's
    # attribute breakout (" onmouseover=…) did not run (they are text; the CSP would stop them too).
    assert doc.findtext(".//title").startswith("课程资源上线情况报告")
    assert "pwned" not in (doc.findtext(".//title") or "")
    assert doc.xpath("//script") == [] and doc.xpath("//img") == []
    assert "document.title='pwned'" in doc.text_content()
    assert "<script>alert(1)</script>" in doc.text_content()
    # Summary figures: 101 meets (5/10), 202 below (4/10), 303 unreadable.
    assert [doc.xpath(f"string(//*[@id='{i}'])") for i in ("n-courses", "n-meets", "n-below", "n-unknown")] == \
        ["3", "1", "1", "1"]
    assert re.sub(r"\s+", " ", doc.xpath("string(//tr[@data-shortname='RPT-202']/td[contains(@class,'ratio')])")) \
        .strip() == "40%"
    # The matrix: a row per requirement, uncovered ones flagged, chips coloured by state.
    matrix = doc.xpath("//table[@data-pack='report-demo']")[0]
    assert matrix.xpath(".//tr/@data-code") == ["1.1.1", "1.1.2", "1.1.3", "1.2.1", "1.2.2", "2.1.1", "2.1.2"]
    assert matrix.xpath(".//tr[contains(@class,'uncovered')]/@data-code") == ["1.1.3", "1.2.1", "1.2.2", "2.1.2"]
    assert matrix.xpath(".//tr[@data-code='1.2.1']//span[contains(@class,'chip')]/@class") == ["chip s-outdated"]
    assert len(doc.xpath("//*[@id='trend-chart']//*[local-name()='polyline']")) == 2


def test_screenshot_is_kept_as_an_artefact(page):
    png = screenshot(page, "report/report.png", height=1800)
    assert png.stat().st_size > 10_000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
