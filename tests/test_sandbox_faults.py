"""Fault injection: each switch, its reproducibility from a seed, and its scope."""
from __future__ import annotations

import threading
import time

import pytest
import requests

from bridge.sandbox import FaultPlan, Sandbox
from bridge.sandbox.faults import FaultInjector
from tests.sandbox_client import WS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sb():
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture(autouse=True)
def _clean(sb):
    sb.admin.clear_faults()
    sb.admin.reset_calls()
    yield
    sb.admin.clear_faults()


def post(sb, fn="core_webservice_get_site_info", timeout=5.0):
    return requests.post(sb.url + "/webservice/rest/server.php", timeout=timeout,
                         data={"wstoken": sb.token, "wsfunction": fn, "moodlewsrestformat": "json"})


def outcomes(seed: int, n: int = 200, **rates) -> list[str]:
    injector = FaultInjector()
    injector.set(FaultPlan(seed=seed, **rates))
    return [str(injector.decide("f").kind) for _ in range(n)]


def test_same_seed_same_faults_and_rates_roughly_hold():
    plan = dict(error_rate=0.2, drop_rate=0.1, timeout_rate=0.05, timeout_s=1.0)
    first, again, other = outcomes(7, **plan), outcomes(7, **plan), outcomes(8, **plan)
    assert first == again and first != other
    assert 20 <= first.count("error") <= 60 and 5 <= first.count("drop") <= 40


def test_invalid_plans_are_refused():
    with pytest.raises(ValueError):
        FaultPlan(error_rate=1.5)
    with pytest.raises(ValueError):
        FaultPlan(error_rate=0.6, drop_rate=0.6)


def test_error_rate_gives_5xx(sb):
    sb.admin.set_faults(FaultPlan(error_rate=1.0))
    assert post(sb).status_code == 502
    assert sb.admin.calls()[-1].status == 502


def test_drop_closes_the_connection_without_an_answer(sb):
    sb.admin.set_faults(FaultPlan(drop_rate=1.0))
    with pytest.raises(requests.ConnectionError):
        post(sb)
    assert sb.admin.calls()[-1].status == 0


def test_timeout_delays_the_answer_past_the_client_timeout(sb):
    sb.admin.set_faults(FaultPlan(timeout_rate=1.0, timeout_s=2.0))
    with pytest.raises(requests.Timeout):
        post(sb, timeout=0.2)


def test_latency_still_answers(sb):
    sb.admin.set_faults(FaultPlan(latency_ms=20))
    assert post(sb).json()["userid"] == 2


def test_fail_after_n_calls_until_cleared(sb):
    sb.admin.set_faults(FaultPlan(fail_after=2))
    assert [post(sb).status_code for _ in range(4)] == [200, 200, 503, 503]
    sb.admin.clear_faults()
    assert post(sb).status_code == 200


def test_only_functions_limits_the_faults(sb):
    sb.admin.set_faults(FaultPlan(error_rate=1.0, only_functions=["local_certbridge_get_info"]))
    assert post(sb).status_code == 200
    assert post(sb, "local_certbridge_get_info").status_code == 502


def test_uploads_can_fail_too(sb):
    sb.admin.set_faults(FaultPlan(error_rate=1.0, only_functions=["webservice/upload.php"]))
    reply = requests.post(sb.url + "/webservice/upload.php", data={"token": sb.token, "itemid": "0"},
                          files={"file_1": ("a.txt", b"a")}, timeout=5)
    assert reply.status_code == 502


def test_faults_over_the_admin_endpoint(sb):
    url, headers = sb.url + "/_sandbox/admin", {"X-Sandbox-Admin": sb.token}
    assert requests.post(url, json={"action": "set_faults", "fail_after": 0}, headers=headers).json()["ok"]
    assert post(sb).status_code == 503
    requests.post(url, json={"action": "clear_faults"}, headers=headers)
    assert post(sb).status_code == 200


def test_stop_does_not_wait_for_an_injected_timeout():
    sandbox = Sandbox().start()
    sandbox.admin.set_faults(FaultPlan(timeout_rate=1.0, timeout_s=600))
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            post(sandbox, timeout=30)
        except requests.RequestException as err:
            outcome.append(err)

    caller = threading.Thread(target=call)
    caller.start()
    while caller.is_alive() and not sandbox._site.faults.decided:  # until the request is in its injected wait
        time.sleep(0.01)
    sandbox.stop()  # returns once the waiting handler is released (not after 600 s)
    caller.join(timeout=30)
    assert not caller.is_alive() and isinstance(outcome[0], requests.ConnectionError)


def test_writes_roll_back_nothing_when_faulted_before_running(sb):
    ws = WS(sb.url, sb.token)
    sb.admin.set_faults(FaultPlan(error_rate=1.0, only_functions=["core_course_create_courses"]))
    with pytest.raises(AssertionError):
        ws.new_course("FAULTED")
    sb.admin.clear_faults()
    assert ws("core_course_get_courses_by_field", field="shortname", value="FAULTED")["courses"] == []
