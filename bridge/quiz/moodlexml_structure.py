"""The element structure Moodle's ``qformat_xml`` reads, checked strictly.

Moodle's importer cannot do without a few elements (a name, the answers, the matching
subquestions, a category's path) and gives every other one a default; whatever is there
must hold a value it understands. ``strict=True`` also demands every element Moodle's
own export writes, which is what ``to_moodle_xml`` promises. Tests use it on the writer's
output; a Moodle stand-in can use the lenient form to refuse what Moodle would.
"""
from __future__ import annotations

import re

from lxml import etree

from bridge.quiz import model as m

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_TYPES = {"multichoice", "truefalse", "shortanswer", "numerical", "matching", "match",
          "essay", "description", "category"}
_NUMBERINGS = {"abc", "ABCD", "123", "iii", "IIII", "none"}
_RESPONSE_FORMATS = {"editor", "editorfilepicker", "plain", "monospaced", "noinline"}


def structure_problems(xml: bytes, *, strict: bool = False) -> list[str]:
    """Every way ``xml`` departs from the structure Moodle reads; empty when it fits."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as err:
        return [f"not well-formed: {err}"]
    problems: list[str] = []
    if root.tag != "quiz":
        return [f"root is <{root.tag}>, not <quiz>"]
    for index, question in enumerate(root):
        if not isinstance(question.tag, str):
            continue
        _Check(question, f"question {index + 1} (line {question.sourceline})", problems, strict).run()
    return problems


class _Check:
    def __init__(self, node: etree._Element, where: str, problems: list[str], strict: bool):
        self.node, self.where, self.problems, self.strict = node, where, problems, strict

    def fail(self, message: str) -> None:
        self.problems.append(f"{self.where}: {message}")

    def one(self, parent: etree._Element, path: str, required: bool = True) -> etree._Element | None:
        """The single ``path`` child; an absent one is fine if not required and not strict."""
        found = parent.findall(path)
        if not found and not required and not self.strict:
            return None
        if len(found) != 1:
            self.fail(f"expected one <{path}>, found {len(found)}")
            return None
        return found[0]

    def value(self, path: str, allowed: set[str] | None = None, number: bool = False) -> None:
        el = self.one(self.node, path, required=False)
        if el is None:
            return
        text = (el.text or "").strip()
        if allowed is not None and text not in allowed:
            self.fail(f"<{path}> is {text!r}, not one of {sorted(allowed)}")
        if number and not _NUMBER.fullmatch(text):
            self.fail(f"<{path}> is {text!r}, not a number")

    def text_field(self, parent: etree._Element, path: str, formatted: bool = True,
                   required: bool = False) -> etree._Element | None:
        el = self.one(parent, path, required)
        if el is None:
            return None
        if formatted and el.get("format") not in m.TEXT_FORMATS:
            self.fail(f"<{path}> has format {el.get('format')!r}")
        self.one(el, "text")
        return el

    def run(self) -> None:
        qtype = self.node.get("type")
        if self.node.tag != "question" or qtype not in _TYPES:
            self.fail(f"<{self.node.tag} type={qtype!r}> is not a question Moodle imports")
            return
        if qtype == "category":
            self.text_field(self.node, "category", formatted=False, required=True)
            return
        self.text_field(self.node, "name", formatted=False, required=True)
        self.text_field(self.node, "questiontext")
        self.text_field(self.node, "generalfeedback")
        self.value("defaultgrade", number=True)
        self.value("penalty", number=True)
        getattr(self, "_" + qtype)()

    def answers(self, minimum: int) -> list[etree._Element]:
        answers = self.node.findall("answer")
        if len(answers) < minimum:
            self.fail(f"{len(answers)} <answer>, at least {minimum} needed")
        for answer in answers:
            if not _NUMBER.fullmatch(answer.get("fraction", "")):
                self.fail(f"<answer fraction={answer.get('fraction')!r}> is not a number")
            self.one(answer, "text")
            self.text_field(answer, "feedback")
        return answers

    def combined_feedback(self) -> None:
        for name in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            self.text_field(self.node, name)

    def _multichoice(self) -> None:
        self.value("single", {"true", "false"})
        self.value("shuffleanswers", {"true", "false", "1", "0"})
        self.value("answernumbering", _NUMBERINGS)
        self.combined_feedback()
        self.answers(2)

    def _truefalse(self) -> None:
        texts = sorted((a.findtext("text") or "") for a in self.answers(2))
        if texts != ["false", "true"]:
            self.fail(f"true/false answers are {texts}, not ['false', 'true']")

    def _shortanswer(self) -> None:
        self.value("usecase", {"0", "1"})
        self.answers(1)

    def _numerical(self) -> None:
        for answer in self.answers(1):
            tolerance = self.one(answer, "tolerance", required=False)
            if tolerance is not None and not _NUMBER.fullmatch((tolerance.text or "").strip()):
                self.fail(f"<tolerance> is {tolerance.text!r}, not a number")

    def _matching(self) -> None:
        self.value("shuffleanswers", {"true", "false", "1", "0"})
        self.combined_feedback()
        subquestions = self.node.findall("subquestion")
        if len(subquestions) < 3:
            self.fail(f"{len(subquestions)} <subquestion>, at least 3 needed")
        for sub in subquestions:
            if sub.get("format") not in m.TEXT_FORMATS:
                self.fail(f"<subquestion> has format {sub.get('format')!r}")
            self.one(sub, "text")
            answer = self.one(sub, "answer")
            if answer is not None:
                self.one(answer, "text")

    _match = _matching

    def _essay(self) -> None:
        self.value("responseformat", _RESPONSE_FORMATS)
        self.value("responserequired", {"0", "1"})
        self.value("responsefieldlines", number=True)
        self.value("attachments", number=True)
        self.text_field(self.node, "graderinfo")
        self.text_field(self.node, "responsetemplate")

    def _description(self) -> None:
        pass
