"""Keeping pack paths inside their pack."""
from __future__ import annotations

import os
import re
from pathlib import Path

from bridge.i18n import tr

_DRIVE = re.compile(r"^[A-Za-z]:")


class PackPaths:
    """Resolves paths written in one pack, refusing any that leave the pack.

    Absolute paths, ``..`` that leaves the pack and symlinks pointing outside are refused:
    a pack must never publish a file from elsewhere on the machine. Real paths of folders
    are cached for the pack's lifetime, since a library has thousands of files in a few
    folders.
    """

    def __init__(self, root: Path):
        self.base = os.path.realpath(root)
        self._real_dirs: dict[str, str] = {}

    def _real_dir(self, directory: str) -> str:
        real = self._real_dirs.get(directory)
        if real is None:
            real = self._real_dirs[directory] = os.path.realpath(directory)
        return real

    def resolve(self, relative: str) -> tuple[Path | None, str | None]:
        """(absolute real path, None) or (None, why it is refused)."""
        if not relative.strip():
            return None, tr("The path is empty.", "路径为空。")
        # A teacher on Windows writes files\\讲义.pdf: a backslash is a folder separator here.
        relative = relative.replace("\\", "/")
        if relative[:1] == "/" or _DRIVE.match(relative):
            return None, tr("'{p}' is an absolute path; use a path relative to the pack folder.",
                            "“{p}”是绝对路径；请使用相对于资源包目录的路径。", p=relative)
        joined = os.path.join(self.base, relative)
        if ".." in relative.split("/"):
            target = os.path.realpath(joined)  # ".." after a symlink is resolved by the kernel, not lexically
        else:
            parent, name = os.path.split(os.path.normpath(joined))
            target = os.path.join(self._real_dir(parent), name)
            if os.path.islink(target):
                target = os.path.realpath(target)
        if target != self.base and not target.startswith(self.base + os.sep):
            return None, tr("'{p}' points outside the pack folder; keep files inside the pack.",
                            "“{p}”指向资源包目录之外；文件必须放在资源包内。", p=relative)
        return Path(target), None


def resolve_inside(root: Path, relative: str) -> tuple[Path | None, str | None]:
    """One-off form of ``PackPaths(root).resolve(relative)``."""
    return PackPaths(root).resolve(relative)
