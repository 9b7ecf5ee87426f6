"""The question model written as a Moodle XML question file for ``qformat_xml``.

Element order and content follow what Moodle's own export writes, so the file imports
like one exported from Moodle. The output is deterministic (no ids, no dates): the sync
fingerprints it.
"""
from __future__ import annotations

import re

from lxml import etree

from bridge.quiz import model as m

# Text needing markup escapes goes in CDATA, as Moodle's export does.
_NEEDS_CDATA = re.compile(r'[<>&"]')
_XML_TYPE = {m.MATCH: "matching"}


def to_moodle_xml(bank: m.QuestionBank) -> bytes:
    """The questions of ``bank`` as Moodle XML (UTF-8 bytes)."""
    root = etree.Element("quiz")
    for question in bank.questions:
        root.append(_question(question))
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False, pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _sub(parent: etree._Element, tag: str, value: str | None = None, **attrs: str) -> etree._Element:
    child = etree.SubElement(parent, tag, attrs)
    if value is not None:
        child.text = value
    return child


def _text(parent: etree._Element, value: str) -> None:
    node = _sub(parent, "text")
    if value and _NEEDS_CDATA.search(value) and "]]>" not in value:
        node.text = etree.CDATA(value)
    else:
        # Plain text, or text that cannot be CDATA: lxml escapes it; Moodle reads the same.
        node.text = value


def _rich(parent: etree._Element, tag: str, rich: m.RichText) -> etree._Element:
    node = _sub(parent, tag, format=rich.format)
    _text(node, rich.text)
    _files(node, rich.files)
    return node


def _files(node: etree._Element, files: tuple[m.EmbeddedFile, ...]) -> None:
    for f in files:
        _sub(node, "file", f.content_base64, name=f.name, path=f.path, encoding="base64")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _int_or_empty(value: int | None) -> str:
    return "" if value is None else str(value)


def _question(q: m.Question) -> etree._Element:
    if q.is_category:
        node = etree.Element("question", type="category")
        _text(_sub(node, "category"), q.category)
        _rich(node, "info", q.category_info)
        _sub(node, "idnumber", q.idnumber)
        return node
    node = etree.Element("question", type=_XML_TYPE.get(q.qtype, q.qtype))
    _text(_sub(node, "name"), q.name)
    _rich(node, "questiontext", q.text)
    _rich(node, "generalfeedback", q.general_feedback)
    _sub(node, "defaultgrade", m.format_number(q.default_mark))
    _sub(node, "penalty", m.format_number(q.penalty))
    _sub(node, "hidden", "0")
    _sub(node, "idnumber", q.idnumber)
    _TYPE_WRITERS[q.qtype](node, q)
    for hint in q.hints:
        _hint(node, hint)
    if q.tags:
        tags = _sub(node, "tags")
        for tag in q.tags:
            _text(_sub(tags, "tag"), tag)
    return node


def _answer(node: etree._Element, answer: m.Answer, *, answer_format: str = m.FORMAT_MOODLE) -> etree._Element:
    percent = m.format_number(round(answer.fraction * 100, 5))
    el = _sub(node, "answer", fraction=percent, format=answer_format)
    _text(el, answer.text.text)
    _files(el, answer.text.files)
    _rich(el, "feedback", answer.feedback)
    return el


def _combined_feedback(node: etree._Element, q: m.Question) -> None:
    cf = q.combined_feedback or m.CombinedFeedback(*(m.RichText(format=q.text.format),) * 3)
    _rich(node, "correctfeedback", cf.correct)
    _rich(node, "partiallycorrectfeedback", cf.partially_correct)
    _rich(node, "incorrectfeedback", cf.incorrect)
    if cf.show_num_correct:
        _sub(node, "shownumcorrect")


def _hint(node: etree._Element, hint: m.Hint) -> None:
    el = _sub(node, "hint", format=hint.text.format)
    _text(el, hint.text.text)
    if hint.show_num_correct:
        _sub(el, "shownumcorrect")
    if hint.clear_wrong:
        _sub(el, "clearwrong")
    if hint.options:
        _sub(el, "options", hint.options)
    _files(el, hint.text.files)


def _multichoice(node: etree._Element, q: m.Question) -> None:
    _sub(node, "single", _bool(q.single))
    _sub(node, "shuffleanswers", _bool(q.shuffle_answers))
    _sub(node, "answernumbering", q.answer_numbering)
    _sub(node, "showstandardinstruction", "1" if q.show_standard_instruction else "0")
    _combined_feedback(node, q)
    for answer in q.answers:
        _answer(node, answer, answer_format=answer.text.format)


def _truefalse(node: etree._Element, q: m.Question) -> None:
    for answer in q.answers:
        _answer(node, answer)


def _shortanswer(node: etree._Element, q: m.Question) -> None:
    _sub(node, "usecase", "1" if q.case_sensitive else "0")
    for answer in q.answers:
        _answer(node, answer)


def _numerical(node: etree._Element, q: m.Question) -> None:
    for answer in q.answers:
        _sub(_answer(node, answer), "tolerance", answer.tolerance or "0")
    if q.units:
        units = _sub(node, "units")
        for unit in q.units:
            el = _sub(units, "unit")
            _sub(el, "multiplier", m.format_number(unit.multiplier))
            _sub(el, "unit_name", unit.name)
    # Without units, Moodle's "no units" setting (3); with units, optional (0).
    _sub(node, "showunits", "0" if q.units else "3")


def _match(node: etree._Element, q: m.Question) -> None:
    _sub(node, "shuffleanswers", _bool(q.shuffle_answers))
    _combined_feedback(node, q)
    for pair in q.pairs:
        el = _rich(node, "subquestion", pair.question)
        _text(_sub(el, "answer"), pair.answer)


def _essay(node: etree._Element, q: m.Question) -> None:
    e = q.essay or m.EssayOptions()
    _sub(node, "responseformat", e.response_format)
    _sub(node, "responserequired", "1" if e.response_required else "0")
    _sub(node, "responsefieldlines", str(e.response_field_lines))
    _sub(node, "minwordlimit", _int_or_empty(e.min_word_limit))
    _sub(node, "maxwordlimit", _int_or_empty(e.max_word_limit))
    _sub(node, "attachments", str(e.attachments))
    _sub(node, "attachmentsrequired", str(e.attachments_required))
    _sub(node, "maxbytes", _int_or_empty(e.max_bytes))
    _sub(node, "filetypeslist", e.file_types_list)
    _rich(node, "graderinfo", e.grader_info)
    _rich(node, "responsetemplate", e.response_template)


def _description(node: etree._Element, q: m.Question) -> None:
    pass


_TYPE_WRITERS = {
    m.MULTICHOICE: _multichoice,
    m.TRUEFALSE: _truefalse,
    m.SHORTANSWER: _shortanswer,
    m.NUMERICAL: _numerical,
    m.MATCH: _match,
    m.ESSAY: _essay,
    m.DESCRIPTION: _description,
}
