"""Replay every recorded Moodle 5.1 exchange (tests/data/moodle-contract) against the sandbox
and check the answer has the same shape: keys, value types, error codes and messages
(ids, timestamps and list lengths may differ). Functions the sandbox does not implement
must answer exactly like Moodle's unknown-function error.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests

from bridge.sandbox import Sandbox
from fixtures.contract import contract_dir
from bridge.sandbox.functions import FUNCTIONS, OUTSIDE_SERVICE

CONTRACT = contract_dir()
FILES = sorted(CONTRACT.glob("*.json")) if CONTRACT.is_dir() else []
pytestmark = pytest.mark.skipif(not FILES, reason=f"no recorded exchanges in {CONTRACT}")


def _group(path: Path) -> int:
    name = path.name
    return 2 if name.startswith("POPULATED") else 3 if name.startswith("DEBUG") else 0 if int(name[:2]) <= 43 else 1


# Normal calls first (they build course 2 as the recording did), then errors, the populated
# course, and the same errors with developer debugging on.
ORDER = sorted(FILES, key=lambda p: (_group(p) if _group(p) != 2 else 1.5, p.name))
UNKNOWN = json.loads((CONTRACT / "46_ERR_unknown_function.json").read_text())["response"] if FILES else None
UNKNOWN_DEBUG = json.loads((CONTRACT / "DEBUG_03_ERR_unknown_function.json").read_text())["response"] if FILES else None

COURSE_KEYS = {"courseid", "courses[0][id]", "courseids[0]", "options[ids][0]"}
CATEGORY_KEYS = {"courses[0][categoryid]", "categories[0][parent]"}
CM_KEYS = {"cmid", "cmids[0]", "ids[0]"}


class Replay:
    """The sandbox plus the recorded-id → sandbox-id maps the replay builds as it goes."""

    def __init__(self, sandbox: Sandbox):
        self.sb = sandbox
        self.course: dict[str, str] = {}
        self.category: dict[str, str] = {}
        self.cm: dict[str, str] = {}
        self.section: dict[str, str] = {}
        self.session = requests.Session()

    def rest(self, fn: str, **params: Any) -> Any:
        data = {"wstoken": self.sb.token, "wsfunction": fn, "moodlewsrestformat": "json", **params}
        return self.session.post(self.sb.url + "/webservice/rest/server.php", data=data, timeout=10).json()

    def rewrite(self, params: dict[str, str]) -> dict[str, str]:
        tokens = {"TOKEN": self.sb.token, "LOWPRIV_TOKEN": self.sb.lowpriv_token, "BAD_TOKEN": "0" * 32}
        fn = params.get("wsfunction", "")
        out = {}
        for key, value in params.items():
            if key in ("wstoken", "token"):
                value = tokens[value]
            elif key in COURSE_KEYS or (key == "value" and params.get("field") == "id"):
                value = self.course.get(value, value)
            elif key in CATEGORY_KEYS or (key == "criteria[0][value]" and params.get("criteria[0][key]") == "id"):
                value = self.category.get(value, value)
            elif key in CM_KEYS or (key == "id" and fn == "core_course_edit_module"):
                value = self.cm.get(value, value)
            elif key == "id" and fn == "core_course_edit_section":
                value = self.section.get(value, value)
            out[key] = value
        return out

    def send(self, record: dict[str, Any]) -> tuple[Any, str]:
        params = self.rewrite(record["params"])
        url = self.sb.url + record["endpoint"]
        if record["endpoint"].endswith("upload.php"):
            files = [(f["field"], (f["filename"], b"%PDF" + b"x" * (f["size"] - 4), f["mimetype"]))
                     for f in record.get("files", [])]
            reply = self.session.post(url, data=params, files=files or None, timeout=10)
        else:
            reply = self.session.post(url, data=params, timeout=10)
        assert reply.status_code == 200
        return reply.json(), reply.headers["Content-Type"]

    def populate(self) -> None:
        """What the recording's populated course held: a resource, a page, a URL and a quiz."""
        c = self.course["2"]
        up = self.session.post(self.sb.url + "/webservice/upload.php",
                               data={"token": self.sb.token, "filearea": "draft", "itemid": "0"},
                               files={"file_1": ("probe-certificate.pdf", b"%PDF-1.4 probe certificate")}).json()
        made = {
            "9": self.rest("local_certbridge_upsert_module", courseid=c, idnumber="probe:r", modname="resource",
                           section=1, name="Probe resource (PDF)", draftitemid=up[0]["itemid"],
                           filename="probe-certificate.pdf", intro="<p>Probe resource (PDF) intro</p>"),
            "10": self.rest("local_certbridge_upsert_module", courseid=c, idnumber="probe:p", modname="page",
                            section=1, name="Probe page", content="<h3>Hello</h3>", intro="<p>intro</p>"),
            "11": self.rest("local_certbridge_upsert_module", courseid=c, idnumber="probe:u", modname="url",
                            section=1, name="Probe URL", externalurl="https://example.org/certbridge"),
            "12": self.rest("local_certbridge_upsert_module", courseid=c, idnumber="probe:q", modname="quiz",
                            section=2, name="Probe quiz"),
        }
        self.cm.update({k: str(v["cmid"]) for k, v in made.items()})


# --- shape comparison ----------------------------------------------------------------------

def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def conforms(actual: Any, recorded: Any, path: str = "$") -> list[str]:
    """Problems with ``actual`` having ``recorded``'s shape (empty list = same shape)."""
    if recorded is None or actual is None:
        both_scalar = not isinstance(actual, (dict, list)) and not isinstance(recorded, (dict, list))
        return [] if both_scalar else [f"{path}: {_kind(actual)} where Moodle has {_kind(recorded)}"]
    if _kind(actual) != _kind(recorded):
        return [f"{path}: {_kind(actual)} where Moodle has {_kind(recorded)}"]
    if isinstance(recorded, dict):
        problems = []
        if set(actual) != set(recorded):
            problems.append(f"{path}: keys differ: extra {sorted(set(actual) - set(recorded))}, "
                            f"missing {sorted(set(recorded) - set(actual))}")
        for key in set(actual) & set(recorded):
            problems += conforms(actual[key], recorded[key], f"{path}.{key}")
        return problems
    if isinstance(recorded, list):
        if not actual or not recorded:
            return []
        return [p for i, item in enumerate(actual) for p in _conforms_to_some(item, recorded, f"{path}[{i}]")]
    return []


def _conforms_to_some(item: Any, recorded_items: list[Any], path: str) -> list[str]:
    """A list element must look like one of Moodle's elements (lists mix module types)."""
    if isinstance(item, dict) and all(isinstance(r, dict) for r in recorded_items):
        union = set().union(*recorded_items)
        common = set(recorded_items[0]).intersection(*recorded_items)
        problems = []
        if not common <= set(item) <= union:
            problems.append(f"{path}: keys {sorted(set(item) - union)} unknown to Moodle or "
                            f"{sorted(common - set(item))} missing")
        for key in set(item) & union:
            options = [r[key] for r in recorded_items if key in r]
            found = [conforms(item[key], o, f"{path}.{key}") for o in options]
            if all(found):
                problems += min(found, key=len)
        return problems
    results = [conforms(item, r, path) for r in recorded_items]
    return [] if any(not r for r in results) else min(results, key=len)


def _digits(text: str) -> str:
    return re.sub(r"\d+", "N", text)


def check_error(actual: Any, recorded: dict[str, Any]) -> None:
    assert isinstance(actual, dict), actual
    for key in ("exception", "errorcode"):
        assert actual.get(key) == recorded[key], (key, actual)
    assert _digits(actual["message"]) == _digits(recorded["message"])
    assert set(actual) == set(recorded), (set(actual), set(recorded))


# --- the replay ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def replay():
    with Sandbox(seed=1) as sandbox:
        yield Replay(sandbox)


def implemented(record: dict[str, Any]) -> bool:
    return record["endpoint"].endswith("upload.php") or record["function"] in set(FUNCTIONS) | OUTSIDE_SERVICE or \
        record["params"].get("wstoken") != "TOKEN" or "wsfunction" not in record["params"]


@pytest.mark.parametrize("path", ORDER, ids=[p.stem for p in ORDER])
def test_recorded_exchange(replay: Replay, path: Path):
    record = json.loads(path.read_text("utf-8"))
    name = path.name
    debug = name.startswith("DEBUG")
    replay.sb.admin.set_debug(debug)
    if name.startswith("POPULATED_01"):
        replay.populate()
    if name.startswith("41_"):  # the recording deleted a module it had quick-created
        replay.cm["3"] = str(replay.rest("local_certbridge_upsert_module", courseid=replay.course["2"],
                                         idnumber="probe:gone", modname="url", section=2, name="gone",
                                         externalurl="https://example.org/")["cmid"])
    if name.startswith("DEBUG_27"):  # its duplicate idnumber came from a second capture run
        replay.rest("core_course_create_categories", **{"categories[0][name]": "dup",
                                                        "categories[0][idnumber]": "cb-cat-20261128233022"})
    actual, content_type = replay.send(record)
    recorded = record["response"]

    if not implemented(record):
        assert actual == (UNKNOWN_DEBUG | {"debuginfo": actual.get("debuginfo")} if debug else UNKNOWN)
        if debug:
            assert record["function"] in actual["debuginfo"]
        return
    assert content_type.split(";")[0] == record["content_type"].split(";")[0]
    if isinstance(recorded, dict) and "exception" in recorded:
        check_error(actual, recorded)
    elif isinstance(recorded, dict) and "errorcode" in recorded and "error" in recorded:  # upload.php auth failure
        assert actual["errorcode"] == recorded["errorcode"] and set(actual) == set(recorded)
    else:
        problems = conforms(actual, recorded)
        if isinstance(recorded, str) and recorded[:1] in "[{":  # JSON-encoded string answers
            problems += conforms(json.loads(actual), json.loads(recorded))
        assert not problems, "\n".join(problems[:20])
        if isinstance(recorded, dict) and recorded.get("warnings"):
            codes = [(w["item"], w["warningcode"], _digits(w["message"])) for w in recorded["warnings"]]
            assert [(w["item"], w["warningcode"], _digits(w["message"])) for w in actual["warnings"]] == codes

    # Remember the ids this exchange created, so later exchanges address the same things.
    if name.startswith("03_"):
        replay.category["2"] = replay.category["3"] = str(actual[0]["id"])
    elif name.startswith("05_"):
        courseid = str(actual[0]["id"])
        replay.course["2"] = replay.course["4"] = courseid
        contents = replay.rest("core_course_get_contents", courseid=courseid)
        replay.cm["1"] = str(contents[0]["modules"][0]["id"])
        replay.section.update({"2": str(contents[1]["id"]), "3": str(contents[2]["id"])})
    elif name.startswith("42_"):
        replay.course["3"] = str(actual[0]["id"])


def test_ids_follow_moodle_on_a_fresh_site():
    """Ids come from sequences like Moodle's: the recording's first category, course, section and cm."""
    with Sandbox() as sb:
        def rest(fn, **params):
            data = {"wstoken": sb.token, "wsfunction": fn, "moodlewsrestformat": "json", **params}
            return requests.post(sb.url + "/webservice/rest/server.php", data=data, timeout=10).json()
        cat = rest("core_course_create_categories", **{"categories[0][name]": "c"})[0]["id"]
        course = rest("core_course_create_courses", **{
            "courses[0][fullname]": "f", "courses[0][shortname]": "s", "courses[0][categoryid]": cat,
            "courses[0][courseformatoptions][0][name]": "numsections",
            "courses[0][courseformatoptions][0][value]": "3"})[0]["id"]
        contents = rest("core_course_get_contents", courseid=course)
    assert (cat, course) == (2, 2)
    assert [(s["id"], s["section"]) for s in contents] == [(1, 0), (2, 1), (3, 2), (4, 3)]
    assert contents[0]["modules"][0]["id"] == 1 and contents[0]["modules"][0]["contextid"] == 14
