"""``certbridge quiz check`` and ``certbridge quiz convert``."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from bridge.cli import main
from bridge.i18n import set_lang

CORPUS = Path(__file__).parent / "quiz_corpus"
GOOD = CORPUS / "gift" / "numerical.gift"
BAD = CORPUS / "gift_bad" / "many_problems.gift"


@pytest.fixture(autouse=True)
def reset_language():
    yield
    set_lang(None)  # --lang sets it for the rest of the process


def run(*args):
    return CliRunner().invoke(main, ["--lang", "en", *map(str, args)])


def test_check_prints_the_count_by_type():
    result = run("quiz", "check", CORPUS / "gift" / "categories_comments.gift")
    assert result.exit_code == 0, result.output
    assert "3 question(s)" in result.output
    assert "single choice  1" in result.output and "true/false     2" in result.output
    chinese = run("quiz", "check", "--lang", "zh", CORPUS / "gift" / "categories_comments.gift")
    assert "单选题  1" in chinese.output and "判断题  2" in chinese.output and "multichoice" not in chinese.output


def test_check_lists_problems_as_file_line_code_message_and_exits_2():
    result = run("quiz", "check", BAD)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith(str(BAD))]
    assert lines == [
        f"{BAD}:4: quiz-no-correct-answer: no answer is marked correct",
        f"{BAD}:6: gift-unclosed-brace: the answer block opened with {{ is not closed with }}",
        f"{BAD}:8: quiz-match-too-few-pairs: a matching question needs at least 3 pairs "
        "(2 of them with a question); it has 2",
    ]


def test_check_json():
    ok = run("quiz", "check", "--format", "json", GOOD)
    assert ok.exit_code == 0
    assert json.loads(ok.output) == {"file": str(GOOD), "ok": True, "total": 5,
                                     "counts": {"numerical": 5}, "problems": []}
    bad = run("quiz", "check", "--format", "json", BAD)
    assert bad.exit_code == 2
    report = json.loads(bad.output)
    assert report["ok"] is False and report["total"] == 0
    assert [(p["line"], p["code"]) for p in report["problems"]] == [
        (4, "quiz-no-correct-answer"), (6, "gift-unclosed-brace"), (8, "quiz-match-too-few-pairs")]


def test_check_in_chinese():
    result = CliRunner().invoke(main, ["quiz", "check", "--lang", "zh", str(BAD)])
    assert result.exit_code == 2 and "没有标记为正确的答案" in result.output


def test_convert_writes_moodle_xml(tmp_path):
    out = tmp_path / "sub" / "out.xml"
    result = run("quiz", "convert", GOOD, "-o", out)
    assert result.exit_code == 0, result.output
    root = etree.fromstring(out.read_bytes())
    assert [q.get("type") for q in root] == ["numerical"] * 5
    assert list(out.parent.iterdir()) == [out]  # no temporary file left behind


def test_convert_with_problems_writes_nothing(tmp_path):
    out = tmp_path / "out.xml"
    result = run("quiz", "convert", BAD, "-o", out)
    assert result.exit_code == 2
    assert "gift-unclosed-brace" in result.output and "nothing written" in result.output
    assert not out.exists()


def test_convert_refuses_hostile_xml(tmp_path):
    out = tmp_path / "out.xml"
    result = run("quiz", "convert", CORPUS / "xml_bad" / "xxe_file.xml", "-o", out)
    assert result.exit_code == 2 and "xml-doctype-forbidden" in result.output
    assert not out.exists()
