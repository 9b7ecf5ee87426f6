"""A full disk: each command says "no space left on the device holding PATH" with exit 1,
keeps what earlier runs wrote, and never leaves a lock behind. On a small tmpfs when the
test may mount one (root), and always with a simulated ENOSPC."""
from __future__ import annotations

import errno
import os
import subprocess

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.errors import BridgeError, ExitCode
from bridge.sandbox import Sandbox
from bridge.sync.lock import SiteLock
from fixtures.sync_world import PackSpec, json_lines, run_cli, sync_env

pytestmark = pytest.mark.slow


@pytest.fixture
def tmpfs(tmp_path):
    """A 512 KiB tmpfs; ``fill()`` uses up what is left of it."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); test_lock_write_failure_* simulates ENOSPC instead")

    class Disk:
        path = mount

        @staticmethod
        def fill() -> None:
            fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            try:
                while True:
                    os.write(fd, b"\0" * 4096)
            except OSError as err:
                assert err.errno == errno.ENOSPC
            finally:
                os.close(fd)

    try:
        yield Disk
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _no_space(result, where):
    assert result.exit_code == ExitCode.FAILURES, result.output
    assert "Traceback" not in result.output
    assert f"No space left on the device holding {where}" in result.output


def test_sync_on_a_full_disk_says_so_and_leaves_no_lock(tmpfs, tmp_path):
    with Sandbox(tmp_path / "sandbox") as sb:
        pack = PackSpec(tmp_path / "packs", files=1).write()
        state = tmpfs.path / "state"
        state.mkdir()
        tmpfs.fill()
        result = run_cli(sb, state, "sync", str(pack.folder), "--log-format", "json")
        (error,) = [e for e in json_lines(result.output) if e["event"] == "error"]
        assert error["exit_code"] == ExitCode.FAILURES
        assert f"No space left on the device holding {state / 'default.lock'}" in error["message"]
        assert not list(state.iterdir()), "no lock (and no state) left behind"
        # Space again: the next run is not held off by anything the full disk left.
        (tmpfs.path / "filler").unlink()
        assert run_cli(sb, state, "sync", str(pack.folder)).exit_code == 0


def test_report_build_and_library_site_on_a_full_disk_keep_the_old_output(tmpfs, tmp_path):
    pack = PackSpec(tmp_path / "packs", files=1).write()
    with Sandbox(tmp_path / "sandbox") as sb:
        assert run_cli(sb, tmp_path / "state", "sync", str(pack.folder)).exit_code == 0
        report = tmpfs.path / "report.html"
        assert run_cli(sb, tmp_path / "state", "report", str(pack.folder), "--format", "html",
                       "--out", str(report)).exit_code == 0
        old = report.read_bytes()
        library = tmpfs.path / "library"
        assert run_cli(sb, tmp_path / "state", "library", "site", "--packs", str(pack.root),
                       "--out", str(library)).exit_code == 0
        old_index = (library / "index.html").read_bytes()
        tmpfs.fill()
        _no_space(run_cli(sb, tmp_path / "state", "report", str(pack.folder), "--format", "html",
                          "--out", str(report)), report)
        assert report.read_bytes() == old
        _no_space(run_cli(sb, tmp_path / "state", "library", "site", "--packs", str(pack.root),
                          "--out", str(library)), library)
        assert (library / "index.html").read_bytes() == old_index
    result = CliRunner().invoke(main, ["build", str(pack.folder), "--out", str(tmpfs.path / "build")],
                                env={"CERTBRIDGE_LANG": "en"}, catch_exceptions=False)
    _no_space(result, tmpfs.path / "build")


def test_lock_write_failure_removes_the_lock_file(tmp_path, monkeypatch):
    import bridge.sync.lock as lock_module

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(lock_module.json, "dump", full)
    path = tmp_path / "site.lock"
    with pytest.raises(BridgeError) as caught:
        SiteLock(path).acquire()
    assert caught.value.exit_code == ExitCode.FAILURES
    assert f"No space left on the device holding {path}" in caught.value.message
    assert not path.exists()
    monkeypatch.undo()
    with SiteLock(path, wait=0) as info:  # nothing held off the next run
        assert info.pid == os.getpid()


def test_an_output_that_fails_without_a_file_name_is_named_from_the_command(tmp_path, monkeypatch):
    import bridge.report.output as output

    def full(text, fmt, path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as a flush fails: no filename

    with Sandbox(tmp_path / "sandbox") as sb:
        pack = PackSpec(tmp_path / "packs", files=1).write()
        assert run_cli(sb, tmp_path / "state", "sync", str(pack.folder)).exit_code == 0
        monkeypatch.setattr(output, "write_report", full)
        import bridge.report
        monkeypatch.setattr(bridge.report, "write_report", full, raising=False)
        out = tmp_path / "r.json"
        result = CliRunner().invoke(main, ["report", str(pack.folder), "--format", "json", "--out", str(out)],
                                    env=sync_env(sb, tmp_path / "state"), catch_exceptions=False)
        _no_space(result, out)
