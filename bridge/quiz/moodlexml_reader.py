"""A Moodle XML question file read into the question model, safely.

Question files come from outside (teachers, other sites), so the parser resolves no
entities, loads no DTD, touches no network and refuses huge trees; a file with a
DOCTYPE (the carrier of XXE and entity-expansion payloads) is refused before parsing.
Missing elements take the defaults Moodle's ``qformat_xml`` gives them.
"""
from __future__ import annotations


from lxml import etree

from bridge.i18n import tr
from bridge.quiz import model as m
from bridge.quiz.errors import ProblemLog
from bridge.quiz.source import MAX_QUESTIONS, decode_utf8, too_many_questions

_READ_TYPES = {"matching": m.MATCH, **{t: t for t in m.QTYPES}, m.CATEGORY: m.CATEGORY}


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           remove_pis=True, strip_cdata=True)


def _prolog_doctype(data: bytes) -> int | None:
    """Where a ``<!DOCTYPE`` stands in the prolog (before the root element), if any.

    Only the prolog is looked at, so a CDATA that quotes "<!DOCTYPE html>" (an HTML
    lesson) stays readable; a plain scan, no regex backtracking over large files.
    """
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while pos < len(data):
        if data[pos:pos + 1].isspace():
            pos += 1
        elif data.startswith(b"<?", pos):
            end = data.find(b"?>", pos + 2)
            pos = len(data) if end < 0 else end + 2
        elif data.startswith(b"<!--", pos):
            end = data.find(b"-->", pos + 4)
            pos = len(data) if end < 0 else end + 3
        elif data[pos:pos + 9].upper() == b"<!DOCTYPE":
            return pos
        else:
            return None
    return None


def parse_moodle_xml(data: bytes, log: ProblemLog) -> list[m.Question]:
    """The questions of a Moodle XML file (raw bytes); problems go to ``log``."""
    if decode_utf8(data, log) is None:  # Moodle's importer takes UTF-8 files only
        return []
    doctype_at = _prolog_doctype(data)
    if doctype_at is not None:
        log.add(data.count(b"\n", 0, doctype_at) + 1, "xml-doctype-forbidden",
                tr("the file declares a DOCTYPE or entities, which question files never need; refused",
                   "文件声明了 DOCTYPE 或实体，题库文件不需要这些，已拒绝"),
                tr("export the questions again from Moodle, or remove the <!DOCTYPE …> part",
                   "请从 Moodle 重新导出题目，或删除 <!DOCTYPE …> 部分"))
        return []
    try:
        root = etree.fromstring(data, _safe_parser())
    except etree.XMLSyntaxError as err:
        log.add(err.lineno or None, "xml-syntax",
                tr("not well-formed XML: {msg}", "XML 格式错误：{msg}", msg=err.msg))
        return []
    if root.getroottree().docinfo.doctype:  # belt and braces after the byte scan
        log.add(1, "xml-doctype-forbidden", tr("the file declares a DOCTYPE; refused",
                                               "文件声明了 DOCTYPE，已拒绝"))
        return []
    if root.tag != "quiz":
        log.add(root.sourceline, "xml-not-moodle-quiz",
                tr("the root element is <{tag}>, not <quiz>", "根元素是 <{tag}>，不是 <quiz>", tag=root.tag),
                tr("a Moodle XML question file starts with <quiz>", "Moodle XML 题库文件以 <quiz> 开头"))
        return []
    if sum(1 for node in root if node.tag == "question") > MAX_QUESTIONS:
        too_many_questions(log, root.sourceline)
        return []
    questions = []
    for node in root:
        if not isinstance(node.tag, str):
            continue
        if node.tag != "question":
            log.add(node.sourceline, "xml-unexpected-element",
                    tr("<{tag}> inside <quiz>; only <question> elements belong there",
                       "<quiz> 中出现 <{tag}>，这里只能有 <question>", tag=node.tag))
            continue
        question = _Reader(node, log).read()
        if question is not None:
            questions.append(question)
    return questions


class _Reader:
    """Reads one ``<question>`` element."""

    def __init__(self, node: etree._Element, log: ProblemLog):
        self.node, self.log, self.line = node, log, node.sourceline

    # -- primitives -----------------------------------------------------------------

    def _number(self, el: etree._Element | None, raw: str | None, default: float) -> float:
        if raw is None or not raw.strip():
            return default
        try:
            return float(raw)
        except ValueError:
            line = el.sourceline if el is not None else self.line
            self.log.add(line, "xml-bad-number", tr("{v!r} is not a number", "{v!r} 不是数字", v=raw))
            return default

    def _child_value(self, name: str, default: str = "", parent: etree._Element | None = None) -> str:
        el = (self.node if parent is None else parent).find(name)
        if el is None:
            return default
        return (el.text or "").strip()

    def _child_number(self, name: str, default: float) -> float:
        el = self.node.find(name)
        return self._number(el, None if el is None else el.text, default)

    def _child_int(self, name: str, default: int | None) -> int | None:
        value = self._child_number(name, float("nan") if default is None else default)
        return None if value != value else int(value)  # NaN means "absent or empty"

    def _rich(self, el: etree._Element | None, default_format: str) -> m.RichText:
        if el is None:
            return m.RichText(format=default_format)
        fmt = el.get("format", default_format).strip()
        if fmt not in m.TEXT_FORMATS:
            fmt = m.FORMAT_HTML  # what Moodle assumes for an unknown format name
        text_el = el.find("text")
        text = (text_el.text or "").strip() if text_el is not None else ""
        files = tuple(m.EmbeddedFile(f.get("name", ""), f.get("path", "/"), (f.text or "").strip())
                      for f in el.findall("file"))
        return m.RichText(text, fmt, files)

    def _plain(self, el: etree._Element | None) -> str:
        text_el = el.find("text") if el is not None else None
        return (text_el.text or "").strip() if text_el is not None else ""

    def _truthy(self, name: str, default: str) -> bool:
        value = self._child_value(name, default)
        return bool(value) and value not in ("false", "0")

    # -- questions ------------------------------------------------------------------

    def read(self) -> m.Question | None:
        raw_type = self.node.get("type", "")
        qtype = _READ_TYPES.get(raw_type)
        if qtype is None:
            self.log.add(self.line, "xml-unsupported-qtype",
                         tr("question type {t!r} is not supported; use one of: {types}",
                            "不支持题型 {t!r}，可用题型：{types}", t=raw_type, types=", ".join(m.QTYPES)))
            return None
        if qtype == m.CATEGORY:
            return m.Question(qtype=m.CATEGORY, category=self._plain(self.node.find("category")),
                              category_info=self._rich(self.node.find("info"), m.FORMAT_MOODLE),
                              idnumber=self._child_value("idnumber"), line=self.line)
        name_el = self.node.find("name")
        if name_el is None or name_el.find("text") is None:
            self.log.add(self.line, "xml-missing-name",
                         tr("the question has no <name><text>…</text></name>", "题目缺少 <name><text>…</text></name>"))
            return None
        text = self._rich(self.node.find("questiontext"), m.FORMAT_HTML)
        q = m.Question(
            qtype=qtype,
            name=self._plain(name_el),
            text=text,
            general_feedback=self._rich(self.node.find("generalfeedback"), text.format),
            default_mark=self._child_number("defaultgrade", 1.0),
            penalty=self._child_number("penalty", m.DEFAULT_PENALTY),
            idnumber=self._child_value("idnumber"),
            tags=[self._plain(t) for t in self.node.findall("tags/tag")],
            hints=[self._hint(h, text.format) for h in self.node.findall("hint")],
            line=self.line,
        )
        if abs(q.penalty - m.DEFAULT_PENALTY) < 0.005:
            q.penalty = m.DEFAULT_PENALTY  # as Moodle fixes old files' rounding
        getattr(self, "_" + qtype)(q)
        return q

    def _answers(self, q: m.Question, *, rich: bool) -> None:
        for el in self.node.findall("answer"):
            fraction = m.fraction_from_percent(self._number(el, el.get("fraction"), 0.0))
            if rich:
                text = self._rich(el, q.text.format)
            else:
                text = m.RichText(self._plain(el))
            tolerance = None
            if q.qtype == m.NUMERICAL:
                tolerance = self._child_value("tolerance", "0", parent=el) or "0"
            q.answers.append(m.Answer(text, fraction, self._rich(el.find("feedback"), q.text.format),
                                      tolerance))

    def _combined_feedback(self, q: m.Question) -> None:
        fmt = q.text.format
        q.combined_feedback = m.CombinedFeedback(
            self._rich(self.node.find("correctfeedback"), fmt),
            self._rich(self.node.find("partiallycorrectfeedback"), fmt),
            self._rich(self.node.find("incorrectfeedback"), fmt),
            self.node.find("shownumcorrect") is not None,
        )

    def _hint(self, el: etree._Element, default_format: str) -> m.Hint:
        return m.Hint(self._rich(el, default_format), el.find("shownumcorrect") is not None,
                      el.find("clearwrong") is not None, self._child_value("options", parent=el))

    def _multichoice(self, q: m.Question) -> None:
        q.single = self._truthy("single", "true")
        q.shuffle_answers = self._truthy("shuffleanswers", "false")
        q.answer_numbering = self._child_value("answernumbering") or "abc"
        q.show_standard_instruction = self._truthy("showstandardinstruction", "1")
        self._combined_feedback(q)
        self._answers(q, rich=True)

    def _truefalse(self, q: m.Question) -> None:
        self._answers(q, rich=False)

    def _shortanswer(self, q: m.Question) -> None:
        q.case_sensitive = self._truthy("usecase", "0")
        self._answers(q, rich=False)

    def _numerical(self, q: m.Question) -> None:
        self._answers(q, rich=False)
        for unit in self.node.findall("units/unit"):
            q.units.append(m.NumericalUnit(self._child_value("unit_name", parent=unit),
                                           self._number(unit, self._child_value("multiplier", "1", unit), 1.0)))

    def _match(self, q: m.Question) -> None:
        q.shuffle_answers = self._truthy("shuffleanswers", "true")
        self._combined_feedback(q)
        for el in self.node.findall("subquestion"):
            q.pairs.append(m.MatchPair(self._rich(el, q.text.format), self._plain(el.find("answer"))))

    def _essay(self, q: m.Question) -> None:
        q.essay = m.EssayOptions(
            response_format=self._child_value("responseformat") or "editor",
            response_required=self._truthy("responserequired", "1"),
            response_field_lines=self._child_int("responsefieldlines", 15) or 15,
            min_word_limit=self._child_int("minwordlimit", None),
            max_word_limit=self._child_int("maxwordlimit", None),
            attachments=self._child_int("attachments", 0) or 0,
            attachments_required=self._child_int("attachmentsrequired", 0) or 0,
            max_bytes=self._child_int("maxbytes", None),
            file_types_list=self._child_value("filetypeslist"),
            grader_info=self._rich(self.node.find("graderinfo"), q.text.format),
            response_template=self._rich(self.node.find("responsetemplate"), q.text.format),
        )

    def _description(self, q: m.Question) -> None:
        q.default_mark = 0.0
