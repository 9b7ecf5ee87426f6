"""The plugin's functions in the sandbox: idempotent upserts, fingerprints, positions,
visibility rules, drift made by hand, quiz imports."""
from __future__ import annotations

import hashlib

import pytest

from tests.sandbox_client import WS, sb, ws  # noqa: F401  (fixtures)

P = "certbridge:t:"
QUIZ = (b'<?xml version="1.0"?><quiz><question type="category"><category><text>x</text></category></question>'
        b'<question type="multichoice"><name><text>Q1</text></name><questiontext><text>?</text></questiontext>'
        b'<defaultgrade>2</defaultgrade><answer fraction="100"><text>a</text></answer></question>'
        b'<question type="truefalse"><name><text>Q2</text></name><questiontext><text>?</text></questiontext>'
        b'<answer fraction="100"><text>true</text></answer></question>'
        b'<question type="description"><name><text>D</text></name><questiontext><text>i</text></questiontext>'
        b'</question></quiz>')


def sha1(data: str | bytes) -> str:
    return hashlib.sha1(data.encode() if isinstance(data, str) else data).hexdigest()


@pytest.fixture
def course(ws):
    return ws.new_course("PLUG")


def modules(ws, course) -> dict[str, dict]:
    return {m["idnumber"]: m for m in ws("local_certbridge_get_modules", courseid=course, prefix=P)["modules"]}


def upsert(ws, course, key, modname="page", section=1, **extra):
    return ws("local_certbridge_upsert_module", courseid=course, idnumber=P + key, modname=modname,
              section=section, name=extra.pop("name", key), **extra)


def test_upsert_creates_then_updates_the_same_module(ws, course):
    made = upsert(ws, course, "a", content="<p>1</p>")
    again = upsert(ws, course, "a", content="<p>2</p>", name="A2")
    assert made["created"] and not again["created"] and again["cmid"] == made["cmid"]
    assert (made["fingerprint"], again["fingerprint"]) == (sha1("<p>1</p>"), sha1("<p>2</p>"))
    listed = modules(ws, course)[P + "a"]
    assert (listed["name"], listed["fingerprint"], listed["cmid"]) == ("A2", sha1("<p>2</p>"), made["cmid"])
    cm = ws("core_course_get_course_module", cmid=made["cmid"])["cm"]
    assert cm["idnumber"] == P + "a"


def test_fingerprints_per_type(ws, course):
    item = ws.upload(("f.pdf", b"PDF bytes"))[0]["itemid"]
    assert upsert(ws, course, "r", "resource", draftitemid=item, filename="f.pdf")["fingerprint"] == sha1(b"PDF bytes")
    assert upsert(ws, course, "u", "url", externalurl="https://e.org/x")["fingerprint"] == sha1("https://e.org/x")
    assert upsert(ws, course, "l", "label", intro="<p>note</p>")["fingerprint"] == sha1("<p>note</p>")
    assert modules(ws, course)[P + "l"]["name"] == "note"  # a label is named after its text


def test_positions_and_moves(ws, course):
    for key in "abc":
        upsert(ws, course, key)
    upsert(ws, course, "d", position=0)
    listed = modules(ws, course)
    assert [listed[P + k]["position"] for k in "dabc"] == [0, 1, 2, 3]
    upsert(ws, course, "a", section=2)
    listed = modules(ws, course)
    assert (listed[P + "a"]["section"], listed[P + "a"]["position"]) == (2, 0)
    assert [m["idnumber"] for m in listed.values()] == [P + "d", P + "b", P + "c", P + "a"]
    upsert(ws, course, "new", section=5)  # a missing section is created, as Moodle does
    assert modules(ws, course)[P + "new"]["section"] == 5


def test_hidden_section_hides_its_modules_and_restores_them(sb, ws, course):
    upsert(ws, course, "shown", section=2)
    upsert(ws, course, "hidden", section=2, visible=0)
    sb.admin.hide_section(course, 2)
    listed = modules(ws, course)
    assert [(listed[P + k]["visible"], listed[P + k]["sectionvisible"]) for k in ("shown", "hidden")] == [(0, 0)] * 2
    sections = ws("local_certbridge_ensure_sections", courseid=course, **{
        "sections[0][number]": 2, "sections[0][name]": "Two"})
    section_id = {s["number"]: s["id"] for s in sections["sections"]}[2]
    ws("core_course_edit_section", action="show", id=section_id)
    listed = modules(ws, course)
    assert (listed[P + "shown"]["visible"], listed[P + "hidden"]["visible"]) == (1, 0)


def test_stealth_and_drift_by_hand(sb, ws, course):
    made = upsert(ws, course, "s", content="x")
    ws("core_course_edit_module", action="stealth", id=made["cmid"])
    assert (modules(ws, course)[P + "s"]["stealth"], modules(ws, course)[P + "s"]["visible"]) == (1, 1)
    sb.admin.set_module_content(P + "s", "changed by hand")
    assert modules(ws, course)[P + "s"]["fingerprint"] == sha1("changed by hand")
    sb.admin.hide_module(P + "s")
    assert modules(ws, course)[P + "s"]["visible"] == 0
    sb.admin.delete_module(P + "s")
    assert modules(ws, course) == {}


def test_ensure_sections_creates_and_renames_only(ws, course):
    first = ws("local_certbridge_ensure_sections", courseid=course, **{
        "sections[0][number]": 1, "sections[0][name]": "One", "sections[1][number]": 5, "sections[1][name]": "Five"})
    assert (first["created"], first["renamed"]) == (2, 2)
    assert [s["number"] for s in first["sections"]] == [0, 1, 2, 3, 4, 5]
    again = ws("local_certbridge_ensure_sections", courseid=course, **{
        "sections[0][number]": 1, "sections[0][name]": "One"})
    assert (again["created"], again["renamed"]) == (0, 0)


def test_delete_module_respects_the_prefix(ws, course):
    made = upsert(ws, course, "x")
    outside = ws("local_certbridge_delete_module", courseid=course, idnumber="other:x", prefix=P)
    assert outside["errorcode"] == "invalidparameter"
    assert ws("local_certbridge_delete_module", courseid=course, idnumber=P + "x", prefix=P) == {
        "deleted": True, "cmid": made["cmid"]}
    assert ws("local_certbridge_delete_module", courseid=course, idnumber=P + "x", prefix=P) == {
        "deleted": False, "cmid": 0}
    assert ws("local_certbridge_get_modules", courseid=course, prefix="")["errorcode"] == "invalidparameter"


def test_upsert_errors(ws, course):
    assert upsert(ws, course, "r", "resource")["errorcode"] == "invalidparameter"  # no draftitemid
    assert upsert(ws, course, "f", "folder")["errorcode"] == "invalidparameter"
    notindraft = upsert(ws, course, "r", "resource", draftitemid=123, filename="nope.pdf")
    assert notindraft["errorcode"] == "certbridge_notindraft"
    assert ws("local_certbridge_upsert_module", courseid=999999, idnumber=P + "z", modname="page", section=1,
              name="z")["errorcode"] == "invalidrecordunknown"


def test_quiz_import_counts_replaces_and_fingerprints(sb, ws, course):
    quiz = upsert(ws, course, "q", "quiz", section=2)
    assert quiz["fingerprint"] == ""
    item = ws.upload(("q.xml", QUIZ))[0]["itemid"]
    result = ws("local_certbridge_import_questions", cmid=quiz["cmid"], draftitemid=item, filename="q.xml")
    assert (result["questioncount"], result["sumgrades"], result["fingerprint"]) == (3, 3.0, sha1(QUIZ))
    ws("local_certbridge_import_questions", cmid=quiz["cmid"], draftitemid=item, filename="q.xml")
    assert [q["qtype"] for q in sb.admin.questions(quiz["cmid"])] == ["multichoice", "truefalse", "description"]
    assert modules(ws, course)[P + "q"]["fingerprint"] == sha1(QUIZ)
    sb.admin.set_module_content(P + "q", "")  # a question removed by hand: the import no longer matches
    assert modules(ws, course)[P + "q"]["fingerprint"] == ""


@pytest.mark.parametrize("xml", [
    b"<quiz><question",  # not well-formed
    b'<!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz><question type="essay">'
    b"<name><text>&x;</text></name></question></quiz>",  # external entity: never resolved
    b'<quiz><question type="calculated"><name><text>c</text></name></question></quiz>',
    b"<notquiz/>",
])
def test_bad_quiz_files_are_refused(ws, course, xml):
    quiz = upsert(ws, course, "bad", "quiz")
    item = ws.upload(("bad.xml", xml))[0]["itemid"]
    result = ws("local_certbridge_import_questions", cmid=quiz["cmid"], draftitemid=item, filename="bad.xml")
    assert result["errorcode"] == "certbridge_importfailed"
    assert "root:" not in result["message"]
