"""CLI commands: library (placeholder, filled in by its issue)."""
from __future__ import annotations

commands: list = []
