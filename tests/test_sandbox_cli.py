"""`certbridge sandbox` as scripts use it: two lines to read, clean stop on SIGTERM/Ctrl-C."""
from __future__ import annotations

import re
import signal
import os
import subprocess
import sys

import pytest
import requests

pytestmark = pytest.mark.slow


ENV = {**os.environ, "CERTBRIDGE_LANG": "en"}


def start(data, *extra: str) -> tuple[subprocess.Popen, str, str]:
    proc = subprocess.Popen([sys.executable, "-c", "from bridge.cli import main; main()", "sandbox", "--data",
                             str(data), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    url_line, token_line = proc.stdout.readline().strip(), proc.stdout.readline().strip()
    return proc, url_line, token_line


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_prints_url_and_token_then_stops_cleanly(tmp_path, sig):
    proc, url_line, token_line = start(tmp_path / "sb")
    try:
        assert re.fullmatch(r"CERTBRIDGE_URL=http://127\.0\.0\.1:\d+", url_line)
        assert re.fullmatch(r"CERTBRIDGE_TOKEN=[0-9a-f]{32}", token_line)
        url, token = url_line.split("=", 1)[1], token_line.split("=", 1)[1]
        info = requests.post(url + "/webservice/rest/server.php", timeout=10, data={
            "wstoken": token, "wsfunction": "core_webservice_get_site_info", "moodlewsrestformat": "json"}).json()
        assert info["siteurl"] == url
    finally:
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert token not in err  # the token is printed once, on stdout, for the caller


def test_restart_keeps_the_token(tmp_path):
    first, _, token1 = start(tmp_path / "sb")
    first.send_signal(signal.SIGTERM)
    first.communicate(timeout=20)
    second, _, token2 = start(tmp_path / "sb")
    second.send_signal(signal.SIGTERM)
    second.communicate(timeout=20)
    assert token1 == token2


def test_port_in_use_is_a_clear_error(tmp_path):
    first, url_line, _ = start(tmp_path / "a")
    try:
        port = url_line.rsplit(":", 1)[1]
        second = subprocess.run([sys.executable, "-c", "from bridge.cli import main; main()", "sandbox", "--data",
                                 str(tmp_path / "b"), "--port", port], capture_output=True, text=True, timeout=20, env=ENV)
        assert second.returncode == 3 and "Cannot start the sandbox" in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=20)
