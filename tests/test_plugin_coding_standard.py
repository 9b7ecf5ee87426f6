"""The companion plugin keeps Moodle's coding standard: moodle-cs (the checker
moodle-plugin-ci runs, on PHP_CodeSniffer >= 3.13) reports 0 errors and 0 warnings.

The checker is not a Python dependency: the test runs when ``php`` and the checker are
present and skips (saying how to get them) otherwise. Where it looks:

- ``CERTBRIDGE_MOODLE_CS``: a folder holding ``phpcs/`` (PHP_CodeSniffer), ``moodle-cs/``,
  ``phpcsutils/`` and ``phpcsextra/``, or a ``phpcs`` executable whose installed
  standards include ``moodle`` (what ``composer global require moodlehq/moodle-cs`` gives);
- else ``phpcs`` on PATH, if it knows the ``moodle`` standard.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bridge.plugin_zip import PLUGIN_SOURCE

PHP = shutil.which("php")
KIT_PARTS = ("moodle-cs", "phpcsutils", "phpcsextra")


def phpcs_command() -> list[str] | None:
    """The phpcs command line that knows the ``moodle`` standard, or None."""
    given = os.environ.get("CERTBRIDGE_MOODLE_CS", "")
    if given and Path(given).is_dir():
        kit = Path(given)
        paths = ",".join(str(kit / part) for part in KIT_PARTS if (kit / part).is_dir())
        return [PHP, str(kit / "phpcs" / "bin" / "phpcs"), "--runtime-set", "installed_paths", paths]
    phpcs = given or shutil.which("phpcs")
    if not phpcs or not Path(phpcs).is_file():
        return None
    standards = subprocess.run([phpcs, "-i"], capture_output=True, text=True, timeout=60).stdout
    return [phpcs] if "moodle" in standards.replace(",", " ").split() else None


COMMAND = phpcs_command() if PHP else None


@pytest.mark.skipif(COMMAND is None, reason="php or moodle-cs is not installed here: set CERTBRIDGE_MOODLE_CS to a "
                                            "folder with phpcs/, moodle-cs/, phpcsutils/, phpcsextra/ (see .ci/run)")
def test_the_plugin_has_no_moodle_cs_error_or_warning():
    assert COMMAND is not None
    result = subprocess.run(
        COMMAND + ["--standard=moodle", "--extensions=php", "--no-cache", "--encoding=utf-8", "--report=json",
                   "-w", str(PLUGIN_SOURCE)],
        capture_output=True, text=True, timeout=600, cwd=PLUGIN_SOURCE.parent)
    # phpcs exits 1/2 when it found something; anything else (or no JSON) means it did not run.
    assert result.returncode in (0, 1, 2), result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert len(report["files"]) == len(list(PLUGIN_SOURCE.rglob("*.php"))), "phpcs did not check every file"
    found = [f"{Path(name).relative_to(PLUGIN_SOURCE)}:{m['line']}: {m['type']} {m['message']} ({m['source']})"
             for name, entry in report["files"].items() for m in entry["messages"]]
    assert (report["totals"]["errors"], report["totals"]["warnings"]) == (0, 0), "\n".join(found)
