"""Retry policy: reads retry on connection errors and 5xx; sent writes never do."""
import pytest
import requests
import responses
from fixtures.contract import SITE, Contract, make_client
from urllib3.exceptions import MaxRetryError, NewConnectionError

from bridge.errors import ExitCode
from bridge.moodle import errors
from bridge.moodle.requester import MinInterval

contract = Contract.or_skip()
REST = SITE + "/webservice/rest/server.php"


def refused() -> requests.ConnectionError:
    """What requests raises when the TCP connection is refused (nothing sent)."""
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    return requests.ConnectionError(MaxRetryError(None, "/webservice/rest/server.php", reason))


def reset_after_send() -> requests.ConnectionError:
    return requests.ConnectionError("('Connection aborted.', RemoteDisconnected('Remote end closed connection'))")


@responses.activate
def test_read_retries_connection_errors_with_exponential_backoff():
    for exc in (reset_after_send(), requests.ReadTimeout("read timed out")):
        responses.add(responses.POST, REST, body=exc)
    contract.register(responses.mock, "01", site=SITE)
    client = make_client(backoff=0.5)
    assert client.site_info()["username"] == "admin"
    assert client.sleeps == [0.5, 1.0]
    assert (client.stats.reads, client.stats.http_requests, client.stats.retries) == (1, 3, 2)


@responses.activate
def test_read_retries_5xx_then_gives_up_with_server_error():
    for _ in range(3):
        responses.add(responses.POST, REST, body="<h1>502 Bad Gateway</h1>", status=502)
    client = make_client(retries=2)
    with pytest.raises(errors.ServerError) as info:
        client.get_course_contents(2)
    assert info.value.status == 502 and not info.value.write
    assert len(responses.calls) == 3 and client.sleeps == [0.5, 1.0]


@responses.activate
def test_read_gives_up_with_transport_error():
    for _ in range(4):
        responses.add(responses.POST, REST, body=refused())
    client = make_client(retries=3)
    with pytest.raises(errors.TransportError) as info:
        client.site_info()
    assert info.value.exit_code == ExitCode.SITE_ERROR
    assert len(responses.calls) == 4


@pytest.mark.parametrize("exc", [reset_after_send(), requests.ReadTimeout("read timed out")])
def test_sent_write_is_never_retried(exc):
    client = make_client()
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, REST, body=exc)
        with pytest.raises(errors.AmbiguousWrite) as info:
            client.create_course("S", "F", 1)
        assert len(rsps.calls) == 1
    assert client.sleeps == [] and info.value.function == "core_course_create_courses"


@responses.activate
def test_write_5xx_is_not_retried():
    responses.add(responses.POST, REST, body="oops", status=500)
    client = make_client()
    with pytest.raises(errors.ServerError) as info:
        client.delete_modules([3])
    assert info.value.write and len(responses.calls) == 1
    assert "read" in info.value.hint  # tells the user to read the state back


@pytest.mark.parametrize("exc", [refused(), requests.ConnectTimeout("connect timed out")])
def test_write_that_never_reached_the_server_is_retried(exc):
    client = make_client()
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, REST, body=exc)
        contract.register(rsps, "41", site=SITE)
        client.delete_modules([3])
        assert len(rsps.calls) == 2
    assert client.stats.writes == 1 and client.stats.retries == 1


@responses.activate
def test_write_429_is_retried_after_the_servers_delay():
    responses.add(responses.POST, REST, status=429, headers={"Retry-After": "7"}, body="")
    contract.register(responses.mock, "41", site=SITE)
    client = make_client()
    client.delete_modules([3])
    assert client.sleeps == [7.0]


def test_upload_is_a_write(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"x")
    client = make_client()
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, SITE + "/webservice/upload.php", body=requests.ReadTimeout("slow"))
        with pytest.raises(errors.AmbiguousWrite):
            client.upload_files([path])
        assert len(rsps.calls) == 1


@responses.activate
def test_retries_zero_disables_retrying():
    responses.add(responses.POST, REST, status=503, body="")
    with pytest.raises(errors.ServerError):
        make_client(retries=0).site_info()
    assert len(responses.calls) == 1


@responses.activate
def test_rate_limit_hook_runs_before_every_http_request():
    responses.add(responses.POST, REST, status=503, body="")
    contract.register(responses.mock, "01", site=SITE)
    ticks = []
    client = make_client(rate_limit=lambda: ticks.append(len(responses.calls)))
    client.site_info()
    assert ticks == [0, 1]


def test_min_interval_spaces_requests():
    now, slept = [100.0], []
    limiter = MinInterval(4, clock=lambda: now[0], sleep=slept.append)
    limiter()
    limiter()
    now[0] += 1.0
    limiter()
    assert slept == [0.25]


@responses.activate
def test_timeouts_and_user_agent_are_always_set():
    contract.register(responses.mock, "01", site=SITE)
    client = make_client(timeout=(3.0, 30.0))
    sent = []
    real_post = client.requester.session.post
    client.requester.session.post = lambda *a, **kw: sent.append(kw) or real_post(*a, **kw)
    client.site_info()
    assert sent[0]["timeout"] == (3.0, 30.0) and sent[0]["allow_redirects"] is False
    assert responses.calls[0].request.headers["User-Agent"].startswith("certbridge/")


@responses.activate
def test_stats_count_reads_writes_and_functions():
    contract.register(responses.mock, "01", site=SITE)
    contract.register(responses.mock, "11", site=SITE)
    contract.register(responses.mock, "41", site=SITE)
    client = make_client()
    client.site_info()
    client.get_course_contents(2)
    client.delete_modules([3])
    assert client.stats.as_dict() == {
        "reads": 2, "writes": 1, "retries": 0, "http_requests": 3,
        "by_function": {"core_webservice_get_site_info": 1, "core_course_get_contents": 1,
                        "core_course_delete_modules": 1}}
    client.stats.reset()
    assert client.stats.calls == 0


def test_site_url_is_normalised_to_the_root():
    assert make_client().url == SITE
    from bridge.moodle import MoodleClient

    assert MoodleClient(SITE + "/webservice/rest/server.php/", "t").url == SITE
    with pytest.raises(ValueError):
        MoodleClient("moodle.test", "t")
