"""Checks on parsed questions that Moodle's importer (or its question types) would
reject or silently get wrong, whatever the file format the questions came from."""
from __future__ import annotations

import re

from bridge.i18n import tr
from bridge.quiz import model as m
from bridge.quiz.errors import ProblemLog

# The grades Moodle accepts for an answer; its importer runs with matchgrades=error,
# so any other fraction fails the whole import.
_POSITIVE_GRADES = (1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333,
                    0.3, 0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05)
ALLOWED_FRACTIONS = (0.0, *_POSITIVE_GRADES, *(-g for g in _POSITIVE_GRADES))
_FRACTION_SLACK = 0.00001
# Characters XML 1.0 cannot hold at all.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")


def is_allowed_fraction(fraction: float) -> bool:
    return any(abs(fraction - g) < _FRACTION_SLACK for g in ALLOWED_FRACTIONS)


def nearest_allowed_fraction(fraction: float) -> float:
    return min(ALLOWED_FRACTIONS, key=lambda g: abs(g - fraction))


def _percent(fraction: float) -> str:
    return m.format_number(round(fraction * 100, 5)) + "%"


def validate_questions(questions: list[m.Question], log: ProblemLog) -> None:
    """Report into ``log`` every question Moodle would refuse or import wrongly."""
    category = ""
    idnumbers: set[tuple[str, str]] = set()
    for q in questions:
        if q.is_category:
            category = q.category
            continue
        _check_common(q, log)
        _CHECKS.get(q.qtype, lambda q, log: None)(q, log)
        if q.idnumber:
            key = (category, q.idnumber)
            if key in idnumbers:
                log.add(q.line, "quiz-duplicate-idnumber",
                        tr("id number {id!r} is used twice in the same category; Moodle would drop it",
                           "同一类别中 ID 号 {id!r} 重复，Moodle 会丢弃它", id=q.idnumber))
            idnumbers.add(key)


def _texts(q: m.Question) -> list[str]:
    texts = [q.name, q.text.text, q.general_feedback.text, q.idnumber, *q.tags]
    for a in q.answers:
        texts += [a.text.text, a.feedback.text]
    for p in q.pairs:
        texts += [p.question.text, p.answer]
    for h in q.hints:
        texts.append(h.text.text)
    if q.combined_feedback:
        cf = q.combined_feedback
        texts += [cf.correct.text, cf.partially_correct.text, cf.incorrect.text]
    return texts


def _check_common(q: m.Question, log: ProblemLog) -> None:
    if not q.text.text.strip():
        log.add(q.line, "quiz-empty-text", tr("the question has no text", "题干为空"))
    if any(_XML_INVALID.search(t) for t in _texts(q)):
        log.add(q.line, "quiz-invalid-character",
                tr("the question holds a control character that XML cannot carry",
                   "题目中含有 XML 无法表示的控制字符"),
                tr("remove invisible characters pasted from other programs",
                   "请删除从其他程序粘贴带入的不可见字符"))


def _check_fractions(q: m.Question, log: ProblemLog) -> bool:
    ok = True
    for a in q.answers:
        if not is_allowed_fraction(a.fraction):
            log.add(q.line, "quiz-invalid-fraction",
                    tr("answer {a!r} has grade {p}, which Moodle does not accept",
                       "选项 {a!r} 的得分 {p} 不是 Moodle 接受的值", a=a.text.text, p=_percent(a.fraction)),
                    tr("the nearest grade Moodle accepts is {n}", "最接近的可用得分是 {n}",
                       n=_percent(nearest_allowed_fraction(a.fraction))))
            ok = False
    return ok


def _check_answer_texts(q: m.Question, log: ProblemLog) -> None:
    for a in q.answers:
        if not a.text.text.strip():
            log.add(q.line, "quiz-empty-answer", tr("an answer is empty", "有一个选项为空"))


def _check_full_marks(q: m.Question, log: ProblemLog) -> None:
    best = max((a.fraction for a in q.answers), default=0.0)
    if best <= 0:
        log.add(q.line, "quiz-no-correct-answer",
                tr("no answer is marked correct", "没有标记为正确的答案"),
                tr("mark the correct answer with =", "用 = 标记正确答案"))
    elif abs(best - 1.0) > _FRACTION_SLACK:
        log.add(q.line, "quiz-no-full-marks",
                tr("no answer gives full marks (the best gives {p})", "没有得满分的答案（最高 {p}）",
                   p=_percent(best)),
                tr("one answer must be worth 100%", "至少一个答案应得 100%"))


def _check_multichoice(q: m.Question, log: ProblemLog) -> None:
    if len(q.answers) < 2:
        log.add(q.line, "quiz-too-few-answers",
                tr("a multiple-choice question needs at least 2 answers, it has {n}",
                   "选择题至少需要 2 个选项，现有 {n} 个", n=len(q.answers)))
    _check_answer_texts(q, log)
    if not _check_fractions(q, log):
        return
    if q.single:
        _check_full_marks(q, log)
        return
    positive = [a.fraction for a in q.answers if a.fraction > 0]
    if not positive:
        log.add(q.line, "quiz-no-correct-answer",
                tr("no answer is marked correct", "没有标记为正确的答案"),
                tr("mark the correct answer with =, or give the correct answers weights like ~%50%",
                   "用 = 标记正确答案，或给多个正确选项加上 ~%50% 这样的权重"))
    elif round(sum(positive), 2) != 1.0:
        log.add(q.line, "quiz-fractions-sum",
                tr("the positive weights of this multiple-answer question add up to {p}, not 100%",
                   "多选题正权重之和为 {p}，不是 100%", p=_percent(sum(positive))),
                tr("make the weights of the correct answers add up to 100%",
                   "请让正确选项的权重之和等于 100%"))


def _check_truefalse(q: m.Question, log: ProblemLog) -> None:
    texts = sorted(a.text.text for a in q.answers)
    if texts != ["false", "true"] or sum(1 for a in q.answers if a.fraction == 1.0) != 1:
        log.add(q.line, "quiz-bad-truefalse",
                tr("a true/false question needs one 'true' and one 'false' answer, one of them correct",
                   "判断题需要 true 和 false 两个答案，且其中一个正确"))


def _check_shortanswer(q: m.Question, log: ProblemLog) -> None:
    if not q.answers:
        log.add(q.line, "quiz-too-few-answers", tr("the question has no answer", "题目没有答案"))
        return
    _check_answer_texts(q, log)
    if _check_fractions(q, log):
        _check_full_marks(q, log)


def _check_numerical(q: m.Question, log: ProblemLog) -> None:
    _check_shortanswer(q, log)
    for a in q.answers:
        if a.text.text.strip() != "*" and not _NUMBER.fullmatch(a.text.text):
            log.add(q.line, "quiz-not-a-number",
                    tr("numerical answer {a!r} is not a number", "数值题答案 {a!r} 不是数字", a=a.text.text))
        if a.tolerance and not _NUMBER.fullmatch(a.tolerance):
            log.add(q.line, "quiz-not-a-number",
                    tr("tolerance {t!r} is not a number", "误差 {t!r} 不是数字", t=a.tolerance))


def _check_match(q: m.Question, log: ProblemLog) -> None:
    stems = [p for p in q.pairs if p.question.text.strip()]
    answers = [p for p in q.pairs if p.answer.strip()]
    if len(stems) < 2 or len(answers) < 3:
        log.add(q.line, "quiz-match-too-few-pairs",
                tr("a matching question needs at least 3 pairs (2 of them with a question); it has {n}",
                   "匹配题至少需要 3 个配对（其中至少 2 个有题目），现有 {n} 个", n=len(q.pairs)),
                tr("add pairs, or a distractor answer written = -> answer",
                   "请增加配对，或添加干扰答案，写作 = -> 答案"))
    for p in stems:
        if not p.answer.strip():
            log.add(q.line, "quiz-empty-answer",
                    tr("matching question {s!r} has no answer", "匹配项 {s!r} 没有答案", s=p.question.text))


_CHECKS = {
    m.MULTICHOICE: _check_multichoice,
    m.TRUEFALSE: _check_truefalse,
    m.SHORTANSWER: _check_shortanswer,
    m.NUMERICAL: _check_numerical,
    m.MATCH: _check_match,
}
