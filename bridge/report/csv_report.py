"""``--format csv``: one row per course, UTF-8 with a BOM so Excel shows Chinese text.

The columns (docs/report.md) are fixed and named in English so scripts can rely on them.
"""
from __future__ import annotations

import csv
import io

from bridge.report.completion import STATES
from bridge.report.model import CompletionReport, iso_time

#: ``utf-8-sig`` writes the BOM Excel needs to read UTF-8.
ENCODING = "utf-8-sig"

COLUMNS = ("generated_at", "site", "pack_id", "pack_title", "shortname", "fullname", "course_id", "url",
           "planned", "online", "ratio", "target", "meets_target", "status",
           *(f"n_{state}" for state in STATES),
           "requirements", "requirements_uncovered", "uncovered_codes", "error")


# A cell starting like a formula would be run by Excel (CSV injection): keep it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def render_csv(report: CompletionReport) -> str:
    """The CSV text (without the BOM: write it with ``ENCODING``)."""
    coverage = {(p.site, p.pack_id): p for p in report.coverage}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180 line ends, as Excel writes them
    writer.writerow(COLUMNS)
    at = iso_time(report.generated_at)
    for c in report.courses:
        ratio, meets = c.ratio, c.meets_target
        cov = coverage.get((c.site, c.pack_id))
        uncovered = [rc.requirement.code for rc in cov.uncovered] if cov and cov.known else []
        counts = c.counts
        writer.writerow([
            at, c.site, c.pack_id, _text(c.pack_title), _text(c.shortname), _text(c.fullname), c.courseid or "",
            c.course_url,
            c.planned, c.online, "" if ratio is None else f"{ratio:.4f}", f"{c.target:g}",
            "" if meets is None else str(meets).lower(), c.status,
            *(counts[state] for state in STATES),
            cov.total if cov else "", len(uncovered) if cov and cov.known else "", " ".join(uncovered), _text(c.error),
        ])
    return buffer.getvalue()
