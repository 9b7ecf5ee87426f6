"""Geometry for the HTML report's inline SVG: figure bars, sparklines and the trend chart.

Only numbers are computed here; the templates write the elements, so every text that
reaches the SVG (course names) goes through Jinja's escaping.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from bridge.sync.state import FigureRow

#: Distinct line colours for the trend chart (colour-blind-friendly Okabe–Ito order).
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442")


def sparkline(points: list[FigureRow], width: int = 90, height: int = 18) -> str:
    """The ``points`` attribute of a polyline of ``ratio`` over the runs (evenly spaced)."""
    if not points:
        return ""
    step = width / (len(points) - 1) if len(points) > 1 else 0
    return " ".join(f"{i * step:.1f},{height - p.ratio * height:.1f}" for i, p in enumerate(points))


@dataclass
class TrendLine:
    label: str
    colour: str
    points: str  # polyline points
    last_x: float
    last_y: float
    last_ratio: float


@dataclass
class TrendChart:
    width: int
    height: int
    left: int
    top: int
    plot_w: int
    plot_h: int
    lines: list[TrendLine] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)  # (y, label)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)  # (x, date)
    target_y: float | None = None
    shown: int = 0
    total: int = 0


def trend_chart(series: list[tuple[str, list[FigureRow]]], *, max_lines: int = len(PALETTE),
                target: float | None = None, width: int = 760, height: int = 260) -> TrendChart:
    """A time chart of each course's figure. With more courses than ``max_lines``, the
    ones with the lowest current figure are drawn (those are the ones to act on)."""
    left, top, right, bottom = 44, 12, 150, 28
    chart = TrendChart(width, height, left, top, width - left - right, height - top - bottom)
    with_data = [(label, pts) for label, pts in series if pts]
    chart.total = len(with_data)
    with_data.sort(key=lambda s: s[1][-1].ratio)
    drawn = with_data[:max_lines]
    chart.shown = len(drawn)
    chart.y_ticks = [(top + chart.plot_h * (1 - v / 100), f"{v}%") for v in (0, 25, 50, 75, 100)]
    if target is not None:
        chart.target_y = top + chart.plot_h * (1 - target)
    if not drawn:
        return chart
    times = [p.at for _, pts in drawn for p in pts]
    t0, t1 = min(times), max(times)
    span = (t1 - t0) or 1.0

    def x(at: float) -> float:
        return left + (chart.plot_w * (at - t0) / span if t1 > t0 else chart.plot_w / 2)

    def y(ratio: float) -> float:
        return top + chart.plot_h * (1 - ratio)

    for i, (label, pts) in enumerate(drawn):
        coords = [(x(p.at), y(p.ratio)) for p in pts]
        chart.lines.append(TrendLine(label, PALETTE[i % len(PALETTE)],
                                     " ".join(f"{a:.1f},{b:.1f}" for a, b in coords),
                                     coords[-1][0], coords[-1][1], pts[-1].ratio))
    ticks = 4 if t1 > t0 else 1
    # Runs minutes apart need seconds to tell the ticks apart; months apart, the year.
    fmt = "%H:%M:%S" if span < 3600 else ("%m-%d %H:%M" if span < 60 * 86400 else "%Y-%m-%d")
    for k in range(ticks):
        at = t0 + span * k / max(1, ticks - 1) if t1 > t0 else t0
        chart.x_ticks.append((x(at), datetime.fromtimestamp(at, timezone.utc).strftime(fmt)))
    return chart
