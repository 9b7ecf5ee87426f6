"""The plugin's capability checks are core's, on a real Moodle: a teacher's token and role
overrides on one course, one module, one quiz (docs/plugin-api.md).

Needs a real site (``CERTBRIDGE_E2E_URL``, ``CERTBRIDGE_E2E_TOKEN`` of an admin), a teacher
account with a token of the certbridge service (``CERTBRIDGE_E2E_LOWPRIV_TOKEN``, user
``CERTBRIDGE_E2E_TEACHER``, default ``cbteacher``), and the site's ``config.php``
(``CERTBRIDGE_E2E_MOODLE_CONFIG``) with ``php`` (or ``CERTBRIDGE_E2E_PHP``) to enrol the
teacher and set role overrides through Moodle's API (tests/e2e/moodle_roles.php), as an
admin would on the site's pages. Skipped otherwise (the sandbox has no role overrides).
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from bridge.moodle import MoodleClient, errors
from bridge.moodle.types import UpsertResult

pytestmark = pytest.mark.e2e

ROLES = Path(__file__).with_name("moodle_roles.php")
CONFIG = os.environ.get("CERTBRIDGE_E2E_MOODLE_CONFIG", "")
PHP = shlex.split(os.environ.get("CERTBRIDGE_E2E_PHP", "")) or ([shutil.which("php")] if shutil.which("php") else [])
TEACHER = os.environ.get("CERTBRIDGE_E2E_TEACHER", "cbteacher")
RUN = f"{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
PREFIX = f"certbridge:perm-{RUN}:"
QUIZ_XML = (b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz><question type="truefalse"><name><text>TF</text></name>'
            b'<questiontext format="html"><text>HTML is a markup language.</text></questiontext>'
            b'<defaultgrade>1</defaultgrade><answer fraction="100"><text>true</text></answer>'
            b'<answer fraction="0"><text>false</text></answer></question></quiz>\n')


def roles(*args: object) -> None:
    result = subprocess.run([*PHP, str(ROLES), CONFIG, *map(str, args)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr


@pytest.fixture(scope="module")
def site(moodle_site):
    if not moodle_site.real or not moodle_site.lowpriv_token or not CONFIG or not PHP:
        pytest.skip("needs a real Moodle with CERTBRIDGE_E2E_LOWPRIV_TOKEN (a teacher), CERTBRIDGE_E2E_MOODLE_CONFIG "
                    "and php, to set role overrides")
    with moodle_site.client() as admin, moodle_site.client(moodle_site.lowpriv_token) as teacher:
        courseid = admin.create_course(f"CB-PERM-{RUN}", f"certbridge permissions {RUN}", 1)["id"]
        roles("enrol", courseid, TEACHER, "editingteacher")
        # The plugin's own capability at system level (get_info checks it there); the course
        # rights are the editing teacher's.
        roles("system", TEACHER, "grant", "local/certbridge:sync")
        try:
            yield admin, teacher, courseid
        finally:
            roles("system", TEACHER, "revoke", "local/certbridge:sync")
            for module in admin.get_modules(courseid, PREFIX):
                admin.delete_module(courseid, module.idnumber, PREFIX)
            admin.update_course(courseid, visible=0)


def upload(client: MoodleClient, tmp_path: Path, name: str, data: bytes) -> int:
    path = tmp_path / name
    path.write_bytes(data)
    return client.upload_files([path]).itemid


def test_sections_need_course_update(site):
    _, teacher, courseid = site
    assert len(teacher.ensure_sections(courseid, [(1, "基础")])) >= 2
    roles("override", "course", courseid, "moodle/course:update", "prohibit", "editingteacher")
    try:
        with pytest.raises(errors.AccessDenied) as refused:
            teacher.ensure_sections(courseid, [(1, "改名")])
        assert "moodle/course:update" in refused.value.remote_message or refused.value.errorcode == "nopermissions"
    finally:
        roles("override", "course", courseid, "moodle/course:update", "inherit", "editingteacher")


def test_a_module_whose_context_prohibits_managing_it_is_neither_updated_nor_deleted(site):
    admin, teacher, courseid = site
    page = teacher.upsert_module(courseid, idnumber=PREFIX + "page", modname="page", section=1, name="P",
                                 content="<p>1</p>")
    roles("override", "module", page.cmid, "moodle/course:manageactivities", "prohibit", "editingteacher")
    try:
        with pytest.raises(errors.AccessDenied):
            teacher.upsert_module(courseid, idnumber=PREFIX + "page", modname="page", section=1, name="P",
                                  content="<p>2</p>")
        with pytest.raises(errors.AccessDenied):
            teacher.delete_module(courseid, PREFIX + "page", PREFIX)
        # In a batch only that module is refused; the new one beside it is written.
        results = teacher.upsert_modules(courseid, [
            dict(idnumber=PREFIX + "page", modname="page", section=1, name="P", content="<p>3</p>"),
            dict(idnumber=PREFIX + "other", modname="page", section=1, name="O", content="<p>o</p>")])
        assert isinstance(results[0], errors.AccessDenied) and isinstance(results[1], UpsertResult)
        listed = {m.idnumber: m for m in admin.get_modules(courseid, PREFIX)}
        assert listed[PREFIX + "page"].cmid == page.cmid and listed[PREFIX + "page"].fingerprint == page.fingerprint
        assert PREFIX + "other" in listed
    finally:
        roles("override", "module", page.cmid, "moodle/course:manageactivities", "inherit", "editingteacher")
    assert teacher.delete_module(courseid, PREFIX + "page", PREFIX)


def test_a_quiz_takes_questions_only_with_quiz_manage_and_question_rights(site, tmp_path):
    admin, teacher, courseid = site
    quiz = teacher.upsert_module(courseid, idnumber=PREFIX + "quiz", modname="quiz", section=1, name="Q")
    first = teacher.import_questions(quiz.cmid, draftitemid=upload(teacher, tmp_path, "q.xml", QUIZ_XML),
                                     filename="q.xml")
    assert first.questioncount == 1
    for capability in ("mod/quiz:manage", "moodle/question:editall"):
        roles("override", "module", quiz.cmid, capability, "prohibit", "editingteacher")
        if capability == "moodle/question:editall":  # own questions too: deleting them needs an edit right
            roles("override", "module", quiz.cmid, "moodle/question:editmine", "prohibit", "editingteacher")
        try:
            with pytest.raises(errors.AccessDenied):
                teacher.import_questions(quiz.cmid, draftitemid=upload(teacher, tmp_path, "q.xml", QUIZ_XML),
                                         filename="q.xml")
            (listed,) = [m for m in admin.get_modules(courseid, PREFIX) if m.idnumber == PREFIX + "quiz"]
            assert listed.fingerprint == first.fingerprint  # the import in place is untouched
        finally:
            roles("override", "module", quiz.cmid, capability, "inherit", "editingteacher")
            roles("override", "module", quiz.cmid, "moodle/question:editmine", "inherit", "editingteacher")
    again = teacher.import_questions(quiz.cmid, draftitemid=upload(teacher, tmp_path, "q.xml", QUIZ_XML),
                                     filename="q.xml")
    assert again.questioncount == 1
