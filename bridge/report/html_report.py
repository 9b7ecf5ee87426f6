"""``--format html``: one self-contained page (inline CSS and SVG, no script, no external
resource) rendered from ``templates/report/report.html`` with autoescape and StrictUndefined.

A Content-Security-Policy meta tag forbids scripts and remote loads as a second line of
defence; the first is that every text from packs and Moodle is escaped — by Jinja, and
by ``MatrixBuilder`` for the coverage matrices' rows, which are built in Python because
a large report has ~10⁵ cells.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from bridge.pack.model import Requirement
from bridge.report.completion import STATES, CourseCompletion
from bridge.report.coverage import PackCoverage
from bridge.report.labels import labels
from bridge.report.model import REPORT_VERSION, CompletionReport, local_time
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
    reason_no: int = 0  # the number of its reason in the list under the table (unreadable courses)


def _course_view(report: CompletionReport, c: CourseCompletion) -> CourseView:
    ratio = c.ratio
    return CourseView(course=c, ratio_pct="—" if ratio is None else f"{ratio * 100:.0f}%",
                      bar_width=round((ratio or 0.0) * 100, 1), target_x=round(c.target * 100, 1),
                      counts=c.counts, spark=sparkline(report.trend(c)))


def _trend(report: CompletionReport) -> TrendChart:
    multi_site = report.multi_site
    series = [(f"{c.site} {c.shortname}" if multi_site else c.shortname, report.trend(c)) for c in report.courses]
    targets = {c.target for c in report.courses}
    return trend_chart(series, target=targets.pop() if len(targets) == 1 else None)


_NEEDS_ESCAPE = re.compile(r"[&<>\"']").search


def _esc(text: str) -> str:
    """``html.escape`` for attribute and text content, skipped when there is nothing to escape."""
    return escape(text) if _NEEDS_ESCAPE(text) else text


class MatrixBuilder:
    """The coverage matrices' table rows. Built here rather than in Jinja loops because a
    large report has ~10⁵ cells: each resource's chip and each requirement's text is
    escaped once, however many packs share the standard or requirements the resource
    serves. Every text goes through ``_esc``."""

    def __init__(self, courses: list[CourseCompletion], t: dict[str, str]):
        self._chip = {id(r): f'<span class="chip s-{r.state}">{_esc(r.name)}</span>'
                      for c in courses for r in c.resources}
        self._text: dict[int, str] = {}
        self._none = f'<span class="flag">{_esc(t["no_resource"])}</span>'
        self._flag = f' <span class="flag">⚠ {_esc(t["uncovered"])}</span>'

    def body(self, cov: PackCoverage) -> Markup:
        """The ``<tr>`` rows of one pack's matrix: a row per requirement, its 工作领域 and
        工作任务 cells spanning their rows, uncovered requirements flagged."""
        chip, out = self._chip, []
        for area in cov.areas:
            for ti, task in enumerate(area.tasks):
                for ri, rc in enumerate(task.requirements):
                    covered = rc.covered
                    row = [f'<tr class="{"covered" if covered else "uncovered"}" data-code="{_esc(rc.requirement.code)}">']
                    if ri == 0:
                        if ti == 0:
                            row.append(f'<td class="area" rowspan="{area.size}">{_esc(area.code)} {_esc(area.name)}</td>')
                        row.append(f'<td class="task" rowspan="{len(task.requirements)}">'
                                   f'{_esc(task.code)} {_esc(task.name)}</td>')
                    row.append('<td class="req">')
                    row.append(self._requirement(rc.requirement))
                    if cov.known and not covered:
                        row.append(self._flag)
                    row.append("</td><td>")
                    row.append("".join([chip[id(r)] for r in rc.resources]) or self._none)
                    row.append("</td></tr>\n")
                    out.append("".join(row))
        return Markup("".join(out))

    def _requirement(self, req: Requirement) -> str:
        text = self._text.get(id(req))
        if text is None:
            text = self._text[id(req)] = f'<span class="code">{_esc(req.code)}</span> {_esc(req.text)}'
        return text


def render_html(report: CompletionReport, *, lang: str) -> str:
    """The HTML page as a string."""
    courses = [_course_view(report, c) for c in report.courses]
    unreadable = report.unreadable()
    numbers = {error: i for i, (error, _) in enumerate(unreadable, 1)}
    for v in courses:
        v.reason_no = numbers.get(v.course.error, 0)
    t = labels(lang)
    return report_environment().get_template(TEMPLATE).render(
        t=t, lang=lang, report=report, summary=report.summary, generated=local_time(report.generated_at), unreadable=unreadable,
        courses=courses, coverage=report.coverage, trend=_trend(report), states=STATES,
        multi_site=report.multi_site, report_version=REPORT_VERSION, matrix=MatrixBuilder(report.courses, t))
