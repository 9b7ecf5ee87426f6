"""A teacher's page edit, end to end on a live site (sandbox, or a real Moodle with
``CERTBRIDGE_E2E_URL``): sync a pack; the page is edited in Moodle; a ``protect`` sync
leaves it there and keeps a byte-for-byte copy (exit 1); ``drift show`` diffs it;
``drift adopt`` writes it into the pack and the next sync changes nothing; a second edit
under ``restore`` is kept, then overwritten with the pack's (adopted) version."""
from __future__ import annotations

import json
import time
import uuid

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.errors import ExitCode
from fixtures.drift_world import PACK_HEAD
from fixtures.sync_world import write_standard

pytestmark = pytest.mark.e2e

RUN = f"{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
PACK_ID = f"e2e-drift-{RUN}".lower()
SHORTNAME = f"E2E-DRIFT-{RUN}"
PACK = "# 手工修改的端到端测试（此注释在写回后必须保留）\n" + PACK_HEAD.format(
    pack_id=PACK_ID, title="漂移端到端", shortname=SHORTNAME, fullname=f"certbridge e2e drift {RUN}",
    category="certbridge e2e") + '''
[[sections]]
title = "第一节"

  [[sections.resources]]
  id = "intro"
  type = "page"
  title = "课程介绍"
  source = "pages/intro.html"   # the page a teacher edits
  skills = ["1.1.1"]
'''
PACK_HTML = "<h1>课程介绍</h1>\n<p>欢迎。</p>\n"
HAND_HTML = "<h1>课程介绍</h1>\n<p>欢迎各位同学！（老师昨晚修改）</p>\n"


@pytest.fixture(scope="module")
def world(moodle_site, tmp_path_factory):
    root = tmp_path_factory.mktemp("drift-e2e")
    folder = root / "packs" / PACK_ID
    (folder / "pages").mkdir(parents=True)
    write_standard(root / "packs")
    (folder / "pack.toml").write_text(PACK, "utf-8")
    (folder / "pages" / "intro.html").write_text(PACK_HTML, "utf-8")
    env = {"CERTBRIDGE_URL": moodle_site.url, "CERTBRIDGE_TOKEN": moodle_site.token, "CERTBRIDGE_LANG": "en",
           "CERTBRIDGE_STATE_DIR": str(root / "state"), "CERTBRIDGE_CONFIG": ""}

    def cli(*args):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    with moodle_site.client() as client:
        try:
            yield folder, cli, client
        finally:
            course = client.get_course_by_shortname(SHORTNAME)
            if course is not None:
                moodle_site.delete_course_quietly(int(course["id"]), SHORTNAME)


def page(client):
    course = client.get_course_by_shortname(SHORTNAME)
    (module,) = client.get_modules(int(course["id"]), f"certbridge:{PACK_ID}:")
    return int(course["id"]), module


def edit_by_hand(client, html: str) -> None:
    """What the teacher's edit does to Moodle: the page's content changes, outside the sync."""
    courseid, module = page(client)
    client.upsert_module(courseid, idnumber=module.idnumber, modname="page", section=module.section,
                         name=module.name, content=html)


def records(cli) -> list[dict]:
    return json.loads(cli("drift", "list", "--format", "json").output)["records"]


def test_a_page_edited_in_moodle_is_kept_protected_adopted_and_kept_again(world):
    folder, cli, client = world
    first = cli("sync", str(folder))
    assert first.exit_code == 0, first.output

    edit_by_hand(client, HAND_HTML)
    protected = cli("sync", str(folder), "--drift", "protect", "--log-format", "json")
    assert protected.exit_code == ExitCode.FAILURES, protected.output
    assert client.export_module(page(client)[1].cmid).content == HAND_HTML  # not overwritten
    (record,) = records(cli)
    assert record["status"] == "in-moodle" and record["changed"] == ["content"]
    assert open(record["path"], "rb").read() == HAND_HTML.encode("utf-8")

    shown = cli("drift", "show", record["id"])
    assert "-<p>欢迎。</p>\n+<p>欢迎各位同学！（老师昨晚修改）</p>\n" in shown.output

    adopted = cli("drift", "adopt", record["id"])
    assert adopted.exit_code == 0, adopted.output
    assert (folder / "pages" / "intro.html").read_text("utf-8") == HAND_HTML
    assert "# the page a teacher edits" in (folder / "pack.toml").read_text("utf-8")
    quiet = cli("sync", str(folder), "--drift", "protect")
    assert quiet.exit_code == 0 and "0 updated" in quiet.output, quiet.output
    assert client.export_module(page(client)[1].cmid).content == HAND_HTML

    second = "<p>第二次手工修改</p>"
    edit_by_hand(client, second)
    restored = cli("sync", str(folder))
    assert restored.exit_code == 0, restored.output
    assert "was overwritten by the pack's version" in restored.output
    newest = records(cli)[-1]
    assert newest["status"] == "overwritten" and open(newest["path"], "rb").read() == second.encode("utf-8")
    assert client.export_module(page(client)[1].cmid).content == HAND_HTML
