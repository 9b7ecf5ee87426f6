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


class BrowserSession:
    """Headless Chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
    JSON messages separated by NUL on file descriptors 3 and 4), for pages that need a
    logged-in session: set a cookie, open a page, read its DOM, take a screenshot. No
    websocket or extra library needed.
    """

    def __init__(self) -> None:
        import json
        import os

        self._json, self._os = json, os
        browser = require_chromium()
        self._profile = tempfile.TemporaryDirectory(prefix="certbridge-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # bash (dash refuses fds above 9) puts the pipes on fds 3 and 4, where Chromium expects them.
        self._proc = subprocess.Popen(
            ["bash", "-c", f'exec "$0" "$@" 3<&{to_chrome_r} 4>&{from_chrome_w}', browser, *_FLAGS,
             f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(to_chrome_r, from_chrome_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)
        # A desktop window from the start: resizing after load leaves Moodle's drawers mid-layout.
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=1600, height=1200, deviceScaleFactor=1,
                  mobile=False)

    def __enter__(self) -> BrowserSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (OSError, RuntimeError):
            pass
        for fd in (self._to_chrome, self._from_chrome):
            try:
                self._os.close(fd)
            except OSError:
                pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        self._profile.cleanup()

    def _read(self) -> dict:
        import select

        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_chrome], [], [], TIMEOUT)
            if not ready:
                raise RuntimeError("chromium did not answer in time")
            chunk = self._os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return self._json.loads(message)

    def call(self, method: str, *, session: bool = False, **params) -> dict:
        """Send one command and return its result (events that arrive meanwhile are dropped)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        self._os.write(self._to_chrome, self._json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def set_cookie(self, url: str, name: str, value: str) -> None:
        self.call("Network.setCookie", session=True, url=url, name=name, value=value)

    def open(self, url: str) -> None:
        """Navigate and wait for the page's load event."""
        self.call("Page.navigate", session=True, url=url)
        while True:
            event = self._read()
            if event.get("method") == "Page.loadEventFired":
                return

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page."""
        return self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)["result"].get("value")

    def wait_until(self, expression: str, timeout: float = 20.0) -> None:
        """Poll until ``expression`` is true in the page (e.g. a site's scripts have settled)."""
        import time

        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the page never reached: {expression}")
            time.sleep(0.1)

    def dom(self) -> str:
        result = self.call("Runtime.evaluate", session=True, expression="document.documentElement.outerHTML",
                           returnByValue=True)
        return result["result"]["value"]

    def screenshot(self, out_png: str | Path) -> Path:
        """A PNG of the whole page (relative paths land in ``test-artifacts/``)."""
        import base64

        out = Path(out_png)
        if not out.is_absolute():
            out = ARTIFACTS / out
        out.parent.mkdir(parents=True, exist_ok=True)
        # The window made as tall as the page (capturing beyond the viewport misplaces fixed drawers).
        width = self.evaluate("window.innerWidth")
        height = min(int(self.evaluate("document.documentElement.scrollHeight")), 8000)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height, deviceScaleFactor=1,
                  mobile=False)
        self.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        data = self.call("Page.captureScreenshot", session=True, format="png")["data"]
        out.write_bytes(base64.b64decode(data))
        return out
