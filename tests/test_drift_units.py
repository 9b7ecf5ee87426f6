"""The pieces of drift keeping without a server: surgical pack.toml edits, folder names,
a keep that fails (site error, corrupt download), the planner's protect policy."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bridge.drift import store, tomledit
from bridge.drift.keep import Keeper, KeepFailed
from bridge.drift.store import DriftError
from bridge.moodle.errors import AccessDenied
from bridge.moodle.types import ModuleExport, RemoteModule
from bridge.render.desired import DesiredModule
from bridge.sync import planner as P
from bridge.sync.state import ModuleRow

TOML = '''# top comment
[pack]
id = "p"   # trailing comment

[[sections]]
title = "一"

  [[sections.resources]]
  id = "a"
  type = "label"
  text = "<p>old</p>"  # keep me
  [[sections.resources]]
  id = "b"
  type = "url"
  url = \'\'\'
https://old.example/\'\'\'
'''


@pytest.mark.parametrize("value", ["plain", 'quote " and \\ back', "two\nlines", "ends with '", "has ''' inside\nx",
                                   "tab\tand\x01control", "中文\r\nCRLF", ""])
def test_set_string_round_trips_any_value_and_keeps_every_other_line(value):
    new = tomledit.set_string(TOML, ("sections", 0, "resources", 0), 11, "text", value)
    assert tomllib.loads(new)["sections"][0]["resources"][0]["text"] == value
    kept = [line for line in TOML.splitlines() if "text =" not in line]
    assert all(line in new.splitlines() for line in kept)


def test_set_string_replaces_a_multiline_value_and_adds_a_missing_key():
    new = tomledit.set_string(TOML, ("sections", 0, "resources", 1), 15, "url", "https://new.example/")
    assert '  url = "https://new.example/"\n' in new and "old.example" not in new
    added = tomledit.set_string(TOML, ("sections", 0, "resources", 1), 13, "title", "标题")
    assert '  id = "b"\n  title = "标题"\n' in added


def test_an_edit_that_would_change_anything_else_is_refused():
    with pytest.raises(DriftError):
        tomledit.set_string(TOML, ("sections", 0, "resources", 0), 3, "text", "x")  # line 3 is another key


def test_folder_names_are_safe():
    assert store.safe_part("certbridge:p:r") in ("certbridge:p:r", "certbridge%3Ap%3Ar")
    assert store.safe_part("A/B") == "A%2FB" and store.safe_part("..") == "%2E." and store.safe_part("课程-1") == "课程-1"


def _action(fp_moodle: str = "m") -> P.Action:
    d = DesiredModule(idnumber="certbridge:p:r", resource_id="r", type="file", modname="resource", section=1,
                      position=0, name="讲义", intro="", visible=True, status="ready", skills=(), fingerprint="pack")
    r = RemoteModule("certbridge:p:r", 7, 3, "resource", "讲义", 1, True, 0, True, True, False, False, 1, fp_moodle)
    return P.Action(P.UPDATE, d.idnumber, d.name, (P.DRIFT_EDITED,), module=d, remote=r, drifted=(P.CONTENT,))


class FakeClient:
    def __init__(self, export=None, error=None, downloaded=b"", sha1="") -> None:
        self.export, self.error, self.downloaded, self.sha1 = export, error, downloaded, sha1

    def export_module(self, cmid):
        if self.error:
            raise self.error
        return self.export

    def download_file(self, url, dest: Path) -> str:
        dest.write_bytes(self.downloaded)
        return self.sha1


def test_a_site_error_while_keeping_is_keep_failed_and_leaves_no_record(tmp_path):
    keeper = Keeper(FakeClient(error=AccessDenied("nopermissions", function="x")), tmp_path, "s")
    with pytest.raises(KeepFailed) as err:
        keeper.keep("C", "p", 2, _action())
    assert "was not overwritten" in err.value.message
    assert store.list_records(tmp_path) == []


def test_a_download_that_does_not_match_moodles_sha1_is_refused(tmp_path):
    export = ModuleExport(cmid=7, idnumber="certbridge:p:r", modname="resource", name="讲义", filename="a.pdf",
                          contenthash="a" * 40, fileurl="http://x/webservice/pluginfile.php/1/mod_resource/content/0/a.pdf")
    keeper = Keeper(FakeClient(export=export, downloaded=b"cut", sha1="b" * 40), tmp_path, "s")
    with pytest.raises(KeepFailed) as err:
        keeper.keep("C", "p", 2, _action())
    assert "does not match" in err.value.message
    assert store.list_records(tmp_path) == [] and not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_protect_makes_content_and_title_edits_conflicts_and_leaves_the_rest():
    d = _action().module
    state = ModuleRow(d.idnumber, "p", 7, "resource", "old", "讲义", True, 1, 0.0)
    edited = RemoteModule(d.idnumber, 7, 3, "resource", "讲义", 1, True, 0, True, True, False, False, 1, "hand")
    hidden = RemoteModule(d.idnumber, 7, 3, "resource", "讲义", 1, True, 0, False, True, False, False, 1, "old")
    protect, restore = P.Policy(drift=P.PROTECT), P.Policy()
    assert P._plan_module(d, edited, state, protect, 0).kind == P.CONFLICT
    assert P._plan_module(d, hidden, state, protect, 0).kind == P.DRIFT
    assert P._plan_module(d, edited, state, restore, 0).overwrites_hand_edit
    assert not P._plan_module(d, hidden, state, restore, 0).overwrites_hand_edit


def test_a_file_address_from_the_site_is_fetched_from_the_configured_site_only():
    from bridge.moodle.download import site_file_url
    from bridge.moodle.errors import UnexpectedResponse
    from bridge.moodle.requester import Requester

    requester = Requester("https://moodle.example.edu.cn", "t" * 32)
    assert site_file_url(requester, "https://evil.example/webservice/pluginfile.php/5/mod_resource/content/0/a.pdf"
                         "?token=x") == "https://moodle.example.edu.cn/webservice/pluginfile.php/5/mod_resource/content/0/a.pdf"
    with pytest.raises(UnexpectedResponse):
        site_file_url(requester, "https://evil.example/steal")


def test_show_strips_terminal_escapes_from_moodles_html(tmp_path):
    from click.testing import CliRunner

    from bridge.cli import main

    folder = tmp_path / "drift" / "s" / "C" / "certbridge:p:r"
    folder.mkdir(parents=True)
    (folder / "x.html").write_text("<p>\x1b]0;pwned\x07hi</p>\n", "utf-8")
    record = store.DriftRecord(id="abc1234567", site="s", course="C", pack="p", resource="r", idnumber="certbridge:p:r",
                               modname="page", cmid=1, courseid=1, changed=["content"], kept_at=1.0,
                               moodle={"name": "\x1b[31mred"}, certbridge={"name": "n"}, file="x.html",
                               path=folder / "x.json")
    store.save(record)
    result = CliRunner().invoke(main, ["drift", "show", "abc1", "--lang", "en"],
                                env={"CERTBRIDGE_STATE_DIR": str(tmp_path), "CERTBRIDGE_CONFIG": ""})
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "abc1234567" in result.output
