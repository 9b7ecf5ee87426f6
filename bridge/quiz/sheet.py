"""Question banks kept in Excel (``.xlsx``) or CSV, as Chinese colleges keep them.

The first sheet holds a header row and one question per row. Columns (aliases accepted):
题型, 题干, 选项A…选项H, 答案, 解析, 分值, 技能要求, 名称 — see docs/quiz.md. Types map to
Moodle's: 单选题 → multichoice (one answer), 多选题 → multichoice (several), 判断题 →
truefalse, 填空题 → shortanswer, 简答题 → essay. Skill codes become question tags.
Every bad row is reported with its row number and column; nothing is guessed.
"""
from __future__ import annotations

import csv
import functools
import html
import io
import re
import unicodedata
import zipfile
from pathlib import Path

from lxml import etree

from bridge.i18n import tr
from bridge.ime import decode_utf8_or_gbk
from bridge.quiz import model as m
from bridge.quiz.errors import ProblemLog
from bridge.quiz.source import MAX_QUESTIONS, too_many_questions

LETTERS = "ABCDEFGH"
MAX_ROWS = MAX_QUESTIONS  # one question per row: the same cap as GIFT and Moodle XML
#: A workbook is a zip: refuse one that would unpack to more than this (a zip bomb).
MAX_UNPACKED = 200 * 1024 * 1024
_HEADER_SEARCH = 10

# Canonical column → accepted headings (compared without spaces, full-width folded).
COLUMNS: dict[str, tuple[str, ...]] = {
    "题型": ("题型", "题目类型", "试题类型", "类型"),
    "题干": ("题干", "题目", "试题内容", "题目内容", "问题"),
    **{f"选项{x}": (f"选项{x}", x) for x in LETTERS},
    "答案": ("答案", "正确答案", "参考答案", "标准答案"),
    "解析": ("解析", "答案解析", "试题解析"),
    "分值": ("分值", "分数"),
    "技能要求": ("技能要求", "知识点", "技能点", "职业技能要求"),
    "名称": ("名称", "题目名称", "标题"),
}
_REQUIRED = ("题型", "题干", "答案")
_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}

SINGLE, MULTIPLE, JUDGE, FILL, ESSAY = "单选题", "多选题", "判断题", "填空题", "简答题"
TYPES = {
    "单选题": SINGLE, "单选": SINGLE, "单项选择题": SINGLE, "单项选择": SINGLE, "选择题": SINGLE,
    "多选题": MULTIPLE, "多选": MULTIPLE, "多项选择题": MULTIPLE, "多项选择": MULTIPLE,
    "判断题": JUDGE, "判断": JUDGE,
    "填空题": FILL, "填空": FILL,
    "简答题": ESSAY, "简答": ESSAY, "问答题": ESSAY, "问答": ESSAY,
}
_TRUE = {"对", "正确", "√", "✓", "✔", "T", "TRUE", "是", "Y", "YES"}
_FALSE = {"错", "错误", "×", "✗", "✘", "F", "FALSE", "否", "N", "NO"}
_LIST_SEPARATORS = re.compile(r"[\s,，、;；/]+")
_SKILL_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _fold(value: str) -> str:
    """Full-width letters, digits and punctuation to ASCII; spaces out."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def _heading(title: str) -> str:
    """A column heading as compared: folded, with the option letter upper-case (选项a → 选项A)."""
    return re.sub(r"[a-h]$", lambda found: found.group().upper(), _fold(title))


def read_rows(path: Path, data: bytes, log: ProblemLog) -> list[tuple[int, list[str]]] | None:
    """(row number, cells as text) of the first sheet, or None with a problem logged."""
    if path.suffix.lower() == ".csv":
        return _csv_rows(data, log)
    return _xlsx_rows(data, log)


def _csv_rows(data: bytes, log: ProblemLog) -> list[tuple[int, list[str]]] | None:
    delimiter = ","
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tab-separated
        text, delimiter = data.decode("utf-16"), "\t"
    else:
        decoded = decode_utf8_or_gbk(data)  # GB18030: what Excel on Chinese Windows saves as "CSV"
        if decoded is None:
            log.add(None, "sheet-unreadable",
                    tr("the CSV file is neither UTF-8 nor GB18030 text",
                       "CSV 文件既不是 UTF-8 也不是 GB18030 编码"),
                    tr("save it from Excel as \"CSV UTF-8\" or as a .xlsx workbook",
                       "请在 Excel 中另存为“CSV UTF-8”或 .xlsx 工作簿"))
            return None
        text = decoded[0]
        first = text.split("\n", 1)[0]
        if first.count("\t") > first.count(","):
            delimiter = "\t"
    try:
        return [(n, [c.strip() for c in row]) for n, row in
                enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)]
    except csv.Error as err:
        log.add(None, "sheet-unreadable", tr("the CSV file cannot be read: {e}", "无法读取 CSV 文件：{e}", e=err))
        return None


def _xlsx_rows(data: bytes, log: ProblemLog) -> list[tuple[int, list[str]]] | None:
    unreadable = tr("the file is not an Excel .xlsx workbook", "文件不是 Excel .xlsx 工作簿")
    hint = tr("open it in Excel or WPS and save it as .xlsx", "请用 Excel 或 WPS 打开，另存为 .xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                log.add(None, "quiz-too-large", tr("the workbook unpacks to more than {n} MiB",
                                                   "工作簿解压后超过 {n} MiB", n=MAX_UNPACKED // 2**20),
                        tr("split the question bank into several files", "请把题库拆分为多个文件"))
                return None
            return _XlsxReader(archive).first_sheet()
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
        log.add(None, "sheet-unreadable", unreadable, hint)
        return None


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_V = f"{_NS}v"


class _XlsxReader:
    """The cell texts of a workbook's first sheet, read straight from its XML.

    openpyxl (which writes the template) reads a 5,000-row bank in over a second; this
    reads only what a question table needs (shared strings, inline strings, numbers,
    booleans) with lxml in a tenth of that, with the project's safe parser settings.
    """

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive

    def _xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.archive.read(name), _safe_parser())

    def _first_sheet_name(self) -> str:
        book = self._xml("xl/workbook.xml")
        sheet = book.find(f"{_NS}sheets/{_NS}sheet")
        rels = self._xml("xl/_rels/workbook.xml.rels")
        target = next((r.get("Target", "") for r in rels if sheet is not None and r.get("Id") == sheet.get(f"{_REL_NS}id")), "")
        if not target:
            return "xl/worksheets/sheet1.xml"
        return target.lstrip("/") if target.startswith("/") else "xl/" + target

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.archive.namelist():
            return []
        strings = []
        for item in self._xml("xl/sharedStrings.xml").iter(f"{_NS}si"):
            # Text runs only: phonetic guides (rPh) are not part of the cell's text.
            strings.append("".join(t.text or "" for t in item.iter(f"{_NS}t")
                                   if t.getparent().tag != f"{_NS}rPh"))
        return strings

    def first_sheet(self) -> list[tuple[int, list[str]]]:
        strings = self._shared_strings()
        rows: list[tuple[int, list[str]]] = []
        with self.archive.open(self._first_sheet_name()) as stream:
            for _, row in etree.iterparse(stream, tag=f"{_NS}row", resolve_entities=False, no_network=True,
                                          load_dtd=False, huge_tree=False):
                number = int(row.get("r") or len(rows) + 1)
                if number > MAX_ROWS + _HEADER_SEARCH:
                    break
                cells: list[str] = []
                for cell in row:
                    ref = cell.get("r")
                    index = _column_index(ref.rstrip("0123456789")) if ref else len(cells)
                    if index > len(cells):
                        cells.extend([""] * (index - len(cells)))
                    cells.append(_cell_text(cell, strings))
                rows.append((number, cells))
                row.clear()
        return rows


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@functools.lru_cache(maxsize=256)
def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _cell_text(cell: etree._Element, strings: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "s":  # the usual case first: a shared string
        value = cell.findtext(_V)
        return strings[int(value)].strip() if value is not None else ""
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{_NS}t")).strip()
    value = cell.findtext(_V)
    if value is None:
        return ""
    if kind == "b":
        return "TRUE" if value == "1" else "FALSE"
    if kind in ("str", "e"):
        return value.strip()
    try:
        number = float(value)
    except ValueError:
        return value.strip()
    return str(int(number)) if number.is_integer() else value


def parse_sheet(path: Path, data: bytes, log: ProblemLog) -> list[m.Question]:
    """The questions of a workbook or CSV file; problems go to ``log``."""
    rows = read_rows(path, data, log)
    if rows is None:
        return []
    header_at = _find_header(rows)
    if header_at is None:
        log.add(None, "sheet-no-header",
                tr("no header row with the columns 题型, 题干 and 答案 in the first {n} rows of the first sheet",
                   "第一个工作表的前 {n} 行中没有包含“题型”“题干”“答案”列的表头行", n=_HEADER_SEARCH),
                tr("start from the template: certbridge quiz template -o 题库模板.xlsx",
                   "请使用模板：certbridge quiz template -o 题库模板.xlsx"))
        return []
    number, header = rows[header_at]
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        name = _ALIASES.get(_heading(title))
        if name and name not in columns:
            columns[name] = index
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        log.add(number, "sheet-missing-column",
                tr("the header row has no column {c}", "表头行缺少“{c}”列", c="、".join(missing)),
                tr("the columns are 题型, 题干, 选项A…选项H, 答案, 解析, 分值, 技能要求, 名称",
                   "可用的列：题型、题干、选项A…选项H、答案、解析、分值、技能要求、名称"),
                where=row_label(number))
        return []
    body = [(n, cells) for n, cells in rows[header_at + 1:] if any(cells)]
    if len(body) > MAX_ROWS:
        too_many_questions(log, None)
        return []
    questions = []
    for number, cells in body:
        question = _Row(number, cells, columns, log).question()
        if question is not None:
            questions.append(question)
    return questions


def _find_header(rows: list[tuple[int, list[str]]]) -> int | None:
    for index, (_, cells) in enumerate(rows[:_HEADER_SEARCH]):
        names = {_ALIASES.get(_heading(c)) for c in cells}
        if {"题型", "题干"} <= names:
            return index
    return None


def row_label(number: int, column: str | None = None) -> str:
    """How a spreadsheet row is named in messages: ``第 5 行（答案）``."""
    if column:
        return tr("row {n} ({c})", "第 {n} 行（{c}）", n=number, c=column)
    return tr("row {n}", "第 {n} 行", n=number)


class _Row:
    """One row: read it, report what is wrong with its column, build the question."""

    def __init__(self, number: int, cells: list[str], columns: dict[str, int], log: ProblemLog):
        self.number, self.cells, self.columns, self.log = number, cells, columns, log
        self.ok = True

    def get(self, name: str) -> str:
        index = self.columns.get(name)
        return self.cells[index].strip() if index is not None and index < len(self.cells) else ""

    def bad(self, column: str, code: str, message: str, hint: str | None = None) -> None:
        self.ok = False
        self.log.add(self.number, code, message, hint, column=column, where=row_label(self.number, column))

    def question(self) -> m.Question | None:
        raw_type = self.get("题型")
        kind = TYPES.get(_fold(raw_type))
        if not raw_type:
            self.bad("题型", "sheet-unknown-type", tr("the question type is empty", "题型为空"),
                     tr("write 单选题, 多选题, 判断题, 填空题 or 简答题", "请填写 单选题、多选题、判断题、填空题 或 简答题"))
        elif kind is None:
            self.bad("题型", "sheet-unknown-type",
                     tr("unknown question type {t!r}", "无法识别的题型“{t}”", t=raw_type),
                     tr("write 单选题, 多选题, 判断题, 填空题 or 简答题", "请填写 单选题、多选题、判断题、填空题 或 简答题"))
        stem = self.get("题干")
        if not stem:
            self.bad("题干", "sheet-empty-text", tr("the question text is empty", "题干为空"))
        mark = self._mark()
        if kind is None or not stem:
            return None
        q = m.Question(qtype="", name=self.get("名称") or _default_name(stem), text=_plain(stem),
                       general_feedback=_plain(self.get("解析")), line=self.number, tags=self._skills())
        if mark is not None:
            q.default_mark = mark
        {SINGLE: self._choice, MULTIPLE: self._choice, JUDGE: self._judge,
         FILL: self._fill, ESSAY: self._essay}[kind](q, kind)
        return q if self.ok else None

    def _mark(self) -> float | None:
        raw = _fold(self.get("分值"))
        if not raw:
            return None
        try:
            mark = float(raw)
        except ValueError:
            mark = -1
        if not 0 < mark <= 1000:
            self.bad("分值", "sheet-bad-mark", tr("the mark {v!r} is not a positive number", "分值“{v}”不是正数",
                                                  v=self.get("分值")))
            return None
        return mark

    def _skills(self) -> list[str]:
        codes = [c for c in _SKILL_SEPARATORS.split(unicodedata.normalize("NFKC", self.get("技能要求"))) if c]
        return list(dict.fromkeys(codes))

    def _options(self) -> list[tuple[str, str]]:
        """(letter, text) of the filled options, which must start at A without gaps."""
        options = [(x, self.get(f"选项{x}")) for x in LETTERS]
        last = max((i for i, (_, text) in enumerate(options) if text), default=-1)
        for letter, text in options[:last + 1]:
            if not text:
                self.bad(f"选项{letter}", "sheet-option-gap",
                         tr("option {x} is empty but a later option is filled", "选项{x}为空，但后面的选项有内容", x=letter),
                         tr("fill the options from A on without gaps", "请从选项A起连续填写选项"))
        return [(x, t) for x, t in options[:last + 1] if t]

    def _choice(self, q: m.Question, kind: str) -> None:
        options = self._options()
        if len(options) < 2:
            self.bad("选项A", "sheet-too-few-options",
                     tr("a choice question needs at least 2 options (选项A, 选项B…)",
                        "选择题至少需要 2 个选项（选项A、选项B…）"))
            return
        letters = [x for x, _ in options]
        raw = self.get("答案")
        answer = [c for c in _LIST_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()]
        shown = f"A–{letters[-1]}"
        if not answer:
            self.bad("答案", "sheet-missing-answer", tr("no answer given", "没有填写答案"),
                     tr("write the letter(s) of the correct option(s), e.g. B or ACD",
                        "请填写正确选项的字母，例如 B 或 ACD"))
            return
        wrong = [c for c in answer if c not in letters]
        if wrong:
            self.bad("答案", "sheet-bad-answer",
                     tr("answer {a!r} is not among the options (there are {s})",
                        "答案“{a}”不在选项中（只有 {s}）", a=raw, s=shown))
            return
        correct = list(dict.fromkeys(answer))
        if kind == SINGLE and len(correct) > 1:
            self.bad("答案", "sheet-bad-answer",
                     tr("a single-choice question has one answer, not {a!r}", "单选题只能有一个答案，而不是“{a}”", a=raw),
                     tr("for several correct answers make the type 多选题", "有多个正确答案时请把题型改为 多选题"))
            return
        q.qtype, q.single = m.MULTICHOICE, kind == SINGLE
        q.combined_feedback = m.CombinedFeedback(_plain(""), _plain(""), _plain(""))
        # Multiple choice: each correct option an equal share, a wrong one takes it all
        # away (选错不得分, 少选得部分分); the shares are grades Moodle accepts (1/k, k ≤ 8).
        share = 1.0 if q.single else m.fraction_from_percent(100 / len(correct))
        wrong_fraction = 0.0 if q.single else -1.0
        q.answers = [m.Answer(_plain(text), share if x in correct else wrong_fraction) for x, text in options]

    def _judge(self, q: m.Question, kind: str) -> None:
        raw = self.get("答案")
        value = _fold(raw).upper()
        options = dict(self._options())
        if value in options:  # 答案 "A" with 选项A = 正确
            value = _fold(options[value]).upper()
        if value in _TRUE or value in _FALSE:
            correct = value in _TRUE
            q.qtype, q.penalty = m.TRUEFALSE, 1.0
            q.answers = [m.Answer(m.RichText("true"), 1.0 if correct else 0.0),
                         m.Answer(m.RichText("false"), 0.0 if correct else 1.0)]
            return
        self.bad("答案", "sheet-bad-answer",
                 tr("a true/false answer must be 对 or 错, not {a!r}", "判断题的答案应为“对”或“错”，而不是“{a}”", a=raw),
                 tr("also accepted: 正确/错误, √/×, T/F", "也可写 正确/错误、√/×、T/F"))

    def _fill(self, q: m.Question, kind: str) -> None:
        if any(self.get(f"选项{x}") for x in LETTERS):
            self.bad("选项A", "sheet-bad-answer",
                     tr("a fill-in question has no options", "填空题不填选项"),
                     tr("for a choice question make the type 单选题 or 多选题", "若是选择题，请把题型改为 单选题 或 多选题"))
            return
        answers = [a.strip() for a in re.split(r"[|｜]", self.get("答案")) if a.strip()]
        if not answers:
            self.bad("答案", "sheet-missing-answer", tr("no answer given", "没有填写答案"),
                     tr("write the accepted answers separated by |, e.g. 192.168.1.1|192.168.001.001",
                        "请填写可接受的答案，多个用 | 分隔，例如 路由器|router"))
            return
        q.qtype = m.SHORTANSWER
        q.answers = [m.Answer(m.RichText(a, m.FORMAT_PLAIN), 1.0) for a in answers]

    def _essay(self, q: m.Question, kind: str) -> None:
        q.qtype = m.ESSAY
        reference = self.get("答案")
        info = html.escape(reference).replace("\n", "<br>") if reference else ""
        q.essay = m.EssayOptions(grader_info=m.RichText(info, m.FORMAT_HTML))


def _plain(text: str) -> m.RichText:
    """Cell text is plain text: Moodle shows it as written (no HTML)."""
    return m.RichText(text.strip(), m.FORMAT_PLAIN)


def _default_name(text: str) -> str:
    """A name from the question text, at most 80 characters, as Moodle makes one."""
    plain = " ".join(text.split())
    return plain if len(plain) <= 80 else plain[:77].rstrip() + "..."
