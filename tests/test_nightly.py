"""The nightly job as ops install it: the crontab line of scripts/crontab.example, run with
cron's bare environment (`env -i`), against the sandbox; and nightly.sh's message when
certbridge cannot be found.

The install is scripts/install's layout (PREFIX/bin/certbridge and certbridge-nightly).
CI runs scripts/install from a fresh clone and points CERTBRIDGE_TEST_PREFIX at it; without
it, the layout is made here from the test environment's certbridge (no network needed)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bridge.sandbox import Sandbox
from fixtures.sync_world import PackSpec

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
#: What cron gives a job (Debian's cron: these and the crontab's own variables).
CRON_ENV = ["PATH=/usr/bin:/bin", "SHELL=/bin/sh", "LOGNAME=certbridge"]


@pytest.fixture
def prefix(tmp_path) -> Path:
    given = os.environ.get("CERTBRIDGE_TEST_PREFIX")
    if given:
        return Path(given)
    root = tmp_path / "opt"
    (root / "bin").mkdir(parents=True)
    (root / "bin" / "certbridge").symlink_to(Path(sys.executable).with_name("certbridge"))
    # As scripts/install does: install -m 0755 scripts/nightly.sh PREFIX/bin/certbridge-nightly
    shutil.copy(REPO / "scripts" / "nightly.sh", root / "bin" / "certbridge-nightly")
    (root / "bin" / "certbridge-nightly").chmod(0o755)
    return root


def crontab_command() -> str:
    """The job's command in scripts/crontab.example (after the five time fields)."""
    for line in (REPO / "scripts" / "crontab.example").read_text("utf-8").splitlines():
        match = re.match(r"^(?:\S+\s+){5}(.+)$", line)
        if match and not line.startswith("#") and "=" not in line.split()[0]:
            return match.group(1)
    raise AssertionError("no job line in scripts/crontab.example")


def test_the_crontab_line_works_in_crons_environment(tmp_path, prefix):
    with Sandbox(tmp_path / "sandbox") as sb:
        PackSpec(tmp_path / "srv" / "packs", files=2).write()
        etc = tmp_path / "etc"
        etc.mkdir()
        token = etc / "campus.token"
        token.write_text(sb.token + "\n", "utf-8")
        token.chmod(0o600)
        config = etc / "certbridge.toml"
        config.write_text(f'packs = ["{tmp_path / "srv" / "packs"}"]\nstate_dir = "{tmp_path / "state"}"\n'
                          f'metrics_file = "{tmp_path / "textfile" / "certbridge.prom"}"\n'
                          f'[[sites]]\nname = "campus"\nurl = "{sb.url}"\ntoken_file = "campus.token"\n', "utf-8")
        log = tmp_path / "log" / "nightly.jsonl"
        log.parent.mkdir()
        command = (crontab_command().replace("/etc/certbridge/certbridge.toml", str(config))
                   .replace("/srv/certbridge/reports", str(tmp_path / "reports"))
                   .replace("/var/log/certbridge/nightly.jsonl", str(log))
                   .replace("/opt/certbridge", str(prefix)))
        assert str(prefix) in command and str(config) in command
        done = subprocess.run(["env", "-i", f"HOME={tmp_path}", *CRON_ENV, "/bin/sh", "-c", command],
                              capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stderr == "", "cron mails stderr: a good night writes nothing there"
        events = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
        summary = events[-1]
        assert summary["event"] == "summary" and summary["exit_code"] == 0
        assert summary["summary"]["create"] == 5 and summary["duration_s"] > 0
        assert (tmp_path / "reports" / "report.html").is_file()
        assert json.loads((tmp_path / "reports" / "report.json").read_text("utf-8"))
        assert 'certbridge_sync_exit_code{site="campus"} 0' in (tmp_path / "textfile" / "certbridge.prom").read_text()


def test_nightly_says_clearly_when_certbridge_cannot_be_found(tmp_path):
    nightly = tmp_path / "certbridge-nightly"
    shutil.copy(REPO / "scripts" / "nightly.sh", nightly)
    nightly.chmod(0o755)
    if Path("/opt/certbridge/bin/certbridge").exists():
        pytest.skip("certbridge is installed in /opt/certbridge here")
    done = subprocess.run(["env", "-i", f"HOME={tmp_path}", *CRON_ENV, str(nightly)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 127
    assert "cannot find certbridge" in done.stderr and "scripts/install" in done.stderr
    assert "CERTBRIDGE_BIN" in done.stderr
    given = subprocess.run(["env", "-i", *CRON_ENV, "CERTBRIDGE_BIN=/nowhere/certbridge", str(nightly)],
                           capture_output=True, text=True, timeout=60)
    assert given.returncode == 127 and "/nowhere/certbridge" in given.stderr


def test_systemd_unit_lets_failures_fail_and_alerts():
    unit = (REPO / "scripts" / "certbridge-sync.service").read_text("utf-8")
    assert "SuccessExitStatus" not in unit, "exit 1 (failed resources) must fail the unit"
    assert "OnFailure=certbridge-alert@%n.service" in unit
    assert (REPO / "scripts" / "certbridge-alert@.service").is_file()
    credential = re.search(r"^LoadCredential=([\w-]+):", unit, re.M).group(1)
    assert credential == "campus-token"
    assert "ExecStart=/opt/certbridge/bin/certbridge-nightly" in unit
    assert "EnvironmentFile" not in unit, "no token in an environment file"
