"""Keeping pack paths inside their pack."""
from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from bridge.i18n import tr


def resolve_inside(root: Path, relative: str) -> tuple[Path | None, str | None]:
    """Resolve ``relative`` against the pack ``root``; return (path, None) or (None, why).

    Absolute paths, ``..`` that leaves the pack and symlinks pointing outside are refused:
    a pack must never publish a file from elsewhere on the machine.
    """
    if not relative.strip():
        return None, tr("The path is empty.", "路径为空。")
    if PurePosixPath(relative).is_absolute() or PureWindowsPath(relative).is_absolute() or PureWindowsPath(relative).drive:
        return None, tr("'{p}' is an absolute path; use a path relative to the pack folder.",
                        "“{p}”是绝对路径；请使用相对于资源包目录的路径。", p=relative)
    base = root.resolve()
    target = (base / relative).resolve()
    if target != base and base not in target.parents:
        return None, tr("'{p}' points outside the pack folder; keep files inside the pack.",
                        "“{p}”指向资源包目录之外；文件必须放在资源包内。", p=relative)
    return target, None
