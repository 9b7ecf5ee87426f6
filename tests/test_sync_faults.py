"""Injected faults (5xx, dropped connections, timeouts, slow answers): each run converges
or fails cleanly; re-runs converge; nothing is created twice or left untracked."""
import json
import threading
from collections import Counter

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.errors import ExitCode
from bridge.sandbox import FaultPlan, Sandbox
from bridge.sync.state import StateStore
from fixtures.sync_world import PackSpec, remote_modules, run_cli, spawn_cli

pytestmark = pytest.mark.slow


def configured(sb, tmp_path, *, timeout=1.0):
    """A config file with a short read timeout (a timed-out write is then ambiguous)."""
    config = tmp_path / "certbridge.toml"
    config.write_text(f'state_dir = "state"\n[[sites]]\nname = "sb"\nurl = "{sb.url}"\ntoken_env = "SB_TOKEN"\n'
                      f"timeout = {timeout}\nworkers = 3\n", "utf-8")
    return {"CERTBRIDGE_CONFIG": str(config), "SB_TOKEN": sb.token, "CERTBRIDGE_URL": "", "CERTBRIDGE_LANG": "en",
            "CERTBRIDGE_STATE_DIR": ""}


def sync(env, pack, *args):
    return CliRunner().invoke(main, ["sync", str(pack.folder), *args], env=env, catch_exceptions=False)


def assert_converged_and_tracked(sb, pack, state_file):
    modules = remote_modules(sb)
    counts = Counter(m["idnumber"] for m in modules)
    assert max(counts.values()) == 1, "a module was created twice"
    assert sorted(counts) == sorted(pack.idnumber(r) for r in pack.resource_ids())
    with StateStore(state_file) as store:
        rows = store.module_rows(pack.pack_id)
    assert {i: r.cmid for i, r in rows.items()} == {m["idnumber"]: m["id"] for m in modules}


@pytest.mark.parametrize("faults", [
    FaultPlan(seed=1, error_rate=0.25),
    FaultPlan(seed=2, drop_rate=0.2),
    FaultPlan(seed=3, timeout_rate=0.2, timeout_s=1.5),
    FaultPlan(seed=4, error_rate=0.1, drop_rate=0.1, timeout_rate=0.1, timeout_s=1.5),
], ids=["5xx", "resets", "timeouts", "mixed"])
def test_faulty_runs_fail_cleanly_and_reruns_converge(tmp_path, faults):
    with Sandbox(tmp_path / "sandbox") as sb:
        pack = PackSpec(tmp_path / "packs", files=4).write()
        env = configured(sb, tmp_path)
        sb.admin.set_faults(faults)
        codes = []
        for _ in range(3):
            result = sync(env, pack)
            assert "Traceback" not in result.output
            codes.append(result.exit_code)
            assert result.exit_code in (ExitCode.OK, ExitCode.FAILURES, ExitCode.SITE_ERROR), result.output
            counts = Counter(m["idnumber"] for m in remote_modules(sb))
            assert not counts or max(counts.values()) == 1, "a module was created twice"
        sb.admin.clear_faults()
        final = sync(env, pack)
        assert final.exit_code == 0, final.output
        assert_converged_and_tracked(sb, pack, tmp_path / "state" / "sb.sqlite")
        sb.admin.reset_calls()
        sync(env, pack)
        assert [c for c in sb.admin.calls() if c.write] == []


def test_slow_answers_only_slow_the_run(tmp_path):
    with Sandbox(tmp_path / "sandbox") as sb:
        pack = PackSpec(tmp_path / "packs", files=3).write()
        env = configured(sb, tmp_path, timeout=2.0)
        sb.admin.set_faults(FaultPlan(latency_ms=150))
        result = sync(env, pack)
        assert result.exit_code == 0, result.output
        assert_converged_and_tracked(sb, pack, tmp_path / "state" / "sb.sqlite")


def test_two_concurrent_runs_one_waits_or_is_refused_and_state_is_sound(tmp_path):
    with Sandbox(tmp_path / "sandbox") as sb:
        pack = PackSpec(tmp_path / "packs", files=4).write()
        state = tmp_path / "state"
        sb.admin.set_faults(FaultPlan(latency_ms=40))  # keep the first run busy for a while
        import subprocess
        first = spawn_cli(sb, state, "sync", str(pack.folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
        while not (state / "default.lock").exists():
            assert first.poll() is None, first.communicate()
        refused = run_cli(sb, state, "sync", str(pack.folder))
        waiter = spawn_cli(sb, state, "sync", str(pack.folder), "--wait", "60", stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        out, err = first.communicate(timeout=60)
        assert first.returncode == 0, err
        w_out, w_err = waiter.communicate(timeout=60)
        assert refused.exit_code == ExitCode.LOCKED and "Another sync is running" in refused.output
        assert waiter.returncode == 0, w_err
        counts = Counter(m["idnumber"] for m in remote_modules(sb))
        assert len(counts) == 7 and max(counts.values()) == 1
        sb.admin.clear_faults()
        plan = json.loads(run_cli(sb, state, "plan", str(pack.folder), "--format", "json").output)
        assert plan["summary"]["unchanged"] == 7


def test_concurrent_in_process_runs_do_not_corrupt_state(tmp_path):
    """Two threads of one process: the lock file serialises them too."""
    with Sandbox(tmp_path / "sandbox") as sb:
        pack = PackSpec(tmp_path / "packs", files=3).write()
        from bridge.config import load_config
        from bridge.sync.lock import LockedError
        from bridge.sync.progress import Reporter
        from bridge.sync.run import RunOptions, sync_site
        import os
        os.environ.setdefault("SB_TOKEN_X", sb.token)
        config = load_config(None, {"CERTBRIDGE_URL": sb.url, "CERTBRIDGE_STATE_DIR": str(tmp_path / "state")})
        config.sites[0].token_env = "SB_TOKEN_X"
        outcomes = []

        def one():
            try:
                outcomes.append(sync_site(config, config.sites[0], RunOptions(packs=[pack.folder], wait=30),
                                          Reporter())["exit_code"])
            except LockedError:
                outcomes.append("locked")

        threads = [threading.Thread(target=one) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert outcomes == [0, 0]
        assert_converged_and_tracked(sb, pack, tmp_path / "state" / "default.sqlite")
