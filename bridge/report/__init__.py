"""Completion and skill-coverage reports: how much of each course is online in Moodle.

``run_report`` reads Moodle and returns a ``CompletionReport``; ``render`` turns it into
a terminal table, JSON, CSV or a self-contained HTML page (docs/report.md).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from bridge.lazy import lazy_exports

__all__ = ["FORMATS", "REPORT_VERSION", "STATES", "CompletionReport", "CourseCompletion", "PackCoverage",
           "ResourceStatus", "course_completion", "pack_coverage", "render", "run_report", "write_report"]
__getattr__ = lazy_exports(__name__, {
    "STATES": "completion", "CourseCompletion": "completion", "ResourceStatus": "completion",
    "course_completion": "completion", "PackCoverage": "coverage", "pack_coverage": "coverage",
    "REPORT_VERSION": "model", "CompletionReport": "model", "FORMATS": "output", "render": "output",
    "write_report": "output", "run_report": "run"})

if TYPE_CHECKING:
    from bridge.report.completion import STATES, CourseCompletion, ResourceStatus, course_completion
    from bridge.report.coverage import PackCoverage, pack_coverage
    from bridge.report.model import REPORT_VERSION, CompletionReport
    from bridge.report.output import FORMATS, render, write_report
    from bridge.report.run import run_report
