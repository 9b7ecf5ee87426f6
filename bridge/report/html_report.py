"""``--format html``: one self-contained page (inline CSS and SVG, no script, no external
resource) rendered from ``templates/report/report.html`` with autoescape and StrictUndefined.

A Content-Security-Policy meta tag forbids scripts and remote loads as a second line of
defence; the first is that every text from packs and Moodle is escaped.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from markupsafe import Markup

from bridge.pack.model import Requirement
from bridge.report.completion import STATES, CourseCompletion
from bridge.report.coverage import PackCoverage
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


@dataclass(slots=True)
class MatrixRow:
    """One requirement's row of a coverage matrix, its cells already escaped."""

    code: str
    covered: bool
    head: Markup  # the 工作领域 / 工作任务 cells that start on this row (rowspan), or ""
    requirement: Markup
    chips: Markup


class MatrixBuilder:
    """The coverage matrices' rows. Built here rather than in Jinja loops because a large
    report has ~10⁵ cells: each resource's chip and each requirement's text is escaped
    once, however many packs share the standard or requirements the resource serves."""

    def __init__(self, courses: list[CourseCompletion], t: dict[str, str]):
        self._t = t
        self._chip = {id(r): f'<span class="chip s-{r.state}">{escape(r.name)}</span>'
                      for c in courses for r in c.resources}
        self._text: dict[int, str] = {}
        self._none = f'<span class="flag">{escape(t["no_resource"])}</span>'
        self._flag = f' <span class="flag">⚠ {escape(t["uncovered"])}</span>'

    def rows(self, cov: PackCoverage) -> list[MatrixRow]:
        out = []
        for area in cov.areas:
            for ti, task in enumerate(area.tasks):
                for ri, rc in enumerate(task.requirements):
                    head = ""
                    if ri == 0:
                        if ti == 0:
                            head = f'<td class="area" rowspan="{area.size}">{escape(area.code)} {escape(area.name)}</td>'
                        head += (f'<td class="task" rowspan="{len(task.requirements)}">'
                                 f'{escape(task.code)} {escape(task.name)}</td>')
                    covered = rc.covered
                    text = self._requirement(rc.requirement)
                    if cov.known and not covered:
                        text += self._flag
                    chip = self._chip
                    chips = "".join([chip[id(r)] for r in rc.resources]) or self._none
                    out.append(MatrixRow(rc.requirement.code, covered, Markup(head), Markup(text), Markup(chips)))
        return out

    def _requirement(self, req: Requirement) -> str:
        text = self._text.get(id(req))
        if text is None:
            text = self._text[id(req)] = f'<span class="code">{escape(req.code)}</span> {escape(req.text)}'
        return text


def render_html(report: CompletionReport, *, lang: str) -> str:
    """The HTML page as a string."""
    courses = [_course_view(report, c) for c in report.courses]
    t = labels(lang)
    return report_environment().get_template(TEMPLATE).render(
        t=t, lang=lang, report=report, summary=report.summary, generated=iso_time(report.generated_at),
        courses=courses, coverage=report.coverage, trend=_trend(report), states=STATES,
        multi_site=report.multi_site, report_version=REPORT_VERSION, matrix=MatrixBuilder(report.courses, t))
