"""Every recorded Moodle failure becomes its typed error; successes of odd shapes pass."""
import requests
import pytest
import responses
from fixtures.contract import SITE, Contract, make_client

from bridge.errors import BridgeError, ExitCode
from bridge.i18n import set_lang
from bridge.moodle import errors
from bridge.moodle.errors import ERRORCODES

contract = Contract.or_skip()

REST = "/webservice/rest/server.php"
REST_ERRORS = contract.where(lambda ex: ex["endpoint"] == REST and isinstance(ex["response"], dict)
                             and "exception" in ex["response"])

# Recording (without the DEBUG_ prefix or number) → the class it must raise.
EXPECTED = {
    "ERR_bad_token": errors.InvalidToken,
    "ERR_missing_token": errors.InvalidToken,
    "ERR_unknown_function": errors.NotFound,  # a core_* function: not the plugin's business
    "ERR_missing_wsfunction": errors.InvalidParameter,
    "ERR_function_not_in_service": errors.AccessDenied,
    "ERR_missing_required_param": errors.InvalidParameter,
    "ERR_missing_required_nested_param": errors.InvalidParameter,
    "ERR_invalid_param_value_int": errors.InvalidParameter,
    "ERR_invalid_param_value_field": errors.InvalidParameter,
    "ERR_unexpected_param": errors.InvalidParameter,
    "ERR_access_denied_create_course_lowpriv": errors.AccessDenied,
    "ERR_access_denied_get_contents_lowpriv": errors.AccessDenied,
    "ERR_nonexistent_course_get_contents": errors.NotFound,
    "ERR_nonexistent_course_get_state": errors.NotFound,
    "ERR_nonexistent_course_create_module": errors.NotFound,
    "ERR_nonexistent_cm_get_course_module": errors.NotFound,
    "ERR_nonexistent_cm_edit_module": errors.NotFound,
    "ERR_nonexistent_category_create_course": errors.AccessDenied,
    "ERR_nonexistent_parent_create_category": errors.NotFound,
    "ERR_duplicate_category_idnumber": errors.IdnumberTaken,
    "core_course_create_courses_duplicate_shortname": errors.ShortnameTaken,
    "core_course_edit_module_badaction": errors.InvalidParameter,
    # Quick-create refusals carry a sentence as errorcode: no class of their own.
    "core_courseformat_create_module_resource": errors.MoodleError,
    "core_courseformat_create_module_page": errors.MoodleError,
    "core_courseformat_new_module_quiz": errors.MoodleError,
}


def key(name: str) -> str:
    parts = name.removesuffix(".json").split("_")
    return "_".join(parts[2:] if parts[0] == "DEBUG" else parts[1:])


def replay(name: str, *, function: str | None = None, **overrides):
    """Replay recording ``name`` through ``Requester.call`` and return what it raised."""
    exchange = contract.load(name)
    client = make_client()
    with responses.RequestsMock() as rsps:
        contract.register(rsps, name, site=SITE, **overrides)
        params = {k: v for k, v in exchange["params"].items()
                  if k not in ("wstoken", "wsfunction", "moodlewsrestformat")}
        with pytest.raises(errors.MoodleError) as info:
            client.requester.call(function or exchange["function"] or "", params, write=False)
    return exchange, info.value


def test_every_rest_error_recording_has_an_expectation():
    assert len(REST_ERRORS) > 40
    assert {key(n) for n in REST_ERRORS} <= set(EXPECTED)


@pytest.mark.parametrize("name", REST_ERRORS)
def test_recorded_error_maps_to_its_class(name):
    exchange, err = replay(name)
    assert type(err) is EXPECTED[key(name)]
    assert isinstance(err, BridgeError)
    body = exchange["response"]
    assert err.errorcode == body["errorcode"]  # raw, untranslated
    assert err.function == (exchange["function"] or "")
    assert err.remote_message == body["message"]
    assert (exchange["function"] or "") in str(err)
    if body.get("debuginfo"):
        assert err.debuginfo and err.debuginfo[:40] in str(err)
    else:
        assert err.debuginfo is None


def test_every_errorcode_in_the_contract_is_mapped():
    codes = set()
    for name in contract.files:
        body = contract.load(name)["response"]
        items = body if isinstance(body, list) else [body]
        for item in items:
            if isinstance(item, dict):
                codes.add(item.get("errorcode") or item.get("errortype"))
                codes.update(w["warningcode"] for w in item.get("warnings") or [])
    codes.discard(None)
    unmapped = {c for c in codes if c not in ERRORCODES}
    # The quick-create refusals use a sentence as code; warningcode "1" is a bare flag.
    assert all(" " in c or c == "1" for c in unmapped), unmapped


def test_invalid_token_is_a_site_error():
    _, err = replay("44")
    assert err.exit_code == ExitCode.SITE_ERROR
    assert err.hint


def test_access_denied_hint_names_the_function():
    _, err = replay("54")
    assert "core_course_create_courses" in err.hint


@pytest.mark.parametrize("name", ["46", "DEBUG_03", "48", "DEBUG_05"])
def test_get_info_missing_or_outside_service_is_plugin_missing(name):
    _, err = replay(name, function="local_certbridge_get_info")
    assert type(err) is errors.PluginMissing
    assert err.exit_code == ExitCode.SITE_ERROR
    if err.errorcode == "accessexception":  # installed, outside the token's service
        assert "the token's service lacks this function" in err.message and "'certbridge' service" in err.hint
    else:
        assert "local/certbridge" in err.hint


def test_unknown_plugin_function_with_debugging_is_plugin_missing():
    _, err = replay("DEBUG_03", function="local_certbridge_upsert_module")
    assert type(err) is errors.PluginMissing


def test_missing_record_in_a_plugin_function_is_not_found():
    # Debugging off: a missing course and a missing function look alike; the plugin was
    # verified by get_info before any other plugin call, so this is a missing record.
    _, err = replay("58", function="local_certbridge_upsert_module")
    assert type(err) is errors.NotFound
    _, err = replay("DEBUG_15", function="local_certbridge_get_modules")
    assert type(err) is errors.NotFound


def test_messages_are_bilingual_but_errorcode_stays_raw():
    try:
        set_lang("zh")
        _, err = replay("54")
        assert "无权执行" in err.message and err.errorcode == "nopermissions"
        set_lang("en")
        _, err = replay("54")
        assert "access denied" in err.message
    finally:
        set_lang(None)


# -- warnings ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, cls", [("56", errors.AccessDenied), ("DEBUG_13", errors.AccessDenied),
                                       ("61", errors.NotFound), ("DEBUG_18", errors.NotFound)])
def test_update_course_warning_raises_the_items_error(name, cls):
    client = make_client()
    with responses.RequestsMock() as rsps:
        exchange = contract.register(rsps, name, site=SITE)
        with pytest.raises(cls) as info:
            client.update_course(int(exchange["params"]["courses[0][id]"]), fullname="x")
    warning = exchange["response"]["warnings"][0]
    assert info.value.errorcode == warning["warningcode"]
    assert info.value.function == "core_course_update_courses"


@responses.activate
def test_delete_unknown_course_raises_not_found():
    contract.register(responses.mock, "62", site=SITE)
    with pytest.raises(errors.NotFound):
        make_client().delete_course(999999)


@responses.activate
def test_warnings_are_surfaced_per_item_with_the_partial_result(caplog):
    exchange = contract.register(responses.mock, "63", site=SITE)
    client = make_client()
    with pytest.raises(errors.WarningsError) as info:
        client.call("mod_resource_get_resources_by_courses", write=False, courseids=[999999])
    err = info.value
    assert [(w.item, w.itemid, w.warningcode) for w in err.warnings] == [("course", 999999, "1")]
    assert err.result == exchange["response"]
    assert "No access rights in course context" in str(err)
    assert "No access rights" in caplog.text


@responses.activate
def test_allow_warnings_returns_the_body():
    contract.register(responses.mock, "63", site=SITE)
    body = make_client().call("mod_resource_get_resources_by_courses", write=False, allow_warnings=True,
                              courseids=[999999])
    assert body["resources"] == [] and body["warnings"][0]["warningcode"] == "1"


# -- successes of every shape -------------------------------------------------------------

@responses.activate
def test_null_empty_list_and_json_string_successes():
    contract.register(responses.mock, "41", site=SITE)
    contract.register(responses.mock, "60", site=SITE)
    state = contract.register(responses.mock, "12", site=SITE)
    contract.register(responses.mock, "33", site=SITE)
    client = make_client()
    assert client.delete_modules([3]) is None
    assert client.call("core_course_get_courses", write=False, options={"ids": [999999]}) == []
    assert client.call("core_courseformat_get_state", write=False, courseid=2) == state["response"]
    assert client.edit_section("hide", 2) is None


# -- bodies that are not Moodle's -------------------------------------------------------------

@pytest.mark.parametrize("status, body, headers, fragment", [
    (200, "<html><body>Log in to the site</body></html>", {}, "Log in to the site"),
    (404, "<h1>Not Found</h1>", {}, "HTTP 404"),
    (200, "<br />\n<b>Notice</b>: Undefined index {\"id\": 1}", {}, "Notice"),
    (303, "", {"Location": "https://moodle.test/login/index.php"}, "login/index.php"),
    (200, "", {}, "(empty)"),
])
def test_non_moodle_bodies_are_unexpected(status, body, headers, fragment):
    client = make_client()
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, SITE + REST, body=body, status=status, headers=headers)
        with pytest.raises(errors.UnexpectedResponse) as info:
            client.site_info()
    assert fragment in str(info.value)
    assert info.value.exit_code == ExitCode.SITE_ERROR


@responses.activate
def test_http_413_is_file_too_large():
    responses.add(responses.POST, SITE + REST, body="<h1>413 Request Entity Too Large</h1>", status=413)
    with pytest.raises(errors.FileTooLarge):
        make_client().call("core_course_get_contents", write=True, courseid=2)


def test_errors_pickle_round_trip():
    import pickle

    _, err = replay("DEBUG_06")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is errors.InvalidParameter
    assert (back.errorcode, back.debuginfo, str(back)) == (err.errorcode, err.debuginfo, str(err))


@pytest.mark.parametrize("exc, phrase", [
    (requests.exceptions.ConnectionError("HTTPConnectionPool(host='x', port=1): Max retries exceeded with url: "
                                         "/webservice/rest/server.php (Caused by NewConnectionError(': Failed to "
                                         "establish a new connection: [Errno 111] Connection refused'))"),
     "connection refused"),
    (requests.exceptions.SSLError("HTTPSConnectionPool(host='x', port=443): Max retries exceeded (Caused by "
                                  "SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] "
                                  "certificate verify failed: self-signed certificate')))"),
     "certificate is not trusted"),
])
def test_connection_failures_are_described_briefly(exc, phrase):
    client = make_client(retries=0)
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, SITE + "/webservice/rest/server.php", body=exc)
        with pytest.raises(errors.TransportError) as info:
            client.site_info()
    assert phrase in info.value.message and "Max retries" not in info.value.message
