"""The four formats of one report: JSON schema, CSV for Excel, the terminal table, HTML."""
from __future__ import annotations

import csv
import io
import json

import lxml.html
import pytest
from fixtures.report import FakeClient, add_copy, config_for, copy_packs, denied, hand_edited_snapshot, synced_snapshot

from bridge.render.desired import desired_course
from bridge.report import STATES, render, write_report
from bridge.report.csv_report import COLUMNS, COLUMNS_ZH
from bridge.report.run import run_report, select_packs
from bridge.textwidth import clip, display_width

XSS = "<script>alert(1)</script>"


@pytest.fixture
def report(tmp_path):
    packs = copy_packs(tmp_path)
    add_copy(packs, "report-e", "RPT-202")
    add_copy(packs, "report-f", "RPT-303")
    config = config_for(tmp_path, packs)
    desired = {p.id: desired_course(p) for p in select_packs(config)}
    two = hand_edited_snapshot(desired["report-e"])
    del two.modules[desired["report-e"].prefix + "mdn-js"]  # 4/10: below target
    client = FakeClient({"RPT-101": hand_edited_snapshot(desired["report-demo"]), "RPT-202": two,
                         "RPT-303": synced_snapshot(desired["report-f"], courseid=9)})
    two_snapshot = client.courses["RPT-202"]
    two_snapshot.course["id"] = 8
    client.fail[9] = denied()
    for at in (1_700_000_000.0, 1_700_086_400.0):
        result = run_report(config, client_factory=lambda site: client, clock=lambda: at, record=True)
    return result


def test_json_schema(report):
    data = json.loads(render(report, "json", lang="en"))
    assert data["report_version"] == 1
    assert data["generated_at"] == "2023-11-15T22:13:20Z"
    assert data["summary"] == {"courses": 3, "meets_target": 1, "below_target": 1, "unknown": 1}
    first = data["courses"][0]
    for key in ("shortname", "planned", "online", "ratio", "target", "meets_target", "counts", "status",
                "site", "pack_id", "url", "error", "resources", "history"):
        assert key in first
    assert (first["shortname"], first["planned"], first["online"], first["ratio"], first["target"],
            first["meets_target"]) == ("RPT-101", 10, 5, 0.5, 0.5, True)
    assert first["counts"] == {"online": 5, "outdated": 1, "hidden": 1, "missing": 1, "planned": 2, "unknown": 0}
    assert [h["at"] for h in first["history"]] == ["2023-11-14T22:13:20Z", "2023-11-15T22:13:20Z"]
    assert {r["state"] for r in first["resources"]} <= set(STATES)
    unknown = data["courses"][2]
    assert (unknown["ratio"], unknown["meets_target"], unknown["status"]) == (None, None, "unknown")
    assert unknown["error"] == "You cannot view this course"
    cov = data["coverage"][0]
    assert cov["uncovered"] == ["1.1.3", "1.2.1", "1.2.2", "2.1.2"] and cov["requirements"] == 7
    assert cov["areas"][0]["tasks"][0]["requirements"][0]["code"] == "1.1.1"


def test_csv_round_trip_with_utf8_bom(report, tmp_path):
    out = tmp_path / "report.csv"
    write_report(render(report, "csv", lang="en"), "csv", out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(COLUMNS)
    assert [r["shortname"] for r in rows] == ["RPT-101", "RPT-202", "RPT-303"]
    first = rows[0]
    assert first["fullname"] == "报告演示课程" and first["pack_title"] == f"报告演示资源包 {XSS}"
    assert (first["planned"], first["online"], first["ratio"], first["meets_target"]) == ("10", "5", "0.5000", "true")
    assert (first["n_hidden"], first["n_missing"], first["n_outdated"], first["n_planned"]) == ("1", "1", "1", "2")
    assert first["uncovered_codes"] == "1.1.3 1.2.1 1.2.2 2.1.2"
    assert rows[1]["meets_target"] == "false" and rows[2]["meets_target"] == "" and rows[2]["status"] == "unknown"
    assert (first["percent"], rows[2]["percent"]) == ("50.0%", "")


@pytest.fixture
def shanghai(monkeypatch):
    """This machine's clock in China Standard Time, as at a college."""
    import time
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_csv_in_chinese_for_coordinators_with_local_time_and_percentage(report, shanghai):
    assert len(COLUMNS_ZH) == len(COLUMNS)
    rows = list(csv.reader(io.StringIO(render(report, "csv", lang="zh"))))
    assert tuple(rows[0]) == COLUMNS_ZH and rows[0][:3] == ["生成时间", "站点", "资源包"]
    first, below, unreadable = (dict(zip(COLUMNS, row)) for row in rows[1:])
    assert first["generated_at"] == "2023-11-16T06:13:20+08:00"  # 22:13:20 UTC, with its offset
    assert (first["ratio"], first["percent"], first["meets_target"], first["status"]) == ("0.5000", "50.0%", "是", "达标")
    assert (below["percent"], below["meets_target"], below["status"]) == ("40.0%", "否", "未达标")
    assert (unreadable["ratio"], unreadable["percent"], unreadable["status"]) == ("", "", "无法读取")
    assert unreadable["error"] == "You cannot view this course"


def test_an_unreadable_course_is_said_once_with_its_reason_not_as_below(report):
    report.courses[1].error = report.courses[2].error  # a second course stopped by the same cause
    table = render(report, "table", lang="zh")
    assert table.count("You cannot view this course") == 1
    assert "无法读取：RPT-202, RPT-303" in table
    row = next(line for line in table.splitlines() if line.startswith("RPT-303"))
    assert "无法读取" in row and "—/10" in row and "未达标" not in row
    page = lxml.html.document_fromstring(render(report, "html", lang="zh"))
    assert page.text_content().count("You cannot view this course") == 1
    assert page.xpath("string(//tr[@data-shortname='RPT-303']//td[contains(@class,'status')])") == "无法读取"


def test_csv_neutralises_spreadsheet_formulas(report):
    report.courses[0].fullname = "=HYPERLINK(\"http://evil\")"
    rows = list(csv.DictReader(io.StringIO(render(report, "csv", lang="en"))))
    assert rows[0]["fullname"] == "'=HYPERLINK(\"http://evil\")"


def test_terminal_table_aligns_chinese_and_colours_only_when_asked(report):
    plain = render(report, "table", lang="zh")
    assert "\x1b[" not in plain
    lines = plain.splitlines()
    header, rule, *rows = lines[:5]
    assert "RPT-101" in rows[0] and "50%" in rows[0] and "达标" in rows[0]
    # Columns line up by display width: the ratio column ends at the same cell on each row.
    known = [line for line in rows if line.startswith(("RPT-101", "RPT-202"))]
    ends = [display_width(line[:line.index("%") + 1]) for line in known]
    assert len(ends) == 2
    assert len(set(ends)) == 1
    assert plain.count("You cannot view this course") == 1
    assert "1.1.3" in plain  # uncovered requirements listed
    coloured = render(report, "table", lang="en", color=True)
    assert "\x1b[" in coloured and "meets target" in coloured


def test_display_width_counts_cjk_as_two_cells():
    assert display_width("RPT-101") == 7
    assert display_width("报告") == 4
    assert display_width("ａ") == 2  # fullwidth
    assert display_width(clip("报告演示课程报告演示课程", 9)) <= 9


def test_html_is_self_contained_escapes_data_and_draws_the_trend(report):
    page = render(report, "html", lang="zh")
    doc = lxml.html.document_fromstring(page)
    assert doc.xpath("//script") == []
    assert not doc.xpath("//@*[starts-with(name(), 'on')]")  # no event handlers
    assert doc.xpath("//link") == [] and doc.xpath("//img") == []
    assert not any(src for src in doc.xpath("//@src"))
    assert XSS in doc.text_content()  # the pack title shows as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert doc.xpath("string(//*[@id='n-meets'])") == "1"
    assert doc.xpath("string(//*[@id='n-below'])") == "1"
    assert doc.xpath("string(//*[@id='n-unknown'])") == "1"
    assert doc.xpath("//html/@lang") == ["zh-CN"] and "课程资源上线情况报告" in page
    # One matrix per pack, rows by requirement, uncovered ones flagged.
    matrices = doc.xpath("//table[contains(@class, 'matrix')]")
    assert len(matrices) == 3
    assert matrices[0].xpath(".//tr[contains(@class, 'uncovered')]/@data-code") == ["1.1.3", "1.2.1", "1.2.2", "2.1.2"]
    # A link to each readable course in Moodle.
    assert doc.xpath("//tr[@data-shortname='RPT-101']//a/@href") == ["http://campus.example.edu.cn/course/view.php?id=7"]
    # Two runs recorded → a trend line per readable course and a sparkline in its row.
    assert len(doc.xpath("//*[@id='trend-chart']//*[local-name()='polyline']")) == 2
    assert doc.xpath("//tr[@data-shortname='RPT-202']//*[local-name()='polyline']/@points")


def test_html_labels_follow_the_language(report):
    assert "Course resource completion report" in render(report, "html", lang="en")
    assert '<html lang="en">' in render(report, "html", lang="en")


def test_trend_chart_draws_the_lowest_courses_when_there_are_many():
    from bridge.report.svg import sparkline, trend_chart
    from bridge.sync.state import FigureRow

    def series(name, ratio):
        return name, [FigureRow(1000.0 + k * 60, "report", name, "p", 10, int(ratio * 10), ratio, 0.5) for k in range(3)]

    chart = trend_chart([series(f"C{i}", i / 10) for i in range(10)] + [("NONE", [])], max_lines=3, target=0.5)
    assert (chart.shown, chart.total) == (3, 10)
    assert [line.label for line in chart.lines] == ["C0", "C1", "C2"]
    assert chart.target_y == chart.top + chart.plot_h / 2
    assert [label for _, label in chart.x_ticks][0] == "00:16:40"  # runs minutes apart: seconds shown
    assert sparkline([]) == "" and sparkline(series("X", 1.0)[1]).split()[0] == "0.0,0.0"
