"""The token never shows in URLs, logs, exception messages or reprs."""
import json
import logging
import pickle
import traceback

import pytest
import requests
import responses
from fixtures.contract import SITE, TOKEN, Contract, make_client

from bridge.moodle import MoodleClient, errors
from test_moodle_upload import load_bench

contract = Contract.or_skip()
REST = SITE + "/webservice/rest/server.php"


def assert_clean(err: BaseException) -> None:
    rendered = [str(err), repr(err), err.message, getattr(err, "remote_message", ""),
                getattr(err, "debuginfo", "") or "", "".join(traceback.format_exception(err)),
                repr(pickle.loads(pickle.dumps(err)).__dict__)]
    for text in rendered:
        assert TOKEN not in text


def test_reprs_hide_the_token():
    client = MoodleClient(SITE, TOKEN)
    for text in (repr(client), str(client), repr(client.requester), repr(client.requester._token),
                 f"{client.requester._token}", repr(vars(client.requester))):
        assert TOKEN not in text
    assert client.requester.token() == TOKEN


@responses.activate
def test_token_travels_only_in_the_body():
    contract.register(responses.mock, "01", site=SITE)
    make_client().site_info()
    request = responses.calls[0].request
    assert request.url == REST and "?" not in request.url
    assert f"wstoken={TOKEN}" in request.body
    assert TOKEN not in json.dumps(dict(request.headers))


@pytest.mark.parametrize("body", [
    # A site (or proxy) echoing the request back in its error text.
    {"exception": "moodle_exception", "errorcode": "invalidtoken", "message": f"Invalid token {TOKEN}",
     "debuginfo": f"wstoken={TOKEN}&wsfunction=x"},
    {"error": f"bad {TOKEN}", "errorcode": "invalidtoken", "debuginfo": TOKEN},
])
def test_site_text_echoing_the_token_is_redacted(body):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, REST, json=body)
        with pytest.raises(errors.InvalidToken) as info:
            make_client().site_info()
    assert_clean(info.value)
    assert "***" in info.value.remote_message


@responses.activate
def test_unexpected_body_echoing_the_token_is_redacted():
    responses.add(responses.POST, REST, body=f"<pre>wstoken={TOKEN}</pre>", status=400)
    with pytest.raises(errors.UnexpectedResponse) as info:
        make_client().site_info()
    assert_clean(info.value)


@responses.activate
def test_warnings_echoing_the_token_are_redacted(caplog):
    body = {"warnings": [{"item": "course", "itemid": 1, "warningcode": "x", "message": f"t={TOKEN}"}]}
    responses.add(responses.POST, REST, json=body)
    with caplog.at_level(logging.DEBUG), pytest.raises(errors.WarningsError) as info:
        make_client().call("core_course_update_courses", write=True, courses=[{"id": 1}])
    assert TOKEN not in caplog.text and "t=***" in caplog.text
    assert_clean(info.value)
    assert info.value.warnings[0].message == "t=***"


@responses.activate
def test_a_token_cut_by_truncation_is_still_redacted():
    responses.add(responses.POST, REST, body="x" * 190 + TOKEN, status=500)
    with pytest.raises(errors.ServerError):
        make_client(retries=0).site_info()
    responses.replace(responses.POST, REST, body="x" * 190 + TOKEN, status=404)
    with pytest.raises(errors.UnexpectedResponse) as info:
        make_client().site_info()
    assert TOKEN[:10] not in str(info.value)
    responses.replace(responses.POST, REST, json={"exception": "e", "errorcode": "x", "message": "m",
                                                  "debuginfo": "y" * 590 + TOKEN})
    with pytest.raises(errors.MoodleError) as info:
        make_client().site_info()
    assert TOKEN[:10] not in str(info.value)


@pytest.mark.parametrize("exc, cls, write", [
    (requests.ConnectionError(f"refused while sending wstoken={TOKEN}"), errors.TransportError, False),
    (requests.ReadTimeout(f"timeout wstoken={TOKEN}"), errors.AmbiguousWrite, True),
])
def test_transport_failures_carry_no_token_or_request(exc, cls, write):
    client = make_client(retries=0)
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, REST, body=exc)
        with pytest.raises(cls) as info:
            client.call("core_course_get_contents", write=write, courseid=2)
    assert_clean(info.value)
    # The requests exception (which holds the request body) is not chained for display.
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_debug_logging_over_real_http_never_shows_the_token(caplog, tmp_path):
    bench = load_bench()
    path = tmp_path / "f.txt"
    path.write_text("hello")
    with caplog.at_level(logging.DEBUG), bench.SinkServer() as sink:
        client = MoodleClient(sink.url, TOKEN, retries=0)
        client.call("core_course_get_contents", write=False, courseid=2)
        client.upload_files([path])
        client.close()
    assert "core_course_get_contents" in caplog.text and "POST /webservice/upload.php" in caplog.text
    assert TOKEN not in caplog.text


@responses.activate
def test_every_recorded_error_renders_without_the_token(caplog):
    names = contract.where(lambda ex: ex["endpoint"] == "/webservice/rest/server.php"
                           and isinstance(ex["response"], dict) and "exception" in ex["response"])
    client = make_client()
    with caplog.at_level(logging.DEBUG):
        for name in names:
            exchange = contract.register(responses.mock, name, site=SITE)
            with pytest.raises(errors.MoodleError) as info:
                client.call(exchange["function"] or "", write=False)
            assert_clean(info.value)
    assert TOKEN not in caplog.text


def test_a_very_short_wrong_token_does_not_mask_letters_inside_words():
    from bridge.moodle.requester import Requester

    requester = Requester(SITE, "x")
    assert requester.redact("Max retries exceeded; token x rejected") == "Max retries exceeded; token *** rejected"
