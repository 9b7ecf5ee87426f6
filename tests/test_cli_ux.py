"""What people see when things go wrong: one message (in their language) naming the file
and line and the next step, the documented exit code, no traceback, and a nightly job
whose log stays JSON lines and whose stderr stays empty when all went well."""
from __future__ import annotations

import http.server
import json
import os
import ssl
import subprocess
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.errors import ExitCode
from bridge.sandbox import Sandbox
from fixtures.sync_world import CERTBRIDGE, PackSpec, json_lines, run_cli, sync_env

REPO = Path(__file__).resolve().parent.parent
TLS = Path(__file__).parent / "data" / "tls"
# Only the variables a test sets: nothing from the developer's shell leaks in.
CLEAN = {"CERTBRIDGE_URL": "", "CERTBRIDGE_TOKEN": "", "CERTBRIDGE_CONFIG": "", "CERTBRIDGE_CA_BUNDLE": "",
         "CERTBRIDGE_LANG": "en"}


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=CLEAN | (env or {}))


def assert_clean(result, code: ExitCode):
    """The documented exit code, through a message: no exception escaped."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


@pytest.fixture
def world(tmp_path):
    with Sandbox(tmp_path / "sandbox") as sb:
        yield sb, PackSpec(tmp_path / "packs").write(), tmp_path / "state"


# -- the config file ------------------------------------------------------------------


def write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "certbridge.toml"
    path.write_text('state_dir = "state"\n\n[[sites]]\nname = "campus"\nurl = "https://moodle.example.edu.cn"\n'
                    'token_env = "CAMPUS_TOKEN"\n' + body, "utf-8")
    return path


def test_config_typos_and_wrong_types_are_all_named_with_their_line(tmp_path):
    config = write_config(tmp_path, 'worker = 2\ntimeout = "60"\nverify_tls = "no"\n')
    result = invoke("doctor", "--config", str(config))
    assert_clean(result, ExitCode.INVALID_INPUT)
    assert f"{config}:7: site #1 'campus': unknown key 'worker'. Did you mean 'workers'?" in result.stderr
    assert f"{config}:8: site #1 'campus': timeout must be a number" in result.stderr
    assert f"{config}:9: site #1 'campus': verify_tls must be true or false" in result.stderr


def test_config_problems_speak_chinese(tmp_path):
    config = write_config(tmp_path, "workers = 0\n")
    result = invoke("sync", "--config", str(config), "--lang", "zh")
    assert_clean(result, ExitCode.INVALID_INPUT)
    assert "第 1 个站点“campus”：workers 应在 1 到 32 之间" in result.stderr


def test_a_token_pasted_as_token_env_is_refused_and_never_repeated(tmp_path):
    token = "0123456789abcdef0123456789abcdef"
    config = tmp_path / "certbridge.toml"
    config.write_text(f'[[sites]]\nname = "campus"\nurl = "https://m.example.edu.cn"\ntoken_env = "{token}"\n', "utf-8")
    result = invoke("doctor", "--config", str(config))
    assert_clean(result, ExitCode.INVALID_INPUT)
    assert "looks like a token" in result.stderr and token not in result.output


@pytest.mark.parametrize("command", [["doctor"], ["sync"], ["report"]])
def test_a_site_url_without_scheme_is_an_input_error_not_a_traceback(command):
    result = invoke(*command, env={"CERTBRIDGE_URL": "moodle.example.edu.cn", "CERTBRIDGE_TOKEN": "t"})
    assert_clean(result, ExitCode.INVALID_INPUT)
    assert "CERTBRIDGE_URL must be the site's address, starting with http:// or https://" in result.stderr


def test_ca_bundle_is_relative_to_the_config_file_and_must_exist(tmp_path):
    from bridge.config import load_config

    (tmp_path / "ca.pem").write_text("x", "utf-8")
    config = load_config(write_config(tmp_path, 'ca_bundle = "ca.pem"\n'), environ={})
    assert config.sites[0].verify == str(tmp_path / "ca.pem")
    result = invoke("doctor", "--config", str(write_config(tmp_path, 'ca_bundle = "missing.pem"\n')))
    assert_clean(result, ExitCode.INVALID_INPUT)
    assert "ca_bundle" in result.stderr and "missing.pem does not exist" in result.stderr


# -- TLS: verification stays on, the error says how to trust a private CA --------------


class _Refusing(http.server.BaseHTTPRequestHandler):
    """Answers every call as Moodle does for a bad token."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"exception": "moodle_exception", "errorcode": "invalidtoken",
                           "message": "Invalid token - token not found"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tls_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS / "selfsigned.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_untrusted_certificate_says_how_to_use_ca_bundle(tls_site, tmp_path):
    env = {"CERTBRIDGE_URL": tls_site, "CERTBRIDGE_TOKEN": "t" * 32, "CERTBRIDGE_STATE_DIR": str(tmp_path)}
    doctor = invoke("doctor", env=env)
    assert_clean(doctor, ExitCode.SITE_ERROR)
    assert "✗ reachable" in doctor.output and 'ca_bundle = "/path/to/ca.pem"' in doctor.output
    assert "CERTBRIDGE_CA_BUNDLE" in doctor.output
    pack = PackSpec(tmp_path / "packs").write()
    sync = invoke("sync", str(pack.folder), env=env)
    assert_clean(sync, ExitCode.SITE_ERROR)
    assert "ca_bundle" in sync.stderr
    trusted = invoke("doctor", env=env | {"CERTBRIDGE_CA_BUNDLE": str(TLS / "cert.pem")})
    assert "✓ reachable" in trusted.output and "✗ token" in trusted.output  # verified, and talking
