"""Certificate levels: 初级 / 中级 / 高级 and their English names."""
from __future__ import annotations

_ALIASES = {
    "初级": "初级", "elementary": "初级", "basic": "初级",
    "中级": "中级", "intermediate": "中级",
    "高级": "高级", "advanced": "高级",
}
ENGLISH = {"初级": "elementary", "中级": "intermediate", "高级": "advanced"}


def canonical_level(value: str) -> str | None:
    """``"elementary"`` → ``"初级"``; ``None`` for anything that is not a level."""
    return _ALIASES.get(value.strip().lower() if value.isascii() else value.strip())
