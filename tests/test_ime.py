"""Chinese IME punctuation in pack.toml and GIFT, GBK files, Windows paths, and `certbridge fix`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.i18n import set_lang
from bridge.pack import load_catalog
from test_pack_validate import edit
from bridge.quiz import check_quiz_file


# (case, old, new, [(char, replacement)] expected in order)
TOML_CASES = [
    ("equals", 'title = "迷你资源包"', 'title ＝ "迷你资源包"', [("＝", "=")]),
    ("comma-in-array", 'skills = ["1.1.1", "1.2.1"]', 'skills = ["1.1.1"，"1.2.1"]', [("，", ",")]),
    ("enumeration-comma", 'skills = ["1.1.1", "1.2.1"]', 'skills = ["1.1.1"、"1.2.1"]', [("、", ",")]),
    ("curly-quotes", 'title = "迷你资源包"', 'title = “迷你资源包”', [("“", '"'), ("”", '"')]),
    ("curly-closer", 'title = "迷你资源包"', 'title = "迷你资源包”', [("”", '"')]),
    ("brackets", "[course]", "［course］", [("［", "["), ("］", "]")]),
    ("lenticular", "[course]", "【course】", [("【", "["), ("】", "]")]),
    ("hash", 'target = 0.5', 'target = 0.5 ＃ 50%', [("＃", "#")]),
    ("colon-after-key", 'version = "1.0.0"', 'version： "1.0.0"', [("：", "=")]),
    ("ideographic-space", 'version = "1.0.0"', 'version\u3000= "1.0.0"', [("\u3000", " ")]),
    ("several", 'title = "迷你资源包"', 'title ＝ “迷你资源包”', [("＝", "="), ("“", '"'), ("”", '"')]),
]


@pytest.mark.parametrize("case,old,new,expected", TOML_CASES, ids=[c[0] for c in TOML_CASES])
def test_ime_characters_in_pack_toml_are_each_reported_with_column(library, case, old, new, expected):
    pack = library / "mini"
    edit(pack, old, new)
    lines = (pack / "pack.toml").read_text("utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if new.splitlines()[0] in text)
    problems = [p for p in load_catalog([pack]).problems if p.severity == "error"]
    assert [p.code for p in problems] == ["ime-char"] * len(expected)
    for problem, (char, replacement) in zip(problems, expected):
        assert problem.line == line
        assert lines[line - 1][problem.column - 1] == char
        assert f"U+{ord(char):04X}" in problem.message and f" {replacement} " in problem.message
        assert problem.context.splitlines()[-1].strip() == "^"


def test_ime_characters_inside_strings_and_comments_are_text(library):
    pack = library / "mini"
    edit(pack, 'title = "迷你资源包"', 'title = "迷你资源包：“网络”【初级】，＝～" # 注释：，＝')
    assert load_catalog([pack]).problems == []


def test_ime_message_in_chinese_with_caret_and_fix_command(library):
    pack = library / "mini"
    edit(pack, 'title = "迷你资源包"', 'title ＝ "迷你资源包"')
    set_lang("zh")
    result = CliRunner().invoke(main, ["validate", str(pack)])
    assert result.exit_code == 2
    out = result.stderr
    assert "pack.toml:3:7: ime-char: 这里应是半角字符 = ，却是全角等号 ＝ （U+FF1D）" in out
    assert "    title ＝ \"迷你资源包\"\n          ^" in out
    assert f"certbridge fix {pack / 'pack.toml'}" in out
    assert out.count("全角等号") == 1


def test_toml_syntax_error_in_chinese_with_column_and_caret(library):
    pack = library / "mini"
    edit(pack, 'title = "迷你资源包"', "title = 迷你资源包")
    result = CliRunner().invoke(main, ["validate", "--lang", "zh", "--format", "json", str(pack)])
    problem = json.loads(result.output)["problems"][0]
    assert (problem["code"], problem["line"], problem["column"]) == ("toml-syntax", 3, 9)
    assert problem["message"].startswith("TOML 语法错误：值无效")
    text = CliRunner().invoke(main, ["validate", "--lang", "zh", str(pack)]).stderr
    assert "    title = 迷你资源包\n            ^" in text


def test_windows_backslash_path_is_explained_then_accepted(library):
    pack = library / "mini"
    edit(pack, 'source = "files/讲义 1.txt"', 'source = "files\\讲义 1.txt"')
    problems = load_catalog([pack]).problems
    assert [p.code for p in problems] == ["toml-syntax"]
    assert "files/讲义.pdf" in problems[0].message  # the hint: use / between folders
    edit(pack, 'source = "files\\讲义 1.txt"', 'source = "files\\\\讲义 1.txt"')
    assert load_catalog([pack]).problems == []


def test_gbk_page_names_the_encoding_the_resource_and_the_fix(library):
    page = library / "mini" / "pages" / "box model 盒模型.html"
    page.write_bytes(page.read_text("utf-8").encode("gb18030"))
    problems = load_catalog([library / "mini"]).problems
    assert [p.code for p in problems] == ["not-utf8"]
    message = problems[0].message
    assert "GBK/GB18030" in message and "page-src" in message and f"certbridge fix {page}" in message


def test_gbk_pack_toml_and_quiz_name_the_encoding_and_the_fix(library):
    toml = library / "mini" / "pack.toml"
    toml.write_bytes(toml.read_text("utf-8").encode("gb18030"))
    problems = load_catalog([library / "mini"]).problems
    assert [p.code for p in problems] == ["not-utf8"] and "GBK/GB18030" in problems[0].message
    assert f"certbridge fix {toml}" in problems[0].message
    quiz = library / "mini" / "quizzes" / "unit1.gift"
    quiz.write_bytes("题目 {=对 ~错}\n".encode("gb18030"))
    _, quiz_problems = check_quiz_file(quiz)
    assert [p.code for p in quiz_problems] == ["quiz-not-utf8"] and f"certbridge fix {quiz}" in quiz_problems[0].hint


GIFT_GOOD = """// 全角字符写在题目和答案文字里是普通文字
集合｛1，2，3｝有几个元素？{=3 ~4}

年龄在 10～20 岁之间的是？{=10～20 岁 ~30 岁}

C＃ 是什么？{=C＃ 语言 ~一种乐器}

问题：下列说法正确的是？{=甲：对 ~乙：错}
"""


def test_fullwidth_characters_in_gift_text_are_kept(tmp_path):
    quiz = tmp_path / "ok.gift"
    quiz.write_text(GIFT_GOOD, "utf-8")
    bank, problems = check_quiz_file(quiz)
    assert problems == []
    texts = [[a.text.text for a in q.answers] for q in bank.real_questions]
    assert texts == [["3", "4"], ["10～20 岁", "30 岁"], ["C＃ 语言", "一种乐器"], ["甲：对", "乙：错"]]
    assert bank.real_questions[0].text.text == "集合｛1，2，3｝有几个元素？"


GIFT_BAD = "2+2=? {=4 ～3 ～5}\n\n保存的快捷键是？｛=Ctrl+S｝\n\n：：Q1：：题目 {=A ＃正确 ~B}\n"


def test_fix_rewrites_gift_syntax_only_and_keeps_a_backup(tmp_path):
    quiz = tmp_path / "unit.gift"
    quiz.write_text(GIFT_BAD + "\n" + GIFT_GOOD, "utf-8")
    result = CliRunner().invoke(main, ["fix", "--lang", "zh", str(quiz)])
    assert result.exit_code == 0, result.output
    assert "1:11：全角波浪号 ～（U+FF5E）→ ~" in result.output and "unit.gift.bak" in result.output
    assert (tmp_path / "unit.gift.bak").read_text("utf-8") == GIFT_BAD + "\n" + GIFT_GOOD
    assert quiz.read_text("utf-8") == (
        "2+2=? {=4 ~3 ~5}\n\n保存的快捷键是？{=Ctrl+S}\n\n::Q1::题目 {=A #正确 ~B}\n\n" + GIFT_GOOD)
    bank, problems = check_quiz_file(quiz)
    assert problems == []
    assert [q.qtype for q in bank.real_questions][:3] == ["multichoice", "shortanswer", "multichoice"]
    assert bank.real_questions[2].name == "Q1" and bank.real_questions[2].answers[0].feedback.text == "正确"
    again = CliRunner().invoke(main, ["fix", "--lang", "en", str(quiz)])
    assert "Nothing to fix." in again.output and not (tmp_path / "unit.gift.bak.1").exists()


def test_fix_a_pack_folder_converts_gbk_and_ime_then_it_validates(library):
    pack = library / "mini"
    edit(pack, 'title = "迷你资源包"', 'title ＝ “迷你资源包：“初级”版”')
    edit(pack, 'skills = ["1.1.1", "1.2.1"]', 'skills = ["1.1.1"，"1.2.1"]')
    edit(pack, 'source = "files/讲义 1.txt"', 'source = "files\\讲义 1.txt"')
    toml = pack / "pack.toml"
    toml.write_bytes(toml.read_text("utf-8").encode("gb18030"))
    page = pack / "pages" / "box model 盒模型.html"
    page_text = page.read_text("utf-8")
    page.write_bytes(page_text.encode("gb18030"))
    result = CliRunner().invoke(main, ["fix", "--lang", "en", str(pack)])
    assert result.exit_code == 0, result.output
    assert "converted from GBK/GB18030 to UTF-8" in result.output and "2 file(s) fixed." in result.output
    assert load_catalog([pack]).problems == []
    assert page.read_text("utf-8") == page_text
    text = toml.read_text("utf-8")
    assert 'title = "迷你资源包：“初级”版"' in text and 'source = "files/讲义 1.txt"' in text


def test_misspelt_key_says_did_you_mean_once(library):
    pack = library / "mini"
    edit(pack, 'title = "迷你资源包"', 'titel = "迷你资源包"')
    problems = load_catalog([pack]).problems
    assert [p.code for p in problems] == ["unknown-key"]
    assert "did you mean 'title'?" in problems[0].message


def test_validate_sorts_problems_then_prints_the_summary(library):
    pack = library / "mini"
    edit(pack, 'type = "url"', 'type = "link"')
    edit(pack, 'title = "迷你资源包"', 'titel = "迷你资源包"')
    result = CliRunner().invoke(main, ["validate", str(pack)])
    lines = result.stderr.splitlines()
    numbers = [int(line.split(":")[1]) for line in lines if "pack.toml:" in line]
    assert numbers == sorted(numbers) and len(numbers) == 2
    assert lines[-1] == "2 problem(s) found." and lines[-2].startswith("mini: ")


def test_a_standard_problem_is_reported_once(library):
    std = library / "standards" / "mini.toml"
    std.write_text(std.read_text("utf-8").replace('{ code = "1.2.1"', '{ code = "2.2.1"'), "utf-8")
    problems = load_catalog([library]).problems
    assert [p.code for p in problems].count("standard-invalid") == 1


def test_wrong_type_is_named_in_chinese(library):
    edit(library / "mini", 'skills = ["1.1.2"]', 'skills = "1.1.2"')
    set_lang("zh")
    problems = load_catalog([library / "mini"]).problems
    assert any("必须是数组" in p.message for p in problems)
    assert not any("array" in p.message for p in problems)


def test_fix_leaves_a_handout_txt_alone_but_fixes_quizzes(library):
    pack = library / "mini"
    handout = pack / "files" / "讲义 1.txt"
    handout.write_bytes("第一章 {=不是题目 ～只是文字}\n".encode("gb18030"))
    original = handout.read_bytes()
    (pack / "quizzes" / "unit2.txt").write_text("题目 {=对 ～错}\n", "utf-8")
    result = CliRunner().invoke(main, ["fix", "--lang", "en", str(pack)])
    assert result.exit_code == 0, result.output
    assert handout.read_bytes() == original
    assert (pack / "quizzes" / "unit2.txt").read_text("utf-8") == "题目 {=对 ~错}\n"


def test_gift_skill_tags_are_checked_against_the_standard(library):
    quiz = library / "mini" / "quizzes" / "unit1.gift"
    quiz.write_text("// [tag:1.1.1] [tag:easy]\n好的问题 {=a ~b}\n\n// [tag:9.9.9]\n第二题 {=a ~b}\n", "utf-8")
    problems = load_catalog([library / "mini"]).problems
    assert [(Path(p.file).name, p.line, p.code) for p in problems] == [("unit1.gift", 5, "unknown-skill")]
    assert "9.9.9" in problems[0].message


def test_quiz_check_prints_a_shared_hint_once(tmp_path):
    quiz = tmp_path / "q.gift"
    quiz.write_text("2+2=? {=4 ～3 ～5}\n", "utf-8")
    result = CliRunner().invoke(main, ["quiz", "check", "--lang", "en", str(quiz)])
    assert result.exit_code == 2
    assert result.output.count("gift-ime-char") == 2 and result.output.count(f"certbridge fix {quiz}") == 1
