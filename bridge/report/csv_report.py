"""``--format csv``: one row per course, UTF-8 with a BOM so Excel shows Chinese text.

The columns (docs/report.md) are fixed. In English they carry machine-friendly names and
values (``meets``, ``true``); under ``--lang zh`` the header and the status values are
Chinese (列名, 达标/未达标/无法读取) for coordinators who open it in Excel. Times are local
with their offset; the share online is there as a ratio and as a percentage.
"""
from __future__ import annotations

import csv
import io

from bridge.report.completion import STATES
from bridge.report.model import CompletionReport, local_time

#: ``utf-8-sig`` writes the BOM Excel needs to read UTF-8.
ENCODING = "utf-8-sig"

COLUMNS = ("generated_at", "site", "pack_id", "pack_title", "shortname", "fullname", "course_id", "url",
           "planned", "online", "ratio", "percent", "target", "meets_target", "status",
           *(f"n_{state}" for state in STATES),
           "requirements", "requirements_uncovered", "uncovered_codes", "error")

#: The header under ``--lang zh``, column for column.
COLUMNS_ZH = ("生成时间", "站点", "资源包", "资源包名称", "课程简称", "课程全称", "课程ID", "课程链接",
              "计划资源数", "已上线数", "上线比例", "上线率", "目标", "是否达标", "状态",
              "已上线", "内容过期", "已隐藏", "缺失", "计划中", "无法读取",
              "技能要求数", "未覆盖要求数", "未覆盖要求", "无法读取原因")
_VALUES_ZH = {"meets": "达标", "below": "未达标", "unknown": "无法读取", True: "是", False: "否"}
_VALUES_EN = {"meets": "meets", "below": "below", "unknown": "unknown", True: "true", False: "false"}


# A cell starting like a formula would be run by Excel (CSV injection): keep it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def render_csv(report: CompletionReport, lang: str = "en") -> str:
    """The CSV text (without the BOM: write it with ``ENCODING``), Chinese under ``lang="zh"``."""
    values = _VALUES_ZH if lang == "zh" else _VALUES_EN
    coverage = {(p.site, p.pack_id): p for p in report.coverage}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180 line ends, as Excel writes them
    writer.writerow(COLUMNS_ZH if lang == "zh" else COLUMNS)
    at = local_time(report.generated_at)
    for c in report.courses:
        ratio, meets = c.ratio, c.meets_target
        cov = coverage.get((c.site, c.pack_id))
        uncovered = [rc.requirement.code for rc in cov.uncovered] if cov and cov.known else []
        counts = c.counts
        writer.writerow([
            at, c.site, c.pack_id, _text(c.pack_title), _text(c.shortname), _text(c.fullname), c.courseid or "",
            c.course_url,
            c.planned, c.online, "" if ratio is None else f"{ratio:.4f}", "" if ratio is None else f"{ratio:.1%}",
            f"{c.target:g}", "" if meets is None else values[meets], values[c.status],
            *(counts[state] for state in STATES),
            cov.total if cov else "", len(uncovered) if cov and cov.known else "", " ".join(uncovered), _text(c.error),
        ])
    return buffer.getvalue()
