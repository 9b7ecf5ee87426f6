"""The terminal table: one line per course, aligned by display width (a CJK character
takes two cells), coloured only when asked (the CLI asks when stdout is a terminal)."""
from __future__ import annotations

import click

from bridge.report.completion import HIDDEN, MISSING, OUTDATED, PLANNED, UNKNOWN
from bridge.report.labels import labels
from bridge.report.model import CompletionReport
from bridge.textwidth import clip, display_width, pad, printable

_STATUS_COLOUR = {"meets": "green", "below": "red", "unknown": "yellow"}
_FULLNAME_CELLS = 32


def render_table(report: CompletionReport, *, lang: str, color: bool = False) -> str:
    """The report as aligned text lines (ANSI colours only with ``color``)."""
    t = labels(lang)
    if not report.courses:
        return t["no_courses"] + "\n"
    multi = report.multi_site
    head = ([t["site"]] if multi else []) + [t["course"], "", t["figure"], t["ratio"], t["target"], t["status"],
                                               "/".join(t[s] for s in (OUTDATED, HIDDEN, MISSING, PLANNED))]
    right = ([False] if multi else []) + [False, False, True, True, True, False, False]
    rows, statuses = [], []
    for c in report.courses:
        counts = c.counts
        ratio = "—" if c.ratio is None else f"{c.ratio * 100:.0f}%"
        figure = f"{c.online}/{c.planned}" if c.known else f"—/{c.planned}"  # nothing is known to be online
        detail = f"{counts[OUTDATED]}/{counts[HIDDEN]}/{counts[MISSING]}/{counts[PLANNED]}"
        if counts[UNKNOWN]:
            detail += f"  {t['unknown']} {counts[UNKNOWN]}"
        rows.append(([c.site] if multi else []) + [c.shortname, clip(c.fullname, _FULLNAME_CELLS), figure, ratio,
                                                   f"{c.target * 100:.0f}%", t["status_" + c.status], detail])
        statuses.append(c.status)
    widths = [max(display_width(r[i]) for r in [head, *rows]) for i in range(len(head))]
    status_col = len(head) - 2

    def line(cells: list[str], status: str | None = None) -> str:
        parts = [pad(cell, widths[i], right[i]) for i, cell in enumerate(cells)]
        if color and status:
            parts[status_col] = click.style(parts[status_col], fg=_STATUS_COLOUR[status], bold=status != "meets")
        return "  ".join(parts).rstrip()

    colon = "：" if lang == "zh" else ": "
    out = [line(head, None), "  ".join("-" * w for w in widths)]
    for cells, status, course in zip(rows, statuses, report.courses):
        out.append(line(cells, status))
        edits = report.hand_edits_of(course)
        if edits["kept"]:
            note = "    " + t["hand_edits"].format(n=edits["kept"], m=edits["in_moodle"], course=course.shortname)
            out.append(click.style(note, fg="yellow") if color else note)
    # Each reason once, with the courses it stopped (a site that is down is one line).
    for error, courses in report.unreadable():
        out.append("")
        names = ", ".join(f"{c.site} {c.shortname}" if multi else c.shortname for c in courses)
        head = f"{t['unknown_courses']}{colon}{names}"
        reason = f"  {t['reason']}{colon}{printable(error)}"
        out.extend([click.style(head, fg="yellow"), click.style(reason, fg="yellow")] if color else [head, reason])
    for cov in report.coverage:
        if cov.known and cov.uncovered:
            prefix = f"{cov.site} " if multi else ""
            out.append("")
            share = f"（{len(cov.uncovered)}/{cov.total}）" if lang == "zh" else f" ({len(cov.uncovered)}/{cov.total})"
            out.append(f"{prefix}{cov.shortname} — {t['uncovered_title']}{share}{colon.strip()}")
            out.extend(f"  {rc.requirement.code}  {rc.requirement.text}" for rc in cov.uncovered)
    s = report.summary
    out.append("")
    out.append(f"{t['courses']}{colon}{s['courses']}   {t['meets']}{colon}{s['meets_target']}   "
               f"{t['below']}{colon}{s['below_target']}   {t['unknown_courses']}{colon}{s['unknown']}")
    return "\n".join(out) + "\n"
