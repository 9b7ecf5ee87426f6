"""Completion history in the site's state store: each report run (and each sync) adds
one ``FigureRow`` per course it could read, so trend charts need no set-up."""
from __future__ import annotations

from collections.abc import Iterable

from bridge.report.completion import CourseCompletion
from bridge.sync.state import FigureRow, StateStore

#: How many past figures per course a report draws.
TREND_POINTS = 30


def figure_rows(courses: Iterable[CourseCompletion], at: float, source: str) -> list[FigureRow]:
    """The rows to record for ``courses``; unreadable courses have no figure and are left out."""
    return [FigureRow(at=at, source=source, shortname=c.shortname, pack_id=c.pack_id, planned=c.planned,
                      online=c.online, ratio=c.ratio, target=c.target)
            for c in courses if c.ratio is not None]


def record_figures(store: StateStore, courses: Iterable[CourseCompletion], at: float, source: str = "report") -> None:
    """Add this run's figures to the store's history."""
    rows = figure_rows(courses, at, source)
    if rows:
        store.record_figures(rows)


def course_history(store: StateStore, courses: Iterable[CourseCompletion],
                   limit: int = TREND_POINTS) -> dict[tuple[str, str], list[FigureRow]]:
    """The newest ``limit`` figures of each course, oldest first, keyed by (site, shortname)."""
    return {(c.site, c.shortname): store.history(c.shortname, limit=limit) for c in courses}
