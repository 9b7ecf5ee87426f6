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


# -- sync for the nightly job -----------------------------------------------------------


def test_json_log_stays_json_when_the_run_cannot_start(world):
    sb, pack, state = world
    env = sync_env(sb, state) | {"CERTBRIDGE_TOKEN": ""}
    result = CliRunner().invoke(main, ["sync", str(pack.folder), "--log-format", "json"], env=env)
    assert_clean(result, ExitCode.SITE_ERROR)
    assert result.stderr == ""
    (event,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert event["event"] == "error" and event["exit_code"] == 3 and "CERTBRIDGE_TOKEN" in event["message"]


def test_json_log_reports_a_held_lock_as_an_error_event(world):
    sb, pack, state = world
    state.mkdir()
    (state / "default.lock").write_text(json.dumps({"id": "abc123", "pid": 1, "host": "elsewhere",
                                                    "started_at": 0}), "utf-8")
    result = run_cli(sb, state, "sync", str(pack.folder), "--log-format", "json")
    assert result.exit_code == ExitCode.LOCKED and result.stderr == ""
    event = json_lines(result.stdout)[-1]
    assert event["event"] == "error" and "certbridge unlock --id abc123" in event["hint"]


def test_interrupted_sync_says_the_next_run_resumes(world, monkeypatch):
    import bridge.sync.run as sync_run  # the command imports it when it runs

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sync_run, "sync_site", interrupted)
    sb, pack, state = world
    text = run_cli(sb, state, "sync", str(pack.folder))
    assert text.exit_code == ExitCode.INTERRUPTED and "the next run resumes" in text.stderr
    log = run_cli(sb, state, "sync", str(pack.folder), "--log-format", "json")
    assert log.exit_code == ExitCode.INTERRUPTED and log.stderr == ""
    last = json_lines(log.stdout)[-1]
    assert last["event"] == "error" and last["exit_code"] == 130


def test_first_sync_says_the_course_was_created(world):
    sb, pack, state = world
    first = json_lines(run_cli(sb, state, "sync", str(pack.folder), "--log-format", "json").stdout)
    assert [e["created_course"] for e in first if e["event"] == "course"] == [True]
    assert first[-1]["courses"][0]["created_course"] is True
    again = json_lines(run_cli(sb, state, "sync", str(pack.folder), "--log-format", "json").stdout)
    assert [e["created_course"] for e in again if e["event"] == "course"] == [False]
    text = run_cli(sb, state, "sync", str(pack.folder), "--lang", "zh")
    assert "已新建课程" not in text.stderr


def test_a_skipped_pack_names_its_problem_with_file_and_line(world):
    sb, pack, state = world
    toml = pack.folder / "pack.toml"
    toml.write_text(toml.read_text("utf-8").replace('type = "url"', 'type = "urll"'), "utf-8")
    result = run_cli(sb, state, "plan", str(pack.folder))
    assert result.exit_code == ExitCode.INVALID_INPUT
    line = toml.read_text("utf-8").splitlines().index('  type = "urll"') + 1
    assert f"demo: skipped, it does not validate:\n  {toml}:{line}: Unknown resource type 'urll'" in result.output
    assert "failed" not in result.stdout and "1 pack(s) or course(s) cannot be planned" in result.stdout


def test_an_unreadable_course_is_named_and_points_to_doctor(world, monkeypatch):
    from bridge.moodle.errors import AccessDenied
    from bridge.sync import run
    from bridge.sync.snapshot import CourseSnapshot

    def unreadable(client, shortname, prefix, courseid=None):
        return CourseSnapshot(shortname, prefix, error=AccessDenied("access denied: no course rights"))

    monkeypatch.setattr(run, "read_course", unreadable)
    sb, pack, state = world
    result = run_cli(sb, state, "sync", str(pack.folder))
    assert result.exit_code == ExitCode.FAILURES
    assert "DEMO-101: access denied: no course rights" in result.stderr
    assert "1 course(s) could not be read and were left as they are; 'certbridge doctor'" in result.stderr


def test_sync_with_no_pack_says_where_it_looked(world, tmp_path):
    sb, _, state = world
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli(sb, state, "sync", str(empty))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert f"No pack can be read:\n  {empty}: No pack here" in result.stderr


def test_nightly_job_is_quiet_on_success_and_says_why_on_failure(world, tmp_path):
    sb, pack, state = world
    env = dict(os.environ, **sync_env(sb, state), CERTBRIDGE_BIN=str(CERTBRIDGE),
               CERTBRIDGE_REPORT_DIR=str(tmp_path / "reports"))
    env.pop("CERTBRIDGE_CONFIG")
    config = tmp_path / "certbridge.toml"
    config.write_text(f'packs = ["{pack.root.as_posix()}"]\nstate_dir = "{state.as_posix()}"\n\n[[sites]]\n'
                      f'name = "sb"\nurl = "{sb.url}"\ntoken_env = "SB_TOKEN"\n', "utf-8")
    env.update(CERTBRIDGE_CONFIG=str(config), SB_TOKEN=sb.token, CERTBRIDGE_URL="")
    ok = subprocess.run([str(REPO / "scripts" / "nightly.sh")], env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and ok.stderr == ""
    assert [json.loads(line)["event"] for line in ok.stdout.splitlines()][-1] == "summary"
    assert (tmp_path / "reports" / "report.html").is_file()
    env["SB_TOKEN"] = ""
    failed = subprocess.run([str(REPO / "scripts" / "nightly.sh")], env=env, capture_output=True, text=True,
                            timeout=120)
    assert failed.returncode == ExitCode.SITE_ERROR
    assert failed.stderr.startswith("certbridge nightly: sync exit 3: the site cannot be used, run certbridge doctor")
    assert [json.loads(line)["event"] for line in failed.stdout.splitlines()] == ["error"]


# -- course owners and coordinators ------------------------------------------------------


def test_quiz_problem_in_a_pack_separates_message_and_hint(library):
    quiz = library / "mini" / "quizzes" / "broken.gift"
    quiz.parent.mkdir(exist_ok=True)
    quiz.write_text("::Q1:: 题目 {\n=对\n~错\n", "utf-8")
    toml = library / "mini" / "pack.toml"
    toml.write_text(toml.read_text("utf-8") + '\n  [[sections.resources]]\n  id = "broken-quiz"\n  type = "quiz"\n'
                    '  title = "测验"\n  source = "quizzes/broken.gift"\n', "utf-8")
    result = invoke("validate", str(library / "mini"))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "is not closed with } (hint: close it with }" in result.stderr
    zh = invoke("validate", str(library / "mini"), "--lang", "zh")
    assert "没有用 } 结束（提示：请用 } 结束" in zh.stderr


def test_a_task_code_given_as_skill_names_its_requirements(library):
    toml = library / "mini" / "pack.toml"
    toml.write_text(toml.read_text("utf-8").replace('skills = ["1.2.1"]', 'skills = ["1.1"]', 1), "utf-8")
    result = invoke("validate", str(library / "mini"))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "'1.1' is a task or area: use its requirements (1.1.1, 1.1.2)." in result.stderr


def test_unclosed_toml_string_is_explained(library):
    toml = library / "mini" / "pack.toml"
    text = toml.read_text("utf-8")
    toml.write_text(text.replace('title = "', 'title = "未结束的标题\ntitle2 = "', 1), "utf-8")
    result = invoke("validate", str(library / "mini"))
    assert "a string is not closed on this line" in result.stderr


def test_library_outside_the_project_says_where_it_looked_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("library", "search", "盒模型", "--lang", "zh")
    assert_clean(result, ExitCode.INVALID_INPUT)
    assert "resource_packs 中没有资源包：请在包含 resource_packs/ 的目录中运行，或使用 --packs 目录。" in result.stderr
    site = invoke("library", "site", "--out", str(tmp_path / "catalogue"))
    assert_clean(site, ExitCode.INVALID_INPUT)
    assert not (tmp_path / "catalogue").exists()


def test_library_search_shows_the_first_problems_then_the_command_for_all(library):
    toml = library / "mini" / "pack.toml"
    toml.write_text(toml.read_text("utf-8") + "".join(
        f'\n  [[sections.resources]]\n  id = "bad{i}"\n  type = "video"\n  title = "坏{i}"\n' for i in range(4)), "utf-8")
    result = invoke("library", "search", "--packs", str(library))
    assert result.exit_code == 0
    assert result.stderr.count("unknown-type: Unknown resource type 'video'") == 3
    assert f"… 4 problem(s) in all; 'certbridge validate {library}' lists them." in result.stderr


def test_report_to_an_unwritable_place_is_an_input_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", "utf-8")
    result = invoke("report", str(REPO / "resource_packs" / "web-frontend-basic"), "--format", "json",
                    "--out", str(blocker / "r.json"),
                    env={"CERTBRIDGE_URL": "http://127.0.0.1:9", "CERTBRIDGE_STATE_DIR": str(tmp_path / "state")})
    assert_clean(result, ExitCode.INVALID_INPUT)
    assert f"Error: {blocker}" in result.stderr and "Check the path" in result.stderr


def test_report_points_to_doctor_when_courses_cannot_be_read(tmp_path):
    result = invoke("report", str(REPO / "resource_packs" / "web-frontend-basic"),
                    env={"CERTBRIDGE_URL": "http://127.0.0.1:9", "CERTBRIDGE_TOKEN": "",
                         "CERTBRIDGE_STATE_DIR": str(tmp_path / "state")})
    assert result.exit_code == 0  # the report was produced (docs/report.md)
    assert "1 course(s) could not be read" in result.stderr and "certbridge doctor" in result.stderr


def test_sync_help_lists_the_exit_codes():
    result = invoke("sync", "-h")
    assert "130  interrupted; the next run resumes" in result.output and "5  --max-changes" in result.output


def test_report_for_an_unknown_category_lists_the_categories(tmp_path):
    result = invoke("report", str(REPO / "resource_packs"), "--category", "不存在学院", "--lang", "zh",
                    env={"CERTBRIDGE_URL": "http://127.0.0.1:9", "CERTBRIDGE_STATE_DIR": str(tmp_path / "state")})
    assert result.exit_code == 0  # a report was produced (docs/report.md): just an empty one
    assert "没有课程属于类别“不存在学院”；资源包中的类别有：" in result.stderr
    assert "信息工程学院 / 软件技术专业" in result.stderr


@pytest.mark.parametrize("args,zh", [
    (["validate"], "错误：缺少参数 'PATHS...'。"),
    (["sync", "--dryrun"], "错误：没有选项 '--dryrun'；是否应为 '--dry-run'"),
    (["report", "--format", "pdf"], "错误：'--format' 的值无效：'pdf' 不是可选值（'table', 'json', 'csv', 'html'）之一。"),
    (["synk"], "错误：没有命令 'synk'；是否应为 'sync'？"),
])
def test_usage_errors_follow_the_language(args, zh):
    result = invoke("--lang", "zh", *args)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert zh in result.stderr and "-h”查看帮助" in result.stderr
    english = invoke("--lang", "en", *args)
    assert english.exit_code == ExitCode.INVALID_INPUT and "Error: " in english.stderr and "错误" not in english.stderr


def test_terminal_control_characters_from_a_site_never_reach_the_terminal():
    from bridge.textwidth import clip, pad, printable

    hostile = "bad\x1b[2J\x1b]0;title\x07 token\x9b31m"
    assert "\x1b" not in printable(hostile) and "\x07" not in printable(hostile) and "\x9b" not in printable(hostile)
    assert printable("行1\n\t行2") == "行1\n\t行2"
    assert "\x1b" not in clip(hostile, 8) and "\x1b" not in pad(hostile, 40)
