"""Question banks in Excel (.xlsx) and CSV: columns, types, answers, bad rows, the template,
and a workbook quiz synced into the sandbox."""
from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from lxml import etree

from bridge.cli import main
from bridge.i18n import set_lang
from bridge.pack import load_catalog
from bridge.quiz import check_quiz_file, load_questions, summarize, to_moodle_xml
from bridge.quiz.moodlexml_structure import structure_problems
from bridge.quiz.sheet_template import EXAMPLES, HEADER
from bridge.sandbox import Sandbox
from fixtures.sync_world import run_cli

HEAD = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "分值", "技能要求", "名称"]
GOOD_ROWS = [
    ["单选题", "表示最高级标题的标签是？", "<h6>", "<h1>", "<head>", "<title>", "B", "h1 最高", 2, "1.1.1", ""],
    ["单选", "全角答案字母也行", "甲", "乙", "", "", "Ｂ", "", "", "", "Q2"],
    ["多选题", "以下属于块级元素的有？", "div", "span", "p", "a", "A、C", "", 2, "1.1.1，1.1.2", ""],
    ["多选", "三个正确", "a", "b", "c", "d", "a,b,d", "", "", "", ""],
    ["判断题", "CSS 是层叠样式表。", "", "", "", "", "对", "", "", "1.2.1", ""],
    ["判断", "HTML 是编程语言。", "", "", "", "", "×", "", "", "", ""],
    ["填空题", "HTTP 默认端口是____。", "", "", "", "", "80|八十", "", "", "", ""],
    ["简答题", "简述盒模型。", "", "", "", "", "内容、内边距\n边框、外边距", "", 5, "", ""],
    ["问答题", "没有参考答案也可以。", "", "", "", "", "", "", "", "", ""],
]


def workbook(path: Path, rows: list[list], head: list[str] = HEAD, title_row: bool = False) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    if title_row:
        sheet.append(["网络系统建设与运维 题库"])
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def questions_xml(path: Path) -> list[etree._Element]:
    xml = to_moodle_xml(load_questions(path))
    assert structure_problems(xml, strict=True) == []
    return etree.fromstring(xml).findall("question")


def test_a_workbook_becomes_the_right_questions(tmp_path):
    path = workbook(tmp_path / "题库.xlsx", GOOD_ROWS, title_row=True)
    bank = load_questions(path)
    assert summarize(bank) == {"multichoice": 4, "truefalse": 2, "shortanswer": 1, "essay": 2}
    q = bank.real_questions
    assert [x.line for x in q] == list(range(3, 12))
    assert q[0].single and [a.fraction for a in q[0].answers] == [0.0, 1.0, 0.0, 0.0]
    assert q[0].default_mark == 2 and q[0].tags == ["1.1.1"] and q[0].general_feedback.text == "h1 最高"
    assert q[0].answers[1].text.text == "<h1>" and q[0].text.format == "plain_text"
    assert q[1].name == "Q2" and [a.fraction for a in q[1].answers] == [0.0, 1.0]
    assert not q[2].single and [a.fraction for a in q[2].answers] == [0.5, -1.0, 0.5, -1.0]
    assert q[2].tags == ["1.1.1", "1.1.2"]
    assert [a.fraction for a in q[3].answers] == [0.3333333, 0.3333333, -1.0, 0.3333333]
    assert [(a.text.text, a.fraction) for a in q[4].answers] == [("true", 1.0), ("false", 0.0)]
    assert [(a.text.text, a.fraction) for a in q[5].answers] == [("true", 0.0), ("false", 1.0)]
    assert [a.text.text for a in q[6].answers] == ["80", "八十"]
    assert q[7].essay.grader_info.text == "内容、内边距<br>边框、外边距" and q[7].default_mark == 5
    xml = questions_xml(path)
    assert [x.get("type") for x in xml] == ["multichoice"] * 4 + ["truefalse"] * 2 + ["shortanswer", "essay", "essay"]
    assert [t.text for t in xml[2].findall("tags/tag/text")] == ["1.1.1", "1.1.2"]
    assert xml[2].findtext("single") == "false" and xml[0].findtext("single") == "true"


def test_column_aliases_and_csv_in_utf8_or_gb18030_give_the_same_bank(tmp_path):
    head = ["题目类型", "题目", "选项a", "选项b", "正确答案", "答案解析", "分数", "知识点"]
    rows = [["单选题", "1+1=?", "1", "2", "B", "", "", "1.1.1"], ["判断题", "地球是圆的", "", "", "正确", "", "", ""]]
    xlsx = workbook(tmp_path / "a.xlsx", rows, head)
    text = io.StringIO()
    csv.writer(text).writerows([head, *rows])
    (tmp_path / "utf8.csv").write_text("\ufeff" + text.getvalue(), "utf-8")
    (tmp_path / "gbk.csv").write_bytes(text.getvalue().encode("gb18030"))
    banks = [load_questions(p).questions for p in (xlsx, tmp_path / "utf8.csv", tmp_path / "gbk.csv")]
    assert banks[0] == banks[1] == banks[2] and len(banks[0]) == 2 and banks[0][0].tags == ["1.1.1"]


BAD_ROWS = [
    (["单选题", "答案不在选项中", "a", "b", "c", "d", "E", "", "", "", ""], "答案", "sheet-bad-answer", "答案“E”不在选项中（只有 A–D）"),
    (["单选题", "", "a", "b", "", "", "A", "", "", "", ""], "题干", "sheet-empty-text", "题干为空"),
    (["计算题", "什么题型？", "", "", "", "", "1", "", "", "", ""], "题型", "sheet-unknown-type", "无法识别的题型“计算题”"),
    (["判断题", "答案不是对错", "", "", "", "", "也许", "", "", "", ""], "答案", "sheet-bad-answer", "判断题的答案应为“对”或“错”"),
    (["单选题", "两个答案", "a", "b", "c", "", "AB", "", "", "", ""], "答案", "sheet-bad-answer", "单选题只能有一个答案"),
    (["多选题", "选项有空缺", "a", "", "c", "", "AC", "", "", "", ""], "选项B", "sheet-option-gap", "选项B为空"),
    (["单选题", "只有一个选项", "a", "", "", "", "A", "", "", "", ""], "选项A", "sheet-too-few-options", "至少需要 2 个选项"),
    (["填空题", "没有答案", "", "", "", "", "", "", "", "", ""], "答案", "sheet-missing-answer", "没有填写答案"),
    (["单选题", "分值不对", "a", "b", "", "", "A", "", "两分", "", ""], "分值", "sheet-bad-mark", "分值“两分”不是正数"),
]


def test_every_bad_row_is_reported_with_row_and_column(tmp_path):
    set_lang("zh")
    path = workbook(tmp_path / "坏题库.xlsx", [GOOD_ROWS[0]] + [row for row, *_ in BAD_ROWS])
    bank, problems = check_quiz_file(path)
    assert bank is None
    expected = [(f"第 {i} 行（{column}）", code) for i, (_, column, code, _) in enumerate(BAD_ROWS, start=3)]
    assert [(p.where, p.code) for p in problems] == expected
    for problem, (_, _, _, text) in zip(problems, BAD_ROWS):
        assert text in problem.message
    result = CliRunner().invoke(main, ["quiz", "convert", "--lang", "zh", str(path), "-o", str(tmp_path / "x.xml")])
    assert result.exit_code == 2 and not (tmp_path / "x.xml").exists()
    assert f"{path}:第 3 行（答案）: sheet-bad-answer: 答案“E”不在选项中（只有 A–D）" in result.stderr


def test_a_sheet_without_the_header_or_a_required_column_says_what_to_do(tmp_path):
    set_lang("zh")
    _, problems = check_quiz_file(workbook(tmp_path / "a.xlsx", [["x"]], ["序号", "内容"]))
    assert [p.code for p in problems] == ["sheet-no-header"] and "quiz template" in problems[0].hint
    _, problems = check_quiz_file(workbook(tmp_path / "b.xlsx", [["单选题", "x"]], ["题型", "题干"]))
    assert [(p.code, p.where) for p in problems] == [("sheet-missing-column", "第 1 行")]
    assert "答案" in problems[0].message
    (tmp_path / "c.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    _, problems = check_quiz_file(tmp_path / "c.xls")
    assert [p.code for p in problems] == ["quiz-unknown-format"] and ".xlsx" in problems[0].hint
    (tmp_path / "d.xlsx").write_bytes(b"not a zip")
    _, problems = check_quiz_file(tmp_path / "d.xlsx")
    assert [p.code for p in problems] == ["sheet-unreadable"]


def test_the_template_has_a_notes_sheet_and_its_examples_convert(tmp_path):
    out = tmp_path / "题库模板.xlsx"
    result = CliRunner().invoke(main, ["quiz", "template", "--lang", "zh", "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["题库", "说明"]
    assert [c.value for c in book["题库"][1]] == HEADER and book["题库"].max_row == 1
    notes = [[c.value for c in row] for row in book["说明"].iter_rows()]
    start = notes.index(HEADER)
    assert len(notes[start + 1:]) == 5 and {row[0] for row in notes[start + 1:]} == {"单选题", "多选题", "判断题", "填空题", "简答题"}
    filled = workbook(tmp_path / "filled.xlsx", EXAMPLES, HEADER)
    assert summarize(load_questions(filled)) == {"multichoice": 2, "truefalse": 1, "shortanswer": 1, "essay": 1}
    check = CliRunner().invoke(main, ["quiz", "check", "--lang", "zh", str(filled)])
    assert "单选题  1" in check.output and "多选题  1" in check.output and "简答题  1" in check.output


def test_a_pack_quiz_from_a_workbook_checks_skills_and_syncs_into_the_sandbox(library, tmp_path):
    pack = library / "mini"
    path = workbook(pack / "quizzes" / "题库.xlsx", GOOD_ROWS + [["单选题", "技能编码不存在", "a", "b", "", "", "A", "", "", "9.9.9", ""]])
    toml = pack / "pack.toml"
    toml.write_text(toml.read_text("utf-8").replace("quizzes/unit1.gift", "quizzes/题库.xlsx"), "utf-8")
    problems = load_catalog([pack]).problems
    assert [(Path(p.file).name, p.code, p.where) for p in problems] == [("题库.xlsx", "unknown-skill", "row 11 (技能要求)")]
    workbook(path, GOOD_ROWS)
    assert load_catalog([pack]).problems == []
    with Sandbox(tmp_path / "sandbox") as sb:
        result = run_cli(sb, tmp_path / "state", "sync", str(pack))
        assert result.exit_code == 0, result.output
        quiz = next(m for m in sb.admin.modules() if m.get("idnumber") == "certbridge:mini:quiz1")
        types = [q["qtype"] for q in sb.admin.questions(quiz["id"])]
    assert {t: types.count(t) for t in set(types)} == {"multichoice": 4, "truefalse": 2, "shortanswer": 1, "essay": 2}


def test_a_sheet_over_the_question_cap_stops_with_one_problem(tmp_path, monkeypatch):
    import bridge.quiz.sheet as sheet

    monkeypatch.setattr(sheet, "MAX_ROWS", 3)
    path = workbook(tmp_path / "big.xlsx", GOOD_ROWS)
    _, problems = check_quiz_file(path)
    assert [p.code for p in problems] == ["quiz-too-many-questions"]
