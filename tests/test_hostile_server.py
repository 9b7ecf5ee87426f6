"""A site that answers wrongly: wrong reply shapes, HTTP 500 on every call, a body that
trickles in a byte at a time, escape sequences in its text. Each gives one clear message
and the documented exit code (3: the site cannot be used), never a traceback, and never
hangs. Loopback only: a proxy in front of the sandbox rewrites the replies."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.errors import ExitCode
from bridge.moodle import MoodleClient
from bridge.moodle.errors import TransportError, UnexpectedReply
from bridge.sandbox import Sandbox
from fixtures.hostile import HostileProxy, Reply, json_reply
from fixtures.sync_world import PackSpec, run_cli

pytestmark = pytest.mark.slow

GET_MODULES = "local_certbridge_get_modules"
GET_INFO = "local_certbridge_get_info"


@dataclass
class Hostile:
    sb: Sandbox
    pack: PackSpec
    proxy: HostileProxy
    env: dict
    tmp: Path

    def answer(self, function: str | None, rule) -> None:
        """Let ``rule`` answer ``function`` (every function when None)."""
        if function is None:
            self.proxy.default = rule
        else:
            self.proxy.rules[function] = rule

    def run(self, *args: str):
        result = CliRunner().invoke(main, list(args), env=self.env, catch_exceptions=False)
        assert "Traceback" not in result.output
        return result


@pytest.fixture
def hostile(tmp_path):
    with Sandbox(tmp_path / "sandbox") as sb:
        pack = PackSpec(tmp_path / "packs", files=2).write()
        assert run_cli(sb, tmp_path / "direct", "sync", str(pack.folder)).exit_code == 0
        with HostileProxy(sb.url, max_trickle_s=6.0) as proxy:
            config = tmp_path / "certbridge.toml"
            config.write_text(f'state_dir = "state"\npacks = ["{pack.root}"]\n[[sites]]\nname = "evil"\n'
                              f'url = "{proxy.url}"\ntoken_env = "EVIL_TOKEN"\ntimeout = 1\n', "utf-8")
            env = {"CERTBRIDGE_CONFIG": str(config), "EVIL_TOKEN": sb.token, "CERTBRIDGE_URL": "",
                   "CERTBRIDGE_LANG": "en", "CERTBRIDGE_STATE_DIR": ""}
            yield Hostile(sb, pack, proxy, env, tmp_path)


def _modules_without(*keys):
    def rule(function, body):
        body = copy.deepcopy(body)
        for module in body["modules"]:
            for key in keys:
                module.pop(key, None)
        return json_reply(body)
    return rule


def _set(path, value):
    def rule(function, body):
        body = copy.deepcopy(body)
        target = body
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return json_reply(body)
    return rule


BAD_SHAPES = {
    "null-everywhere": (None, lambda f, b: json_reply(None), "core_course_get_courses_by_field",
                        "the reply should be an object, not null"),
    "module-without-idnumber": (GET_MODULES, _modules_without("idnumber", "modname"), GET_MODULES,
                                "field modules[0].idnumber is missing"),
    "id-not-an-integer": ("core_course_get_courses_by_field", _set(["courses", 0, "id"], "12x"),
                          "core_course_get_courses_by_field", "field courses[0].id should be an integer, not '12x'"),
    "plugin-version-null": (GET_MODULES, _set(["plugin_version"], None), GET_MODULES,
                            "field plugin_version should be an integer, not null"),
}


@pytest.mark.parametrize("case", sorted(BAD_SHAPES))
def test_plan_on_a_reply_of_the_wrong_shape_says_which_field_and_exits_3(hostile, case):
    function, rule, failing, detail = BAD_SHAPES[case]
    hostile.answer(function, rule)
    result = hostile.run("plan")
    assert result.exit_code == ExitCode.SITE_ERROR, result.output
    assert f"unexpected reply from {failing}: {detail}" in result.output


@pytest.mark.parametrize("function, rule, detail", [
    (None, lambda f, b: json_reply(None), "unexpected reply from core_webservice_get_site_info"),
    (GET_INFO, _set(["plugin_version"], None), "field plugin_version should be an integer, not null"),
    ("core_webservice_get_site_info", _set(["functions"], [{"version": "1"}]), "field functions[0].name is missing"),
])
def test_doctor_on_a_reply_of_the_wrong_shape_fails_its_check_and_exits_3(hostile, function, rule, detail):
    hostile.answer(function, rule)
    result = hostile.run("doctor")
    assert result.exit_code == ExitCode.SITE_ERROR, result.output
    assert detail in result.output
    assert "✗" in result.output


def test_http_500_on_every_call_is_a_site_that_cannot_be_used(hostile):
    hostile.proxy.default = lambda f, b: Reply(500, b"<html>Internal Server Error</html>")
    for command in ("plan", "doctor", "sync"):
        result = hostile.run(command)
        assert result.exit_code == ExitCode.SITE_ERROR, (command, result.output)
        assert "HTTP 500" in result.output
    # Reads are retried within the call's deadline, not for ever: a handful of requests per call.
    assert 1 < hostile.proxy.calls.count("core_webservice_get_site_info") <= 4


def test_a_trickling_body_ends_at_the_deadline_instead_of_holding_the_run(hostile):
    # Each byte comes in well within the 1 s read timeout, so only a wall-clock deadline ends it;
    # the proxy would finish (a valid reply) after 6 s.
    hostile.proxy.rules[GET_MODULES] = lambda f, b: Reply(200, json_reply(b).body, trickle_s=0.2)
    result = hostile.run("plan")
    assert result.exit_code == ExitCode.SITE_ERROR, result.output
    assert "no complete answer within" in result.output
    # The lock is not left behind by a sync stopped this way.
    result = hostile.run("sync", "--log-format", "json")
    assert result.exit_code == ExitCode.SITE_ERROR, result.output
    assert not list((hostile.tmp / "state").glob("*.lock"))


def test_the_requester_deadline_covers_headers_and_body(hostile):
    hostile.proxy.default = lambda f, b: Reply(200, json_reply(b).body, trickle_s=0.2)
    with MoodleClient(hostile.proxy.url, hostile.sb.token, timeout=(1.0, 0.6), retries=5, backoff=0.01) as client:
        with pytest.raises(TransportError) as caught:
            client.site_info()
    assert "no complete answer within" in caught.value.message
    # The call's total deadline (twice the timeout) stops the retries before the 5 allowed.
    assert client.stats.http_requests <= 3


def test_a_malformed_write_reply_is_an_unexpected_reply_not_python_text(hostile):
    hostile.pack.titles["file0"] = "改过的标题"
    hostile.pack.write()
    hostile.proxy.rules["local_certbridge_upsert_modules"] = _set(["results", 0, "cmid"], "3x")
    result = hostile.run("sync")
    assert result.exit_code in (ExitCode.FAILURES, ExitCode.SITE_ERROR), result.output
    assert ("unexpected reply from local_certbridge_upsert_modules: field results[0].cmid should be an integer, "
            "not '3x'") in result.output
    assert "invalid literal" not in result.output
    hostile.proxy.rules.clear()
    assert hostile.run("sync").exit_code == 0


ESC = "\x1b[31mRED\x1b[0m\x1b]0;title\x07\x1b[2J"


def test_escape_sequences_from_the_site_never_reach_the_terminal(hostile):
    hostile.proxy.rules[GET_MODULES] = lambda f, b: json_reply(
        {"exception": "moodle_exception", "errorcode": f"bad{ESC}", "message": f"boom {ESC}"})
    hostile.proxy.rules["core_webservice_get_site_info"] = lambda f, b: json_reply(
        dict(b, release=f"5.1 {ESC}", username=f"admin{ESC}", sitename=ESC))
    plan = hostile.run("plan")
    doctor = hostile.run("doctor")
    for result in (plan, doctor):
        assert "\x1b" not in result.output and "\x07" not in result.output
    assert "boom" in plan.output and "admin" in doctor.output


def test_unexpected_reply_names_function_and_field_for_the_client_directly():
    from bridge.moodle.shapes import check_reply

    with pytest.raises(UnexpectedReply) as caught:
        check_reply(GET_MODULES, {"modules": [{"idnumber": "x", "cmid": 1, "modname": "page", "name": "n"},
                                              {"idnumber": "y", "cmid": "2", "modname": "page", "name": None}]})
    assert caught.value.field == "modules[1].name"
    assert caught.value.exit_code == ExitCode.SITE_ERROR
    assert check_reply("core_course_delete_modules", None) is None
    assert check_reply("no_shape_known", {"anything": 1}) == {"anything": 1}


def test_doctor_tells_a_service_without_the_plugin_functions_from_a_missing_plugin(hostile):
    # What Moodle answers for a function that exists but is not in the token's service.
    hostile.proxy.rules[GET_INFO] = lambda f, b: json_reply(
        {"exception": "webservice_access_exception", "errorcode": "accessexception",
         "message": "Access control exception"})
    result = hostile.run("doctor")
    assert result.exit_code == ExitCode.SITE_ERROR
    assert "the token's service lacks this function (the plugin itself is installed)" in result.output
    assert "plugin is missing" not in result.output
    hostile.proxy.rules[GET_INFO] = lambda f, b: json_reply(
        {"exception": "dml_missing_record_exception", "errorcode": "invalidrecordunknown",
         "message": "Can't find data record in database."})
    assert "the certbridge plugin is missing" in hostile.run("doctor").output


@pytest.mark.parametrize("bad, field", [({"cmid": "12x"}, "modules[777].cmid"), ({"visible": 2}, "modules[777].visible"),
                                        ({"name": None}, "modules[777].name"), ({"idnumber": 5}, "modules[777].idnumber"),
                                        ({"cmid": "12"}, None), ({"fingerprint": None}, None)])
def test_a_long_listing_is_checked_as_strictly_as_a_short_one(bad, field):
    from bridge.moodle.shapes import check_reply

    module = {"idnumber": "certbridge:p:r", "cmid": 41, "instance": 12, "modname": "page", "name": "n", "section": 1,
              "sectionvisible": 1, "position": 0, "visible": True, "visibleoncoursepage": "1", "stealth": 0,
              "deletioninprogress": 0, "timemodified": 1764370000, "fingerprint": "abc"}
    modules = [dict(module, cmid=i) for i in range(1000)]
    modules[777].update(bad)
    if field is None:
        check_reply(GET_MODULES, {"modules": modules})
        return
    with pytest.raises(UnexpectedReply) as caught:
        check_reply(GET_MODULES, {"modules": modules})
    assert caught.value.field == field
