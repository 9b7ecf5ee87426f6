"""Read the Moodle XML a quiz import is given: safely, and only as much as the sandbox needs
(each question's type, name, text and default mark)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from lxml import etree

MAX_XML_BYTES = 16 * 1024 * 1024
#: The question types the plugin reports in ``get_info.qtypes``.
SUPPORTED_QTYPES = ("description", "essay", "match", "multichoice", "numerical", "shortanswer", "truefalse")
#: Moodle XML names the matching type ``matching``; the qtype plugin is ``match``.
_XML_TYPE_ALIASES = {"matching": "match"}


class QuizImportError(Exception):
    """The importer rejected the file; the message is what the user sees."""


@dataclass(frozen=True)
class ParsedQuestion:
    qtype: str
    name: str
    questiontext: str
    defaultmark: float


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True)


def _text(node: etree._Element | None) -> str:
    if node is None:
        return ""
    inner = node.find("text")
    return ((inner if inner is not None else node).text or "").strip()


def parse_questions(data: bytes) -> list[ParsedQuestion]:
    """The questions of a Moodle XML file, in order (category entries skipped)."""
    if len(data) > MAX_XML_BYTES:
        raise QuizImportError(f"The file is larger than {MAX_XML_BYTES} bytes")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as err:
        raise QuizImportError(f"Error parsing XML file: {err}") from None
    if root.tag != "quiz":
        raise QuizImportError("Not a Moodle XML question file (the root element must be <quiz>)")
    questions = []
    for i, node in enumerate(root.iter("question"), start=1):
        qtype = node.get("type", "")
        qtype = _XML_TYPE_ALIASES.get(qtype, qtype)
        if qtype == "category":
            continue
        if qtype not in SUPPORTED_QTYPES:
            raise QuizImportError(f'Question {i}: unknown or unsupported question type "{qtype}"')
        name = _text(node.find("name"))
        if not name:
            raise QuizImportError(f"Question {i}: missing question name")
        default = 0.0 if qtype == "description" else 1.0
        grade = _text(node.find("defaultgrade"))
        try:
            mark = float(grade) if grade else default
        except ValueError:
            raise QuizImportError(f"Question {i}: invalid default grade {grade!r}") from None
        if qtype in ("multichoice", "shortanswer", "numerical", "truefalse") and node.find("answer") is None:
            raise QuizImportError(f'Question {i} ("{name}"): no answers')
        questions.append(ParsedQuestion(qtype, name, _text(node.find("questiontext")), mark))
    if not questions:
        raise QuizImportError("There are no questions in the import file")
    return questions


def count_by_type(questions: list[ParsedQuestion]) -> dict[str, int]:
    return dict(sorted(Counter(q.qtype for q in questions).items()))


def question_elements(data: bytes) -> list[tuple[str, str]]:
    """Each question of a Moodle XML file (categories skipped) as (name, its XML text)."""
    root = etree.fromstring(data, _parser())
    return [(_text(node.find("name")), etree.tostring(node, encoding="unicode", with_tail=False))
            for node in root.iter("question") if node.get("type") != "category"]
