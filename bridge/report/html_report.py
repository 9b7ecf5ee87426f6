"""``--format html``: one self-contained page (inline CSS and SVG, no script, no external
resource) rendered from ``templates/report/report.html`` with autoescape and StrictUndefined.

A Content-Security-Policy meta tag forbids scripts and remote loads as a second line of
defence; the first is that every text from packs and Moodle is escaped.
"""
from __future__ import annotations

from dataclasses import dataclass

from bridge.report.completion import STATES, CourseCompletion
from bridge.report.labels import labels
from bridge.report.model import REPORT_VERSION, CompletionReport, iso_time
from bridge.report.svg import TrendChart, sparkline, trend_chart
from bridge.render.templates import report_environment

TEMPLATE = "report/report.html"


@dataclass
class CourseView:
    """What the course table needs for one row, computed once."""

    course: CourseCompletion
    ratio_pct: str
    bar_width: float
    target_x: float
    counts: dict[str, int]
    spark: str


def _course_view(report: CompletionReport, c: CourseCompletion) -> CourseView:
    ratio = c.ratio
    return CourseView(course=c, ratio_pct="—" if ratio is None else f"{ratio * 100:.0f}%",
                      bar_width=round((ratio or 0.0) * 100, 1), target_x=round(c.target * 100, 1),
                      counts=c.counts, spark=sparkline(report.trend(c)))


def _trend(report: CompletionReport) -> TrendChart:
    series = [(f"{c.site} {c.shortname}" if report.multi_site else c.shortname, report.trend(c))
              for c in report.courses]
    targets = {c.target for c in report.courses}
    return trend_chart(series, target=targets.pop() if len(targets) == 1 else None)


def render_html(report: CompletionReport, *, lang: str) -> str:
    """The HTML page as a string."""
    courses = [_course_view(report, c) for c in report.courses]
    return report_environment().get_template(TEMPLATE).render(
        t=labels(lang), lang=lang, report=report, summary=report.summary, generated=iso_time(report.generated_at),
        courses=courses, coverage=report.coverage, trend=_trend(report), states=STATES,
        multi_site=report.multi_site, report_version=REPORT_VERSION)
