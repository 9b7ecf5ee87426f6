"""Moodle XML: the safe reader (hostile files refused), the writer's structure and the
malformed files of tests/quiz_corpus/xml_bad with their expected problems."""
import time

import pytest
from fixtures.quiz_corpus import CORPUS, expected_problems
from lxml import etree

from bridge.quiz import check_quiz_file, load_questions, summarize, to_moodle_xml
from bridge.quiz import model as m
from bridge.quiz.moodlexml_structure import structure_problems

BAD = sorted((CORPUS / "xml_bad").glob("*.xml"))
EXPORT = CORPUS / "xml" / "moodle_export.xml"


@pytest.mark.parametrize("source", BAD, ids=[p.stem for p in BAD])
def test_malformed_xml_gives_expected_problems(source):
    expected = expected_problems(source)
    bank, problems = check_quiz_file(source)
    assert bank is None
    assert sorted((p.code, p.line) for p in problems) == sorted(expected)


def test_entity_payloads_are_refused_quickly_and_never_expanded():
    start = time.perf_counter()
    for name in ("billion_laughs.xml", "xxe_file.xml"):
        _, problems = check_quiz_file(CORPUS / "xml_bad" / name)
        assert "passwd" not in problems[0].message and "root:" not in problems[0].message
    assert time.perf_counter() - start < 5  # a sanity bound, not a benchmark


def test_doctype_quoted_inside_cdata_is_not_mistaken_for_one(tmp_path):
    path = tmp_path / "q.xml"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<quiz><question type="shortanswer">'
                    '<name><text>Doctype</text></name><questiontext format="html">'
                    '<text><![CDATA[<p>Write the line <!DOCTYPE html>.</p>]]></text></questiontext>'
                    '<answer fraction="100"><text>&lt;!DOCTYPE html&gt;</text></answer></question></quiz>', "utf-8")
    bank = load_questions(path)
    assert bank.questions[0].text.text == "<p>Write the line <!DOCTYPE html>.</p>"
    assert bank.questions[0].answers[0].text.text == "<!DOCTYPE html>"


def test_export_reads_every_field():
    bank = load_questions(EXPORT)
    assert summarize(bank) == {"multichoice": 1, "truefalse": 1, "shortanswer": 1, "numerical": 1,
                               "match": 1, "essay": 1, "description": 1}
    category, mc, tf, sa, num, match, essay, desc = bank.questions
    assert (category.qtype, category.category, category.idnumber) == ("category", "$course$/top/导出/Unit 1", "cat-1")
    assert (mc.line, mc.name, mc.default_mark, mc.idnumber, mc.tags) == (15, "Greeting", 2.0, "greet-1", ["language", "法语"])
    assert mc.text.files == (m.EmbeddedFile("dot.png", "/", mc.text.files[0].content_base64),)
    assert (mc.single, mc.shuffle_answers, mc.answer_numbering, mc.show_standard_instruction) == (True, False, "ABCD", True)
    assert mc.combined_feedback.show_num_correct and mc.combined_feedback.correct.text == "Your answer is correct."
    assert mc.answers[0].feedback.text == 'Right: "bonjour" & "salut".'
    assert mc.hints == [m.Hint(m.RichText("<p>Think of Paris.</p>", "html"), True, True, "")]
    assert [a.fraction for a in tf.answers] == [1.0, 0.0] and tf.penalty == 1.0
    assert (sa.case_sensitive, sa.penalty, sa.text.format) == (True, 0.1, "plain_text")
    assert [(a.text.text, a.tolerance) for a in num.answers] == [("105", "5"), ("*", "0")]
    assert num.units == [m.NumericalUnit("m", 1.0), m.NumericalUnit("cm", 100.0)]
    assert [(p.question.text, p.answer) for p in match.pairs] == [("<p>cat</p>", "meow"), ("<p>dog</p>", "woof"), ("", "moo")]
    assert essay.essay == m.EssayOptions("plain", False, 10, 50, None, 1, 0, 0, ".pdf",
                                         m.RichText("<p>Look for structure.</p>", "html"), m.RichText("", "html"))
    assert desc.text.text == "<p>Read this first. CDATA end marker: ]]></p>" and desc.default_mark == 0.0


def test_writer_output_has_moodle_structure_with_cdata_for_html():
    xml = to_moodle_xml(load_questions(EXPORT))
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    assert structure_problems(xml, strict=True) == []
    assert b"<text><![CDATA[<p>It is <b>French</b>.</p>]]></text>" in xml
    # "]]>" cannot sit in CDATA; the text is escaped instead and reads back the same.
    root = etree.fromstring(xml)
    desc = root.findall("question")[-1]
    assert desc.findtext("questiontext/text") == "<p>Read this first. CDATA end marker: ]]></p>"
    num = root.find("question[@type='numerical']")
    assert [u.findtext("unit_name") for u in num.findall("units/unit")] == ["m", "cm"]
    assert root.find("question[@type='matching']") is not None


def test_missing_optional_elements_take_moodle_defaults(tmp_path):
    path = tmp_path / "q.xml"
    path.write_text('<quiz><question type="multichoice"><name><text>n</text></name>'
                    '<questiontext format="html"><text>t</text></questiontext>'
                    '<answer fraction="100"><text>a</text></answer><answer fraction="0"><text>b</text></answer>'
                    '</question></quiz>', "utf-8")
    q = load_questions(path).questions[0]
    assert (q.single, q.shuffle_answers, q.answer_numbering, q.default_mark, q.penalty) == (
        True, False, "abc", 1.0, m.DEFAULT_PENALTY)
    assert q.general_feedback == m.RichText("", "html")


def test_structure_check_catches_what_moodle_needs(tmp_path):
    assert structure_problems(b"<quiz><question type='truefalse'><questiontext format='html'>"
                              b"<text>x</text></questiontext></question></quiz>") == [
        "question 1 (line 1): expected one <name>, found 0",
        "question 1 (line 1): 0 <answer>, at least 2 needed",
        "question 1 (line 1): true/false answers are [], not ['false', 'true']",
    ]
    assert structure_problems(b"<quiz><question type='cloze'/></quiz>")
    assert structure_problems(b"<nope/>") == ["root is <nope>, not <quiz>"]
