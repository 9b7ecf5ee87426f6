"""GIFT → Moodle XML, checked on the parsed output XML against tests/quiz_corpus.

Each ``gift/NAME.gift`` has ``NAME.expect.json``: per question its XML ``type`` and
XPath expressions (relative to the <question>) with the expected text(s). Each
``gift_bad/*.gift`` names the problems it must produce in ``// expect: CODE LINE``
comment lines (``-`` for a problem without a line).
"""
import json

import pytest
from fixtures.quiz_corpus import CORPUS, expected_problems
from lxml import etree

from bridge.i18n import set_lang
from bridge.quiz import QuizError, check_quiz_file, load_questions, summarize, to_moodle_xml
from bridge.quiz.moodlexml_structure import structure_problems

GOOD = sorted((CORPUS / "gift").glob("*.gift"))
BAD = sorted((CORPUS / "gift_bad").glob("*.gift"))


def _values(question: etree._Element, path: str):
    found = question.xpath(path)
    if isinstance(found, float):
        return found
    return [v if isinstance(v, str) else (v.text or "").strip() for v in found]


@pytest.mark.parametrize("source", GOOD, ids=[p.stem for p in GOOD])
def test_gift_corpus_converts_to_expected_xml(source):
    expected = json.loads(source.with_suffix(".expect.json").read_text("utf-8"))["questions"]
    xml = to_moodle_xml(load_questions(source))
    assert structure_problems(xml, strict=True) == []
    questions = etree.fromstring(xml).findall("question")
    assert [q.get("type") for q in questions] == [e["type"] for e in expected]
    for index, (question, expect) in enumerate(zip(questions, expected)):
        for path, value in expect["elements"].items():
            wanted = value if isinstance(value, (list, int, float)) else [value]
            assert _values(question, path) == wanted, f"question {index + 1}: {path}"


@pytest.mark.parametrize("source", BAD, ids=[p.stem for p in BAD])
def test_malformed_gift_gives_expected_problems(source):
    bank, problems = check_quiz_file(source)
    assert bank is None
    assert sorted((p.code, p.line) for p in problems) == sorted(expected_problems(source))
    assert all(p.file == str(source) and p.message for p in problems)


def test_load_questions_raises_with_every_problem():
    with pytest.raises(QuizError) as caught:
        load_questions(CORPUS / "gift_bad" / "many_problems.gift")
    err = caught.value
    assert int(err.exit_code) == 2
    assert len(err.problems) == 3
    assert "many_problems.gift:6: gift-unclosed-brace" in err.message


def _parse(tmp_path, text, name="q.gift"):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return check_quiz_file(path)


def test_type_is_decided_like_moodle(tmp_path):
    bank, problems = _parse(tmp_path, "\n\n".join([
        "Only one right answer {=alone}",        # shortanswer, not multichoice
        "Right and wrong {=right ~wrong}",       # multichoice
        "Say something {}",                      # essay
        "How many {#3}",                         # numerical
        "Is it {TRUE}",                          # truefalse
        "Is it {T#no#yes}",                      # truefalse with feedback
        "Match {=a -> 1 =b -> 2 =c -> 3}",       # match
        "Lowercase true is an answer {true}",    # shortanswer, as in Moodle
        "No block at all",                       # description
    ]))
    assert problems == []
    assert [q.qtype for q in bank.questions] == [
        "shortanswer", "multichoice", "essay", "numerical", "truefalse", "truefalse", "match",
        "shortanswer", "description"]


def test_missing_word_keeps_text_around_the_blank(tmp_path):
    bank, _ = _parse(tmp_path, "::T::Grant is {~buried =entombed} in Grant's tomb.")
    assert bank.questions[0].text.text == "Grant is _____ in Grant's tomb."
    assert bank.questions[0].name == "T"


def test_weights_and_single_flag(tmp_path):
    bank, _ = _parse(tmp_path, "Two right {~%50%a ~%50%b ~%-100%c}\n\nOne right {=a ~%50%b ~c}")
    multi, single = bank.questions
    assert (multi.single, [a.fraction for a in multi.answers]) == (False, [0.5, 0.5, -1.0])
    assert (single.single, [a.fraction for a in single.answers]) == (True, [1.0, 0.5, 0.0])


def test_line_numbers_are_those_of_the_source_with_crlf_and_bom(tmp_path):
    path = tmp_path / "q.gift"
    path.write_bytes(b"\xef\xbb\xbf// c\r\n\r\nQ1 {T}\r\n\r\n\r\nQ2 {~a\r\n~b}\r\n")
    bank, problems = check_quiz_file(path)
    assert [p.code for p in problems] == ["quiz-no-correct-answer"]
    assert problems[0].line == 6


def test_classic_mac_line_endings(tmp_path):
    path = tmp_path / "q.gift"
    path.write_bytes(b"Q1 {T}\r\rQ2 {F}\r")
    bank, problems = check_quiz_file(path)
    assert problems == [] and len(bank.questions) == 2


def test_not_utf8_names_the_line_and_suggests_gbk(tmp_path):
    path = tmp_path / "q.gift"
    path.write_bytes("Q1 {T}\n\n中国的首都是{=北京 ~上海}\n".encode("gbk"))
    _, problems = check_quiz_file(path)
    assert [(p.code, p.line) for p in problems] == [("quiz-not-utf8", 3)]
    assert "GBK" in problems[0].hint


def test_messages_follow_the_language(tmp_path):
    set_lang("zh")
    _, problems = _parse(tmp_path, "Q {~a ~b}")
    assert problems[0].message == "没有标记为正确的答案"


def test_summarize_counts_real_questions_only():
    bank = load_questions(CORPUS / "gift" / "categories_comments.gift")
    assert summarize(bank) == {"multichoice": 1, "truefalse": 2}
    assert len(bank.questions) == 5


def test_txt_extension_is_gift_and_unknown_extension_is_refused(tmp_path):
    bank, problems = _parse(tmp_path, "Q {T}", name="q.txt")
    assert problems == [] and bank.questions[0].qtype == "truefalse"
    _, problems = _parse(tmp_path, "Q {T}", name="q.doc")
    assert [p.code for p in problems] == ["quiz-unknown-format"]


def test_size_limit(tmp_path):
    path = tmp_path / "q.gift"
    path.write_text("Q {T}\n\n" * 100, "utf-8")
    bank, problems = check_quiz_file(path, max_bytes=100)
    assert bank is None and [p.code for p in problems] == ["quiz-too-large"]
    with pytest.raises(QuizError):
        load_questions(path, max_bytes=100)


def test_control_characters_are_reported_not_crashing_the_writer(tmp_path):
    _, problems = _parse(tmp_path, "Q\x01 {T}")
    assert [p.code for p in problems] == ["quiz-invalid-character"]


def test_random_gift_never_crashes_and_what_passes_round_trips(tmp_path):
    """Fixed-seed fuzzing over GIFT's alphabet: every input gives a bank or problems,
    never an exception, and every accepted bank writes valid XML that reads back equal."""
    import random

    rng = random.Random(3)
    alphabet = ["{", "}", "~", "=", "#", "####", "->", "::", "%50%", "%-50%", "%100%", "\\", "\\{", "\\:",
                "[html]", "T", "F", "TRUE", "1", "2.5", "..", ":", " ", "\n", "\n\n", "a", "中文", "<b>", "&",
                "$CATEGORY: x", "// [id:q]", "\x01"]
    accepted = 0
    for index in range(400):
        source = tmp_path / f"{index}.gift"
        source.write_text("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))), "utf-8")
        bank, problems = check_quiz_file(source)
        assert (bank is None) == bool(problems)
        if bank is None:
            continue
        accepted += 1
        xml = to_moodle_xml(bank)
        assert structure_problems(xml, strict=True) == []
        reread = tmp_path / f"{index}.xml"
        reread.write_bytes(xml)
        assert load_questions(reread).questions == bank.questions
    assert accepted > 20
