"""The sandbox as a server: lifecycle, persistence, auth, uploads, downloads, admin endpoint."""
from __future__ import annotations

import hashlib
import re
import threading

import pytest
import requests

from bridge.sandbox import Sandbox
from tests.sandbox_client import WS, sb, ws  # noqa: F401  (fixtures)


def test_stop_joins_every_thread_even_with_open_keepalive_connections():
    before = set(threading.enumerate())
    sandbox = Sandbox().start()
    sessions = [requests.Session() for _ in range(3)]
    for s in sessions:  # each keeps a connection (and a server thread) open
        s.post(sandbox.url + "/webservice/rest/server.php",
               data={"wstoken": sandbox.token, "wsfunction": "core_webservice_get_site_info"})
    data_dir = sandbox.data_dir
    sandbox.stop()
    assert set(threading.enumerate()) <= before
    assert not data_dir.exists()  # a temp data dir goes away with the sandbox
    for s in sessions:
        s.close()


def test_state_and_tokens_survive_a_restart(tmp_path):
    with Sandbox(tmp_path) as first:
        token, lowpriv = first.token, first.lowpriv_token
        courseid = WS(first.url, token).new_course("KEEP")
    assert re.fullmatch(r"[0-9a-f]{32}", token) and token != lowpriv
    with Sandbox(tmp_path) as second:
        assert (second.token, second.lowpriv_token) == (token, lowpriv)
        found = WS(second.url, token)("core_course_get_courses_by_field", field="shortname", value="KEEP")
        assert [c["id"] for c in found["courses"]] == [courseid]


def test_site_info_identifies_admin_and_lowpriv_user(sb, ws):
    info = ws("core_webservice_get_site_info")
    assert (info["userid"], info["username"], info["siteurl"], info["userissiteadmin"]) == (2, "admin", sb.url, True)
    names = {f["name"] for f in info["functions"]}
    assert {"local_certbridge_get_modules", "core_course_get_contents", "core_files_get_unused_draft_itemid"} <= names
    low = WS(sb.url, sb.lowpriv_token)("core_webservice_get_site_info")
    assert (low["userid"], low["userissiteadmin"]) == (3, False)


def test_lowpriv_user_gets_moodles_access_errors(sb, ws):
    courseid = ws.new_course("ACL")
    low = WS(sb.url, sb.lowpriv_token)
    assert low("core_course_get_contents", courseid=courseid)["errorcode"] == "errorcoursecontextnotvalid"
    assert low("core_course_create_courses", **{"courses[0][fullname]": "x", "courses[0][shortname]": "x",
                                                "courses[0][categoryid]": 1})["errorcode"] == "nopermissions"
    assert low("local_certbridge_get_modules", courseid=courseid, prefix="p:")["errorcode"] == "requireloginerror"
    warning = low("core_course_update_courses", **{"courses[0][id]": courseid, "courses[0][fullname]": "h"})
    assert warning["warnings"][0]["warningcode"] == "requireloginerror"


def test_unknown_function_versus_function_outside_the_service(ws):
    assert ws("core_does_not_exist")["errorcode"] == "invalidrecordunknown"
    assert ws("core_user_get_users_by_field", field="id", **{"values[0]": 2})["errorcode"] == "accessexception"


def test_debug_mode_adds_debuginfo(sb, ws):
    assert "debuginfo" not in ws("core_course_get_contents")
    sb.admin.set_debug(True)
    error = ws("core_course_get_contents", courseid=999999)
    assert (error["errorcode"], error["message"]) == ("invalidrecord", "Can't find data record in database table course.")
    assert "debuginfo" in error


def test_upload_allocates_one_draft_item_for_all_files_and_reports_duplicates(sb, ws):
    first = ws.upload(("a.pdf", b"AAAA"), ("b.pdf", b"BB"))
    assert [f["filename"] for f in first] == ["a.pdf", "b.pdf"]
    assert first[0]["itemid"] == first[1]["itemid"] and first[0]["userid"] == "2"
    again = ws.upload(("a.pdf", b"other"), itemid=first[0]["itemid"])
    assert (again[0]["errortype"], again[0]["error"]) == ("filenameexist", "File name already exists: a.pdf")
    low = WS(sb.url, sb.lowpriv_token).upload(("c.pdf", b"C"))
    assert low[0]["userid"] == "3" and low[0]["contextid"] != first[0]["contextid"]


def test_upload_auth_failures_are_objects(sb, ws):
    bad = ws.upload(("a.pdf", b"x"), token="0" * 32)
    assert bad["errorcode"] == "invalidtoken" and set(bad) == {"error", "errorcode", "stacktrace", "debuginfo",
                                                               "reproductionlink"}
    missing = requests.post(sb.url + "/webservice/upload.php", files={"file_1": ("a.pdf", b"x")}).json()
    assert missing["errorcode"] == "missingparam"


def test_upload_over_maxbytes_is_refused_per_file(sb, ws):
    sb.admin.set_maxbytes(10)
    result = ws.upload(("small.txt", b"123"), ("big.bin", b"x" * 11))
    assert result[0]["filename"] == "small.txt" and "errortype" not in result[0]
    assert result[1]["errortype"] == "fileoversized"
    assert ws("local_certbridge_get_info")["maxbytes"] == 10


def test_large_upload_streams_to_disk_and_downloads_intact(sb, ws):
    data = bytes(range(256)) * 8192 + b"tail"  # 2 MiB, with bytes that look like CR/LF and dashes
    uploaded = ws.upload(("big.pdf", data))[0]
    assert uploaded["filesize"] == len(data)
    courseid = ws.new_course("DL")
    made = ws("local_certbridge_upsert_module", courseid=courseid, idnumber="p:big", modname="resource", section=1,
              name="Big", draftitemid=uploaded["itemid"], filename="big.pdf")
    assert made["fingerprint"] == hashlib.sha1(data).hexdigest()
    fileurl = ws("core_course_get_contents", courseid=courseid)[1]["modules"][0]["contents"][0]["fileurl"]
    download = requests.post(fileurl.split("?")[0], data={"token": sb.token})
    assert download.status_code == 200 and download.content == data
    assert requests.post(fileurl.split("?")[0], data={"token": sb.lowpriv_token}).status_code == 404


def test_admin_endpoint_needs_the_secret_header(sb, ws):
    courseid = ws.new_course("ADM")
    ws("local_certbridge_upsert_module", courseid=courseid, idnumber="p:x", modname="url", section=1, name="x",
       externalurl="https://example.org/")
    url = sb.url + "/_sandbox/admin"
    assert requests.post(url, json={"action": "hide_module", "idnumber": "p:x"}).status_code == 403
    assert requests.post(url, json={"action": "hide_module", "idnumber": "p:x"},
                         headers={"X-Sandbox-Admin": "wrong"}).status_code == 403
    ok = requests.post(url, json={"action": "hide_module", "idnumber": "p:x"}, headers={"X-Sandbox-Admin": sb.token})
    assert ok.json() == {"ok": True, "result": None}
    assert ws("local_certbridge_get_modules", courseid=courseid, prefix="p:")["modules"][0]["visible"] == 0
    calls = requests.post(url, json={"action": "calls"}, headers={"X-Sandbox-Admin": sb.token}).json()["result"]
    assert calls[-1]["wsfunction"] == "local_certbridge_get_modules"
    unknown = requests.post(url, json={"action": "explode"}, headers={"X-Sandbox-Admin": sb.token})
    assert unknown.status_code == 400


def test_calls_are_recorded_as_reads_and_writes(sb, ws):
    sb.admin.reset_calls()
    courseid = ws.new_course("CNT")
    ws("local_certbridge_get_modules", courseid=courseid, prefix="p:")
    ws.upload(("a.txt", b"a"))
    assert [(c.wsfunction, c.write, c.status) for c in sb.admin.calls()] == [
        ("core_course_create_courses", True, 200), ("local_certbridge_get_modules", False, 200),
        ("webservice/upload.php", True, 200)]


def test_the_token_never_appears_in_repr(sb):
    assert sb.token not in repr(sb)
