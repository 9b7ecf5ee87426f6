"""Build the installable zip of the companion Moodle plugin ``local_certbridge``.

Moodle installs a local plugin from a zip whose single top folder is the plugin's
name (``certbridge/``). The zip is reproducible: entries sorted, fixed timestamps and
permissions, so the same source always gives the same bytes (and the same checksum).
"""
from __future__ import annotations

import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bridge.data import data_dir
from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr

#: The plugin's source: in a checkout of this repository, or the copy in an installed package.
PLUGIN_SOURCE = data_dir("moodle/local/certbridge", "plugin")
#: The folder Moodle expects at the top of the zip of ``local_certbridge``.
ZIP_TOP = "certbridge"
#: Every entry gets this time, so builds are byte-for-byte reproducible.
ZIP_TIMESTAMP = (2026, 1, 1, 0, 0, 0)
_SKIP_NAMES = {"__pycache__", ".DS_Store", "Thumbs.db"}
_SKIP_SUFFIXES = (".swp", ".orig", ".rej", "~")


@dataclass(frozen=True)
class PluginZip:
    """What was written: where, which plugin version, and the entries in order."""

    path: Path
    component: str
    version: int
    release: str
    names: tuple[str, ...]


def read_plugin_version(source: Path = PLUGIN_SOURCE) -> tuple[str, int, str]:
    """Component, version and release declared in the plugin's ``version.php``."""
    try:
        text = (source / "version.php").read_text(encoding="utf-8")
    except OSError as err:
        raise BridgeError(tr("Cannot read the plugin at {p}: {e}", "无法读取插件 {p}：{e}",
                             p=source, e=err.strerror or err), exit_code=ExitCode.INVALID_INPUT) from None
    found = {key: re.search(rf"\$plugin->{key}\s*=\s*'?([\w.\- ]+?)'?\s*;", text)
             for key in ("component", "version", "release")}
    if not all(found.values()):
        raise BridgeError(tr("{p} does not declare component, version and release",
                             "{p} 缺少 component、version 或 release", p=source / "version.php"),
                          exit_code=ExitCode.INVALID_INPUT)
    return found["component"].group(1), int(found["version"].group(1)), found["release"].group(1)


def plugin_files(source: Path = PLUGIN_SOURCE) -> list[Path]:
    """The plugin's files to ship, relative to ``source``, sorted; editor and OS litter left out."""
    files = []
    for path in source.rglob("*"):
        rel = path.relative_to(source)
        if any(part in _SKIP_NAMES or part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and not path.name.endswith(_SKIP_SUFFIXES):
            files.append(rel)
    return sorted(files, key=lambda p: p.as_posix())


def build_plugin_zip(output: Path, source: Path = PLUGIN_SOURCE) -> PluginZip:
    """Write the installable zip to ``output`` (atomically) and describe it."""
    component, version, release = read_plugin_version(source)
    files = plugin_files(source)
    dirs = sorted({parent.as_posix() for rel in files for parent in rel.parents if parent.as_posix() != "."})
    names = [f"{ZIP_TOP}/"] + [f"{ZIP_TOP}/{d}/" for d in dirs] + [f"{ZIP_TOP}/{f.as_posix()}" for f in files]
    names.sort()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".plugin-", suffix=".zip", dir=output.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in names:
                info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
                info.create_system = 3  # Unix, so the permission bits below are honoured
                if name.endswith("/"):
                    info.external_attr = (0o40755 << 16) | 0x10
                    zf.writestr(info, b"")
                else:
                    info.external_attr = 0o100644 << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    zf.writestr(info, (source / name[len(ZIP_TOP) + 1:]).read_bytes())
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return PluginZip(output, component, version, release, tuple(names))
