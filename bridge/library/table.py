"""Plain-text output: tables that line up with Chinese text (widths from
``bridge.textwidth``), and sizes."""
from __future__ import annotations

from bridge.textwidth import clip, display_width, pad


def format_table(headers: list[str], rows: list[list[str]], max_width: int = 40) -> str:
    """Columns padded to their widest cell (cells clipped to ``max_width`` columns)."""
    cells = [[clip(str(c), max_width) for c in row] for row in [headers, *rows]]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def human_size(n: int | None) -> str:
    """``2048`` → ``2.0 KiB``; ``None`` → ``—``."""
    if n is None:
        return "—"
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n / 2**20:.1f} MiB"
