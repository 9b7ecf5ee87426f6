"""A sync killed with SIGKILL at many points of the run, then run again, ends with Moodle
equal to the pack and no module (or course) created twice."""
import signal
import subprocess
import time
from collections import Counter

import pytest

from bridge.sandbox import FaultPlan, Sandbox
from fixtures.sync_world import PackSpec, remote_modules, run_cli, spawn_cli

pytestmark = pytest.mark.slow

FILES = 5  # 5 files + page + url + label: about 20 calls for a first sync


def kill_after(sb, proc: subprocess.Popen, calls: int, timeout: float = 30.0) -> bool:
    """SIGKILL ``proc`` once the sandbox has received ``calls`` calls; False if it ended first."""
    deadline = time.monotonic() + timeout
    while len(sb.admin.calls()) < calls:
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


def assert_converged(sb, pack: PackSpec) -> None:
    modules = remote_modules(sb)
    counts = Counter(m["idnumber"] for m in modules)
    assert [i for i, n in counts.items() if n > 1] == [], "a module was created twice"
    assert sorted(counts) == sorted(pack.idnumber(r) for r in pack.resource_ids())
    assert all(m["visible"] for m in modules)
    shortnames = Counter(c["shortname"] for c in sb.admin.courses())
    assert shortnames[pack.shortname] == 1


def total_calls(tmp_path) -> int:
    with Sandbox(tmp_path / "probe") as sb:
        pack = PackSpec(tmp_path / "probe-packs", files=FILES).write()
        assert run_cli(sb, tmp_path / "probe-state", "sync", str(pack.folder)).exit_code == 0
        return len(sb.admin.calls())


def test_killed_at_points_across_the_whole_run_then_rerun_converges(tmp_path):
    total = total_calls(tmp_path)
    # Kill points spread over the run: reads, course/category creation, uploads, module writes.
    points = sorted({1, 2, 3, 4, 5, 6, 7} | set(range(8, total, 3)) | {total - 1})
    for n in points:
        base = tmp_path / f"kill{n}"
        with Sandbox(base / "sandbox") as sb:
            pack = PackSpec(base / "packs", files=FILES).write()
            sb.admin.set_faults(FaultPlan(latency_ms=15))  # give the kill time to land mid-run
            proc = spawn_cli(sb, base / "state", "sync", str(pack.folder), "--workers", "2",
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            assert kill_after(sb, proc, n), f"the run ended before call {n}"
            sb.admin.clear_faults()
            again = run_cli(sb, base / "state", "sync", str(pack.folder))
            assert again.exit_code == 0, f"kill point {n}: {again.output}"
            assert_converged(sb, pack)
            sb.admin.reset_calls()
            run_cli(sb, base / "state", "sync", str(pack.folder))
            assert [c for c in sb.admin.calls() if c.write] == [], f"kill point {n}: not idempotent after resume"


def test_killed_again_and_again_while_resuming(tmp_path):
    """Each run is killed a few calls in (an update run included); the last one completes."""
    with Sandbox(tmp_path / "sandbox") as sb:
        pack = PackSpec(tmp_path / "packs", files=FILES).write()
        state = tmp_path / "state"
        sb.admin.set_faults(FaultPlan(latency_ms=15))
        for round_ in range(6):
            if round_ == 3:  # the pack changes under an interrupted history
                pack.titles["file0"] = "新标题"
                for i in range(FILES):
                    (pack.folder / "files" / f"file{i}.txt").write_text(f"v2 {i}\n", "utf-8")
                pack.write()
            sb.admin.reset_calls()
            proc = spawn_cli(sb, state, "sync", str(pack.folder), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
            kill_after(sb, proc, 5)
        sb.admin.clear_faults()
        final = run_cli(sb, state, "sync", str(pack.folder))
        assert final.exit_code == 0, final.output
        assert_converged(sb, pack)
        names = {m["idnumber"]: m["name"] for m in remote_modules(sb)}
        assert names[pack.idnumber("file0")] == "新标题"
        plan = run_cli(sb, state, "plan", str(pack.folder), "--format", "json")
        assert '"unchanged": 8' in plan.output


def test_sigterm_ends_the_run_cleanly_and_the_next_run_resumes(tmp_path):
    with Sandbox(tmp_path / "sandbox") as sb:
        pack = PackSpec(tmp_path / "packs", files=FILES).write()
        sb.admin.set_faults(FaultPlan(latency_ms=30))
        proc = spawn_cli(sb, tmp_path / "state", "sync", str(pack.folder), "--log-format", "json",
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while len(sb.admin.calls()) < 8:
            assert proc.poll() is None
            time.sleep(0.002)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        assert "Traceback" not in err
        assert not (tmp_path / "state" / "default.lock").exists()  # released on the way out
        sb.admin.clear_faults()
        again = run_cli(sb, tmp_path / "state", "sync", str(pack.folder))
        assert again.exit_code == 0 and "interrupted" in again.output
        assert_converged(sb, pack)
