"""Headless Chromium for tests: find it, dump a page's DOM after load, take a screenshot.

Shared by the report and library-site tests. Without a browser the test is skipped with
the reason — except in CI (env ``CI`` set), where a missing browser is a failure, so a
broken CI image cannot pass silently. ``.ci/run`` installs Debian's ``chromium``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Screenshots and other artefacts tests keep for people to look at (gitignored).
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
TIMEOUT = 60

_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
          "--hide-scrollbars")


def find_chromium() -> str | None:
    """The first Chromium-family browser on PATH (``CHROMIUM`` env overrides)."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return shutil.which(explicit) or explicit
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    """The browser's path; skips the test when there is none (fails under CI)."""
    found = find_chromium()
    if found is None:
        reason = (f"no headless browser found (tried {', '.join(CANDIDATES)}); "
                  "install Debian's chromium: apt-get install chromium")
        if os.environ.get("CI"):
            pytest.fail(reason + " — required in CI")
        pytest.skip(reason)
    return found


def _url(url_or_path: str | Path) -> str:
    text = str(url_or_path)
    if "://" in text:
        return text
    return Path(text).resolve().as_uri()


def _run(args: list[str]) -> subprocess.CompletedProcess:
    browser = require_chromium()
    with tempfile.TemporaryDirectory(prefix="certbridge-chromium-") as profile:
        return subprocess.run([browser, *_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=TIMEOUT, check=False)


def dump_dom(url_or_path: str | Path) -> str:
    """The serialised DOM of the page after it loaded (scripts, if any, have run)."""
    result = _run(["--dump-dom", _url(url_or_path)])
    if result.returncode != 0 or not result.stdout.strip():
        raise RuntimeError(f"chromium --dump-dom failed ({result.returncode}): {result.stderr[-2000:]}")
    return result.stdout


def screenshot(url_or_path: str | Path, out_png: str | Path, *, width: int = 1280, height: int = 2000) -> Path:
    """A PNG of the page (``out_png`` relative paths land in ``test-artifacts/``)."""
    out = Path(out_png)
    if not out.is_absolute():
        out = ARTIFACTS / out
    out.parent.mkdir(parents=True, exist_ok=True)
    result = _run([f"--screenshot={out}", f"--window-size={width},{height}", _url(url_or_path)])
    if not out.is_file():
        raise RuntimeError(f"chromium --screenshot wrote nothing ({result.returncode}): {result.stderr[-2000:]}")
    return out
