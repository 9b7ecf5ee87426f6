"""Kept hand edits are read back from disk, which may be damaged: a record that is not
JSON, not an object, has fields of the wrong type or names a copy outside its folder is
skipped, never a traceback; the good records beside it are still listed."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.drift import store

GOOD = {"id": "abc1234567", "site": "default", "course": "C1", "pack": "p", "resource": "a",
        "idnumber": "certbridge:p:a", "modname": "page", "cmid": 7, "courseid": 2, "changed": ["content"],
        "kept_at": 1764460800.0, "moodle": {"name": "页面"}, "certbridge": {"name": "页面"}, "file": "x.html"}


@pytest.mark.parametrize("bad", [
    "[]", "{not json", '"text"', json.dumps({**GOOD, "cmid": "7x"}), json.dumps({**GOOD, "changed": [1]}),
    json.dumps({**GOOD, "moodle": []}), json.dumps({**GOOD, "overwritten": "yes"}), json.dumps({**GOOD, "kept_at": True}),
    json.dumps({**GOOD, "file": "../../pack.toml"}), json.dumps({k: v for k, v in GOOD.items() if k != "site"}),
])
def test_a_damaged_record_is_skipped_and_the_good_one_still_listed(tmp_path, monkeypatch, bad):
    folder = store.module_dir(store.drift_root(tmp_path), "default", "C1", "certbridge:p:a")
    folder.mkdir(parents=True)
    (folder / "20260101T000000Z.json").write_text(bad, "utf-8")
    (folder / "20260101T000001Z.json").write_text(json.dumps(GOOD), "utf-8")
    assert [r.id for r in store.list_records(store.drift_root(tmp_path))] == ["abc1234567"]
    monkeypatch.setenv("CERTBRIDGE_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("CERTBRIDGE_URL", "https://moodle.example.edu.cn")
    monkeypatch.setenv("CERTBRIDGE_TOKEN", "t")
    monkeypatch.delenv("CERTBRIDGE_CONFIG", raising=False)
    result = CliRunner().invoke(main, ["drift", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.output)["records"]] == ["abc1234567"]
