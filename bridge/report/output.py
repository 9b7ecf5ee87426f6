"""One entry point for every format, and writing a report to a file."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from typing import TYPE_CHECKING

from bridge.gcpause import paused_gc

if TYPE_CHECKING:
    from bridge.report.model import CompletionReport

# Kept light (the renderers load on use): the CLI reads FORMATS when it starts.
FORMATS = ("table", "json", "csv", "html")


def render(report: CompletionReport, fmt: str, *, lang: str, color: bool = False) -> str:
    """The report as text in ``fmt`` (one of ``FORMATS``)."""
    with paused_gc():
        return _render(report, fmt, lang=lang, color=color)


def _render(report: CompletionReport, fmt: str, *, lang: str, color: bool) -> str:
    if fmt == "table":
        from bridge.report.table import render_table
        return render_table(report, lang=lang, color=color)
    if fmt == "json":
        from bridge.report.json_report import render_json
        return render_json(report)
    if fmt == "csv":
        from bridge.report.csv_report import render_csv
        return render_csv(report, lang)
    if fmt == "html":
        from bridge.report.html_report import render_html
        return render_html(report, lang=lang)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def write_report(text: str, fmt: str, path: Path) -> None:
    """Write atomically (temp file, then rename); CSV gets the BOM Excel needs. On any
    error the temp file is removed and an earlier report at ``path`` stays as it was."""
    # Encoded first: text that cannot be written fails before any file is made. The
    # CSV's CRLF stays as written; other formats use \n everywhere.
    from bridge.report.csv_report import ENCODING as CSV_ENCODING
    data = text.encode(CSV_ENCODING if fmt == "csv" else "utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")  # two writers never share it
    try:
        with tmp.open("xb") as fh:
            fh.write(data)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
