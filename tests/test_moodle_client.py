"""Typed wrappers: core functions replayed from recordings, plugin functions per docs/plugin-api.md."""
import json

import pytest
import responses
from fixtures.contract import SITE, TOKEN, Contract, form_fields, make_client

from bridge.errors import ExitCode
from bridge.i18n import set_lang
from bridge.moodle import MIN_PLUGIN_VERSION, errors
from bridge.moodle.types import ImportResult, RemoteModule, RemoteSection, UpsertResult

contract = Contract.or_skip()
REST = SITE + "/webservice/rest/server.php"

INFO = {"component": "local_certbridge", "plugin_version": 2026112800, "plugin_release": "1.0.0",
        "api_version": 1, "moodle_version": 2025100600, "moodle_release": "5.1+ (Build: 20251017)",
        "modtypes": ["label", "page", "quiz", "resource", "url"],
        "qtypes": ["description", "essay", "match", "multichoice", "numerical", "shortanswer", "truefalse"],
        "maxbytes": 0}
MODULE = {"idnumber": "certbridge:p:r1", "cmid": 41, "instance": 12, "modname": "page", "name": "HTML 基础",
          "section": 1, "sectionvisible": 1, "position": 0, "visible": 1, "visibleoncoursepage": 0,
          "stealth": 1, "deletioninprogress": 0, "timemodified": 1764370000, "fingerprint": "ab" * 20}


def reply(rsps, function, body):
    """Answer a call to ``function`` (matched on the form field) with ``body`` as JSON."""
    rsps.add(responses.POST, REST, json=body,
             match=[responses.matchers.urlencoded_params_matcher({"wsfunction": function}, allow_blank=True,
                                                                  strict_match=False)])


def sent(rsps, index=-1):
    return form_fields(rsps.calls[index].request)


# -- core --------------------------------------------------------------------------------

@responses.activate
def test_core_reads_from_recordings():
    for name in ("01", "02", "08", "59", "11", "25", "13"):
        contract.register(responses.mock, name, site=SITE, token=TOKEN, match_params=True)
    client = make_client()
    assert client.site_info()["username"] == "admin"
    assert client.get_categories()[0]["name"] == "Category 1"
    assert client.get_course_by_shortname("CB-20261128233018")["id"] == 2
    assert client.get_course(999999) is None
    assert [s["section"] for s in client.get_course_contents(2)] == [0, 1, 2, 3]
    assert client.get_course_module(1)["modname"] == "forum"
    assert client.get_unused_draft_itemid() == 598766757
    assert client.stats.reads == 7 and client.stats.writes == 0


@responses.activate
def test_core_writes_from_recordings():
    for name in ("10", "28", "29", "34", "41", "43"):
        contract.register(responses.mock, name, site=SITE, token=TOKEN, match_params=True)
    client = make_client()
    client.update_course(2, fullname="CertBridge Course (renamed) 20261128233018")
    client.edit_module("hide", 1)
    client.edit_module("show", 1)
    client.edit_section("show", 2)
    client.delete_modules([3])
    client.delete_course(3)
    assert client.stats.writes == 6
    client.delete_modules([])  # nothing to do, no call
    assert client.stats.writes == 6


@responses.activate
def test_duplicate_shortname_is_typed():
    contract.register(responses.mock, "06", site=SITE)
    with pytest.raises(errors.ShortnameTaken) as info:
        make_client().create_course("CB-20261128233018", "Duplicate 20261128233018", 2)
    assert isinstance(info.value, errors.AlreadyExists)


# -- plugin info and compatibility -------------------------------------------------------------

@responses.activate
def test_plugin_info_is_checked_once_and_cached():
    reply(responses.mock, "local_certbridge_get_info", INFO)
    reply(responses.mock, "local_certbridge_get_modules", {"courseid": 7, "modules": []})
    client = make_client()
    info = client.plugin_info()
    assert info.api_version == 1 and "quiz" in info.modtypes
    client.get_modules(7, "certbridge:p:")
    client.get_modules(7, "certbridge:p:")
    assert client.stats.by_function["local_certbridge_get_info"] == 1


@pytest.mark.parametrize("change, fragment", [
    ({"api_version": 99}, "API 99"),
    ({"api_version": 0}, "API 0"),
    ({"plugin_version": MIN_PLUGIN_VERSION - 1}, str(MIN_PLUGIN_VERSION)),
])
def test_incompatible_plugin_is_refused_with_advice(change, fragment):
    client = make_client()
    with responses.RequestsMock() as rsps:
        reply(rsps, "local_certbridge_get_info", {**INFO, **change})
        with pytest.raises(errors.PluginIncompatible) as info:
            client.ensure_sections(7, [(1, "x")])
        assert len(rsps.calls) == 1  # no write was attempted
    err = info.value
    assert fragment in err.message and err.hint and err.exit_code == ExitCode.SITE_ERROR


def test_incompatible_plugin_message_in_chinese():
    client = make_client()
    try:
        set_lang("zh")
        with responses.RequestsMock() as rsps:
            reply(rsps, "local_certbridge_get_info", {**INFO, "plugin_version": 2020010100})
            with pytest.raises(errors.PluginIncompatible) as info:
                client.plugin_info()
    finally:
        set_lang(None)
    assert "需要" in info.value.message and "升级插件" in info.value.hint


def test_first_read_checks_the_versions_it_carries_without_get_info():
    client = make_client()
    with responses.RequestsMock() as rsps:
        reply(rsps, "local_certbridge_get_modules", {"courseid": 7, "api_version": 1,
                                                     "plugin_version": 2026112800, "modules": [MODULE]})
        (module,) = client.get_modules(7, "certbridge:p:")
        assert [sent(rsps, i)["wsfunction"] for i in range(len(rsps.calls))] == ["local_certbridge_get_modules"]
    assert module.idnumber == "certbridge:p:r1"


def test_first_read_refuses_an_incompatible_plugin_from_its_reply():
    client = make_client()
    with responses.RequestsMock() as rsps:
        reply(rsps, "local_certbridge_get_modules", {"courseid": 7, "api_version": 99,
                                                     "plugin_version": 2026112800, "modules": []})
        with pytest.raises(errors.PluginIncompatible):
            client.get_modules(7, "certbridge:p:")
        assert len(rsps.calls) == 1


def test_first_read_from_an_older_plugin_asks_get_info():
    client = make_client()
    with responses.RequestsMock() as rsps:
        reply(rsps, "local_certbridge_get_modules", {"courseid": 7, "modules": []})
        reply(rsps, "local_certbridge_get_info", {**INFO, "plugin_version": MIN_PLUGIN_VERSION - 1})
        with pytest.raises(errors.PluginIncompatible):
            client.get_modules(7, "certbridge:p:")


@pytest.mark.parametrize("name", ["46", "48"])
def test_first_read_on_a_site_without_the_plugin_says_so(name):
    client = make_client()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        contract.register(rsps, name, site=SITE)
        with pytest.raises(errors.PluginMissing):
            client.get_modules(7, "certbridge:p:")
        assert sent(rsps)["wsfunction"] == "local_certbridge_get_info"


@pytest.mark.parametrize("name", ["46", "DEBUG_03", "48"])
def test_missing_plugin_stops_plugin_calls(name):
    client = make_client()
    with responses.RequestsMock() as rsps:
        contract.register(rsps, name, site=SITE)
        with pytest.raises(errors.PluginMissing) as info:
            client.upsert_module(7, idnumber="certbridge:p:x", modname="page", section=1, name="x")
        assert sent(rsps)["wsfunction"] == "local_certbridge_get_info"
    if name == "48":  # installed, but outside the token's service: say so, not "install it"
        assert "the token's service lacks this function" in str(info.value)
    else:
        assert "local/certbridge" in str(info.value)


# -- plugin functions --------------------------------------------------------------------------

@pytest.fixture
def plugin():
    """A client whose plugin check has passed, inside an active ``responses`` mock."""
    with responses.RequestsMock() as rsps:
        reply(rsps, "local_certbridge_get_info", INFO)
        client = make_client()
        client.require_plugin()
        yield client, rsps


def test_ensure_sections(plugin):
    client, rsps = plugin
    reply(rsps, "local_certbridge_ensure_sections", {
        "sections": [{"number": 0, "id": 10, "name": "", "visible": 1},
                     {"number": 1, "id": 11, "name": "基础", "visible": 0}], "created": 1, "renamed": 0})
    sections = client.ensure_sections(7, [(1, "基础")])
    assert sections == [RemoteSection(0, 10, "", True), RemoteSection(1, 11, "基础", False)]
    assert sent(rsps) | {"wstoken": "-"} == {
        "wstoken": "-", "wsfunction": "local_certbridge_ensure_sections", "moodlewsrestformat": "json",
        "courseid": "7", "sections[0][number]": "1", "sections[0][name]": "基础"}


def test_upsert_module_sends_every_contract_parameter(plugin):
    client, rsps = plugin
    reply(rsps, "local_certbridge_upsert_module",
          {"cmid": 41, "instance": 12, "created": True, "fingerprint": "f" * 40, "warnings": []})
    result = client.upsert_module(7, idnumber="certbridge:p:r1", modname="resource", section=2, name="PDF",
                                  visible=False, draftitemid=598766757, filename="certificate.pdf")
    assert result == UpsertResult(cmid=41, instance=12, created=True, fingerprint="f" * 40)
    fields = sent(rsps)
    assert {k: fields[k] for k in fields if k not in ("wstoken", "wsfunction", "moodlewsrestformat")} == {
        "courseid": "7", "idnumber": "certbridge:p:r1", "modname": "resource", "section": "2", "name": "PDF",
        "intro": "", "visible": "0", "position": "-1", "content": "", "externalurl": "",
        "draftitemid": "598766757", "filename": "certificate.pdf"}
    assert client.stats.by_function["local_certbridge_upsert_module"] == 1


def test_upsert_module_keeps_plugin_warnings(plugin, caplog):
    client, rsps = plugin
    warning = {"item": "module", "itemid": 41, "warningcode": "positionclamped", "message": "moved to end"}
    reply(rsps, "local_certbridge_upsert_module",
          {"cmid": 41, "instance": 12, "created": False, "fingerprint": "", "warnings": [warning]})
    result = client.upsert_module(7, idnumber="certbridge:p:r1", modname="page", section=1, name="P",
                                  position=99)
    assert result.warnings[0].warningcode == "positionclamped"
    assert "positionclamped" in caplog.text


def test_upsert_module_rejects_unknown_modname_locally(plugin):
    client, rsps = plugin
    with pytest.raises(ValueError):
        client.upsert_module(7, idnumber="certbridge:p:x", modname="forum", section=1, name="x")
    assert len(rsps.calls) == 1  # only get_info


def test_upsert_module_errors_from_the_plugin(plugin):
    client, rsps = plugin
    reply(rsps, "local_certbridge_upsert_module", {
        "exception": "moodle_exception", "errorcode": "certbridge_notindraft",
        "message": "The file certificate.pdf is not in draft area 5"})
    with pytest.raises(errors.NotFound) as info:
        client.upsert_module(7, idnumber="certbridge:p:r1", modname="resource", section=1, name="x",
                             draftitemid=5, filename="certificate.pdf")
    assert info.value.errorcode == "certbridge_notindraft"


@pytest.mark.parametrize("errorcode", ["certbridge_wrongmodname", "certbridge_quizhasattempts"])
def test_plugin_conflicts_are_typed(plugin, errorcode):
    client, rsps = plugin
    reply(rsps, "local_certbridge_upsert_module", {"exception": "moodle_exception", "errorcode": errorcode,
                                                   "message": "The module certbridge:p:x exists as a page"})
    with pytest.raises(errors.Conflict) as info:
        client.upsert_module(7, idnumber="certbridge:p:x", modname="url", section=1, name="x")
    assert info.value.errorcode == errorcode and "conflicts" in info.value.message


def test_import_questions(plugin):
    client, rsps = plugin
    reply(rsps, "local_certbridge_import_questions",
          {"cmid": 43, "questioncount": 3, "sumgrades": 3.0, "fingerprint": "e" * 40, "warnings": []})
    assert client.import_questions(43, draftitemid=9, filename="quiz.xml") == ImportResult(43, 3, 3.0, "e" * 40)
    reply(rsps, "local_certbridge_import_questions", {
        "exception": "moodle_exception", "errorcode": "certbridge_importfailed", "message": "Unknown qtype"})
    with pytest.raises(errors.ImportFailed):
        client.import_questions(43, draftitemid=9, filename="bad.xml")


def test_get_modules_parses_every_field(plugin):
    client, rsps = plugin
    reply(rsps, "local_certbridge_get_modules", {"courseid": 7, "modules": [MODULE]})
    (module,) = client.get_modules(7, "certbridge:p:")
    assert module == RemoteModule(
        idnumber="certbridge:p:r1", cmid=41, instance=12, modname="page", name="HTML 基础", section=1,
        sectionvisible=True, position=0, visible=True, visibleoncoursepage=False, stealth=True,
        deletioninprogress=False, timemodified=1764370000, fingerprint="ab" * 20)
    assert set(MODULE) == set(RemoteModule.__dataclass_fields__)
    with pytest.raises(ValueError):
        client.get_modules(7, "")


def test_delete_module(plugin):
    client, rsps = plugin
    reply(rsps, "local_certbridge_delete_module", {"deleted": True, "cmid": 41})
    reply(rsps, "local_certbridge_delete_module", {"deleted": False, "cmid": 0})
    assert client.delete_module(7, "certbridge:p:r1", "certbridge:p:") is True
    assert client.delete_module(7, "certbridge:p:r1", "certbridge:p:") is False
    with pytest.raises(ValueError):
        client.delete_module(7, "other:x", "certbridge:p:")


def test_plugin_access_denied(plugin):
    client, rsps = plugin
    reply(rsps, "local_certbridge_get_modules", json.loads(contract.load("54")["response_raw"]))
    with pytest.raises(errors.AccessDenied):
        client.get_modules(7, "certbridge:p:")
