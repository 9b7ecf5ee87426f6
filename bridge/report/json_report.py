"""``--format json``: the report as one JSON document (``report_version`` 1, docs/report.md)."""
from __future__ import annotations

import json

from bridge.report.model import CompletionReport


def render_json(report: CompletionReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
