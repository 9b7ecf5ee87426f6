"""Quizzes: question banks in GIFT or Moodle XML, checked and written as Moodle XML.

The public API used by the pack validator, ``certbridge build`` and the CLI::

    bank = load_questions(Path("unit1.gift"))   # raises QuizError listing every problem
    bank, problems = check_quiz_file(path)      # the same, without raising
    xml = to_moodle_xml(bank)                   # deterministic UTF-8 bytes
    summarize(bank)                             # {"multichoice": 3, "truefalse": 1, ...}
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

from bridge.i18n import tr
from bridge.quiz.errors import ProblemLog, QuizError, QuizProblem
from bridge.quiz.gift import parse_gift
from bridge.quiz.model import QTYPES, Question, QuestionBank
from bridge.quiz.moodlexml_reader import parse_moodle_xml
from bridge.quiz.moodlexml_writer import to_moodle_xml
from bridge.quiz.source import DEFAULT_MAX_BYTES, decode_utf8, read_limited
from bridge.quiz.validate import validate_questions

__all__ = ["QuizProblem", "QuizError", "Question", "QuestionBank", "load_questions",
           "check_quiz_file", "to_moodle_xml", "summarize", "GIFT_SUFFIXES", "XML_SUFFIXES",
           "SHEET_SUFFIXES", "type_counts"]

GIFT_SUFFIXES = (".gift", ".txt")
#: Question tables (Excel workbook, CSV); read by bridge.quiz.sheet.
SHEET_SUFFIXES = (".xlsx", ".csv")
OTHER_SHEETS = (".xls", ".xlsm", ".et", ".ods", ".wps")
XML_SUFFIXES = (".xml",)


def check_quiz_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES
                    ) -> tuple[QuestionBank | None, list[QuizProblem]]:
    """Parse and check a quiz file; the bank is ``None`` whenever a problem was found.

    Never raises for what is in (or wrong with) the file: unreadable, too large, not
    UTF-8, bad syntax and questions Moodle would refuse all come back as problems.
    """
    path = Path(path)
    log = ProblemLog(str(path))
    suffix = path.suffix.lower()
    if suffix in OTHER_SHEETS:
        log.add(None, "quiz-unknown-format",
                tr("{s} spreadsheets are not read", "不支持 {s} 格式的表格", s=path.suffix),
                tr("open it in Excel or WPS and save it as .xlsx (Excel workbook)",
                   "请用 Excel 或 WPS 打开，另存为 .xlsx（Excel 工作簿）"))
        return None, log.problems
    if suffix not in GIFT_SUFFIXES + XML_SUFFIXES + SHEET_SUFFIXES:
        log.add(None, "quiz-unknown-format",
                tr("unknown quiz file type {s!r}", "无法识别的题库文件类型 {s!r}", s=path.suffix),
                tr("use .gift or .txt for GIFT, .xml for Moodle XML, .xlsx or .csv for a question table",
                   "GIFT 文件请用 .gift 或 .txt，Moodle XML 请用 .xml，表格题库请用 .xlsx 或 .csv"))
        return None, log.problems
    data = read_limited(path, log, max_bytes)
    if data is None:
        return None, log.problems
    if suffix in XML_SUFFIXES:
        questions = parse_moodle_xml(data, log)
    elif suffix in SHEET_SUFFIXES:
        from bridge.quiz.sheet import parse_sheet

        questions = parse_sheet(path, data, log)
    else:
        text = decode_utf8(data, log)
        questions = parse_gift(text, log) if text is not None else []
    if not log and not any(not q.is_category for q in questions):
        log.add(None, "quiz-no-questions", tr("the file holds no questions", "文件中没有题目"))
    validate_questions(questions, log)
    if suffix in SHEET_SUFFIXES:  # a spreadsheet's lines are its rows: say so
        from bridge.quiz.sheet import row_label

        log.problems = [p if p.where or p.line is None else dataclasses.replace(p, where=row_label(p.line))
                        for p in log.problems]
    if log:
        log.problems.sort(key=lambda p: (p.line is not None, p.line or 0, p.column_number or 0))
        if log.dropped:
            log.problems.append(QuizProblem(str(path), None, "quiz-more-problems",
                                            tr("… and {n} more problems", "……另有 {n} 个问题", n=log.dropped)))
        return None, log.problems
    return QuestionBank(source=path, questions=questions), []


def load_questions(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> QuestionBank:
    """The questions of a GIFT (``.gift``/``.txt``) or Moodle XML (``.xml``) file.

    Raises ``QuizError`` carrying every problem found, each with file and line.
    """
    bank, problems = check_quiz_file(path, max_bytes=max_bytes)
    if bank is None:
        raise QuizError(problems)
    return bank


#: How each type is called for people (multiple choice split by one or several answers).
_TYPE_LABELS = {
    "single": ("single choice", "单选题"), "multiple": ("multiple choice", "多选题"),
    "truefalse": ("true/false", "判断题"), "shortanswer": ("short answer", "填空题"),
    "numerical": ("numerical", "数值题"), "match": ("matching", "匹配题"), "essay": ("essay", "简答题"),
    "description": ("description (not graded)", "说明（不计分）"),
}


def type_counts(bank: QuestionBank) -> dict[str, int]:
    """Question count by type name in the message language (单选题, 多选题…), in a fixed order."""
    counts = Counter("single" if q.qtype == "multichoice" and q.single else
                     "multiple" if q.qtype == "multichoice" else q.qtype for q in bank.real_questions)
    return {tr(*labels): counts[key] for key, labels in _TYPE_LABELS.items() if counts[key]}


def summarize(bank: QuestionBank) -> dict[str, int]:
    """Question count by Moodle qtype name, category switches not counted."""
    counts = Counter(q.qtype for q in bank.real_questions)
    return {qtype: counts[qtype] for qtype in QTYPES if counts[qtype]}
