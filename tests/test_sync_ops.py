"""What ops rely on for the nightly job: tokens from a private file or a systemd credential,
plain HTTP refused, the Prometheus metrics file, pack ids, the JSON log's fields and the
max_delete limit."""
from __future__ import annotations

import os
import re

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.config import ConfigError, load_config
from bridge.errors import ExitCode
from bridge.sandbox import Sandbox
from fixtures.sync_world import PackSpec, json_lines, run_cli

pytestmark = pytest.mark.slow


def write_config(tmp_path, url, **site):
    lines = ['state_dir = "state"', f'packs = ["packs"]', "[[sites]]", 'name = "campus"', f'url = "{url}"']
    lines += [f"{k} = {v!r}".replace("'", '"') if isinstance(v, str) else f"{k} = {str(v).lower()}"
              for k, v in site.items()]
    path = tmp_path / "certbridge.toml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def invoke(*args, **env):
    base = {"CERTBRIDGE_URL": "", "CERTBRIDGE_LANG": "en", "CERTBRIDGE_STATE_DIR": "", "CREDENTIALS_DIRECTORY": ""}
    result = CliRunner().invoke(main, list(args), env={**base, **env}, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def sb(tmp_path):
    with Sandbox(tmp_path / "sandbox") as sandbox:
        PackSpec(tmp_path / "packs", files=2).write()
        yield sandbox


def test_token_file_must_be_private_to_the_user_running_certbridge(sb, tmp_path):
    token = tmp_path / "campus.token"
    token.write_text(sb.token + "\n", "utf-8")
    config = write_config(tmp_path, sb.url, token_file="campus.token")  # relative to the config file
    token.chmod(0o644)
    refused = invoke("plan", "--config", str(config))
    assert refused.exit_code == ExitCode.INVALID_INPUT
    assert f"Token file {token} is refused: mode 0644" in refused.output and "chmod 600" in refused.output
    assert sb.token not in refused.output
    token.chmod(0o600)
    assert invoke("sync", "--config", str(config)).exit_code == 0
    token.chmod(0o400)
    assert invoke("plan", "--config", str(config)).exit_code == 0
    if os.geteuid() == 0:  # only root can give the file away
        os.chown(token, 4242, -1)
        assert "owner uid 4242" in invoke("plan", "--config", str(config)).output


def test_token_from_a_systemd_credential(sb, tmp_path):
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "campus-token").write_text(sb.token, "utf-8")
    (creds / "campus-token").chmod(0o444)  # systemd's folder is private: its files are not checked
    config = write_config(tmp_path, sb.url, token_credential="campus-token")
    assert invoke("sync", "--config", str(config), CREDENTIALS_DIRECTORY=str(creds)).exit_code == 0
    missing = invoke("plan", "--config", str(config))
    assert missing.exit_code == ExitCode.SITE_ERROR and "LoadCredential=campus-token" in missing.output


def test_one_token_source_per_site(tmp_path):
    config = write_config(tmp_path, "https://moodle.example.edu.cn", token_env="T", token_file="t.token")
    with pytest.raises(ConfigError) as caught:
        load_config(config, environ={})
    assert "give exactly one of token_env" in caught.value.message and ":7:" in caught.value.message  # the second source


def test_plain_http_to_another_host_is_refused_unless_allowed(tmp_path):
    config = write_config(tmp_path, "http://moodle.example.edu.cn", token_env="T")
    result = invoke("plan", "--config", str(config))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "plain http:// to moodle.example.edu.cn" in result.output and "https://" in result.output
    assert "allow_insecure_http = true" in result.output
    allowed = write_config(tmp_path, "http://moodle.example.edu.cn", token_env="T", allow_insecure_http=True)
    assert load_config(allowed, environ={}).sites[0].insecure_http
    for loopback in ("http://127.0.0.1:8765", "http://localhost", "http://[::1]:80"):
        assert not load_config(write_config(tmp_path, loopback, token_env="T"), environ={}).sites[0].insecure_http
    env = invoke("doctor", CERTBRIDGE_URL="http://10.1.2.3", CERTBRIDGE_TOKEN="x")
    assert env.exit_code == ExitCode.INVALID_INPUT and "CERTBRIDGE_ALLOW_INSECURE_HTTP=1" in env.output


def test_an_allowed_insecure_site_is_warned_about_on_every_run(sb, tmp_path):
    # The sandbox is on loopback; pretend its address is remote to see the warning.
    import bridge.config as config_module

    config = write_config(tmp_path, sb.url, token_env="T", allow_insecure_http=True)
    original = config_module.insecure_url
    try:
        config_module.insecure_url = lambda url: True
        doctor = invoke("doctor", "--config", str(config), T=sb.token)
        plan = invoke("plan", "--config", str(config), T=sb.token)
    finally:
        config_module.insecure_url = original
    assert "! transport" in doctor.output and "unencrypted" in doctor.output
    assert "unencrypted" in plan.output


METRIC = re.compile(r'^(\w+)\{([^}]*)\} (\S+)$', re.M)


def metrics(path):
    return {(name, labels): float(value) for name, labels, value in METRIC.findall(path.read_text("utf-8"))}


def test_metrics_file_after_every_sync_keeps_the_last_success(sb, tmp_path):
    prom = tmp_path / "textfile" / "certbridge.prom"
    config = write_config(tmp_path, sb.url, token_env="T")
    config.write_text(f'metrics_file = "textfile/certbridge.prom"\n' + config.read_text("utf-8"), "utf-8")
    assert invoke("sync", "--config", str(config), T=sb.token).exit_code == 0
    first = metrics(prom)
    site = 'site="campus"'
    course = 'site="campus",course="DEMO-101"'
    assert first[("certbridge_sync_exit_code", site)] == 0 and first[("certbridge_sync_failures", site)] == 0
    assert first[("certbridge_course_online_ratio", course)] == 1.0
    assert first[("certbridge_course_target_ratio", course)] == 0.5
    assert first[("certbridge_sync_duration_seconds", site)] > 0
    success = first[("certbridge_sync_last_success_timestamp_seconds", site)]
    assert success == first[("certbridge_sync_last_run_timestamp_seconds", site)]
    assert oct(prom.stat().st_mode & 0o777) == "0o644"
    assert "# TYPE certbridge_sync_failures gauge" in prom.read_text("utf-8")
    # The site is down: the run fails, its metrics say so, the last success stays.
    other = tmp_path / "other.prom"
    down = invoke("sync", "--config", str(config), "--metrics-file", str(prom), T="wrong-token")
    assert down.exit_code == ExitCode.SITE_ERROR
    second = metrics(prom)
    assert second[("certbridge_sync_exit_code", site)] == ExitCode.SITE_ERROR
    assert second[("certbridge_sync_last_success_timestamp_seconds", site)] == success
    assert second[("certbridge_sync_last_run_timestamp_seconds", site)] > success
    assert second[("certbridge_course_online_ratio", course)] == 1.0  # last known figures kept
    assert not other.exists()
    assert not [p for p in prom.parent.iterdir() if p.name != prom.name], "no temp file left"


def test_pack_ids_are_accepted_by_plan_and_sync(sb, tmp_path):
    config = write_config(tmp_path, sb.url, token_env="T")
    plan = invoke("plan", "demo", "--config", str(config), "--format", "json", T=sb.token)
    assert plan.exit_code == 0, plan.output
    assert invoke("sync", "demo", "--config", str(config), T=sb.token).exit_code == 0
    unknown = invoke("plan", "no-such-pack", "--config", str(config), T=sb.token)
    assert unknown.exit_code == ExitCode.INVALID_INPUT
    assert "Unknown pack(s): no-such-pack" in unknown.output and "Known ids: demo" in unknown.output


def test_json_log_summary_has_duration_and_created_course_ids(sb, tmp_path):
    pack = PackSpec(tmp_path / "packs", files=2)
    result = run_cli(sb, tmp_path / "state", "sync", str(pack.folder), "--log-format", "json")
    events = json_lines(result.output)
    summary = [e for e in events if e["event"] == "summary"][0]
    assert summary["duration_s"] > 0
    (course,) = [e for e in events if e["event"] == "course"]
    assert course["created_course"] is True
    assert isinstance(course["courseid"], int)
    assert summary["courses"][0]["courseid"] == course["courseid"]


def test_max_delete_zero_allows_none_in_the_config_as_on_the_command_line(sb, tmp_path):
    pack = PackSpec(tmp_path / "packs", files=2)
    config = write_config(tmp_path, sb.url, token_env="T", prune=True, max_delete=0)
    assert invoke("sync", "--config", str(config), T=sb.token).exit_code == 0
    pack.removed.add("file1")
    pack.write()
    refused = invoke("sync", "--config", str(config), T=sb.token)
    assert refused.exit_code == ExitCode.LIMIT_EXCEEDED
    assert invoke("sync", "--config", str(config), "--max-delete", "1", T=sb.token).exit_code == 0
