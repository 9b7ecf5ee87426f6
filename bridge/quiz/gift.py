"""GIFT, Moodle's plain-text question format, parsed into the question model.

Follows what Moodle's GIFT importer accepts (questions separated by blank lines, ``//``
comment lines, ``::title::``, ``[format]`` markers, one ``{…}`` answer block, the type
decided from the block's contents) but reports every mistake with its line instead of
importing something the teacher did not mean. One pass over the lines, then work
proportional to each question's size: linear in the file.
"""
from __future__ import annotations

import bisect
import re
from decimal import Decimal, InvalidOperation

from bridge.i18n import tr
from bridge.quiz import model as m
from bridge.quiz.errors import ProblemLog
from bridge.quiz.ime import report_gift_ime
from bridge.quiz.source import MAX_QUESTIONS, too_many_questions

# Escaped control characters become private-use placeholders while the structure is
# parsed, and are turned back into the plain characters in the final texts.
_PLACEHOLDERS = {":": "\ue000", "#": "\ue001", "=": "\ue002", "{": "\ue003", "}": "\ue004", "~": "\ue005"}
_RESTORE = str.maketrans({v: k for k, v in _PLACEHOLDERS.items()})
_ESCAPE_RE = re.compile(r"\\([\\:#={}~n])")

_FORMAT_MARKERS = {"moodle": m.FORMAT_MOODLE, "html": m.FORMAT_HTML,
                   "plain": m.FORMAT_PLAIN, "markdown": m.FORMAT_MARKDOWN}
_WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d*)?)%")
_BAD_WEIGHT_RE = re.compile(r"%[^%\s]*%")
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
_TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f])+)\]")
_HTML_TAG_RE = re.compile(r"<[^>]*>")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_BLANK = "_____"
_MARKER_RES = {"~=": re.compile("[~=]"), "=": re.compile("=")}
_NAME_LENGTH = 80


def _unescape(match: re.Match[str]) -> str:
    char = match.group(1)
    if char == "\\":
        return "\\"
    if char == "n":
        return "\n"
    return _PLACEHOLDERS[char]


def _restore(text: str) -> str:
    return text.translate(_RESTORE)


def parse_gift(text: str, log: ProblemLog) -> list[m.Question]:
    """The questions of a GIFT text (already decoded); problems go to ``log``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # IME punctuation in a marker's place is reported by itself; such a question is not
    # parsed further, so the teacher sees the cause and not its knock-on errors.
    ime_lines = report_gift_ime(text, log)
    questions: list[m.Question] = []
    lines: list[tuple[int, str]] = []
    comments: list[str] = []
    blocks = 0
    for number, raw in enumerate(_lines(text), start=1):
        line = raw.strip()
        if not line:
            if lines:
                blocks += 1
                if blocks > MAX_QUESTIONS:  # stop early: the rest is never read
                    too_many_questions(log, lines[0][0])
                    return questions
                if not ime_lines.intersection(n for n, _ in lines):
                    _Block(lines, comments, log).parse_into(questions)
            lines, comments = [], []
        elif line.startswith("//"):
            comments.append(line)
        else:
            lines.append((number, line))
    if lines and not ime_lines.intersection(n for n, _ in lines):
        _Block(lines, comments, log).parse_into(questions)
    return questions


def _lines(text: str):
    """The lines of ``text``, one at a time (no list of a million lines)."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


class _Block:
    """One blank-line separated block: a question, a category line, or both."""

    def __init__(self, lines: list[tuple[int, str]], comments: list[str], log: ProblemLog):
        self.log = log
        self.comments = comments
        self.first_line = lines[0][0]
        if lines[0][1].startswith("$CATEGORY:"):
            self.category: str | None = _ESCAPE_RE.sub(_unescape, lines[0][1][len("$CATEGORY:"):]).strip()
            lines = lines[1:]
        else:
            self.category = None
        # Escapes are replaced line by line so that offsets map back to lines.
        self.starts: list[int] = []
        self.numbers: list[int] = []
        parts: list[str] = []
        offset = 0
        for number, line in lines:
            line = _ESCAPE_RE.sub(_unescape, line)
            self.starts.append(offset)
            self.numbers.append(number)
            parts.append(line)
            offset += len(line) + 1
        self.text = "\n".join(parts)

    def line_at(self, offset: int) -> int:
        return self.numbers[bisect.bisect_right(self.starts, offset) - 1]

    def parse_into(self, questions: list[m.Question]) -> None:
        if self.category is not None:
            if not self.category:
                self.log.add(self.first_line, "gift-empty-category",
                             tr("$CATEGORY: names no category", "$CATEGORY: 后面没有类别路径"))
            else:
                questions.append(m.Question(qtype=m.CATEGORY, category=_restore(self.category),
                                            line=self.first_line))
        if self.text:
            question = self._question()
            if question is not None:
                questions.append(question)

    # -- the question -------------------------------------------------------------

    def _question(self) -> m.Question | None:
        text, line = self.text, self.numbers[0]
        name = None
        start = 0
        if text.startswith("::"):
            end = text.find("::", 2)
            if end < 0:
                self.log.add(line, "gift-unclosed-title",
                             tr("the title opened with :: is not closed with ::",
                                "以 :: 开始的标题没有用 :: 结束"),
                             tr("write ::title:: before the question text, or \\: for a literal colon",
                                "在题干前写 ::标题::；字面冒号请写作 \\:"))
                return None
            name = _restore(text[2:end]).strip()
            start = end + 2

        braces = self._answer_block(start)
        if braces is False:
            return None
        if braces is None:
            return self._description(name, text[start:], line)
        open_at, close_at = braces
        before, after = text[start:open_at], text[close_at + 1:]
        answer_text = text[open_at + 1:close_at]
        answer_offset = open_at + 1
        if after.strip():
            # Text after the block: a missing-word question, the blank where the block was.
            question_text = before + _BLANK + after
        else:
            question_text = before
        general = ""
        split = answer_text.rfind("####")
        if split >= 0:
            general = answer_text[split + 4:]
            answer_text = answer_text[:split]
        qtext = _rich(question_text, m.FORMAT_MOODLE)
        question = m.Question(
            qtype="",
            name=name if name else _default_name(qtext.text),
            text=qtext,
            general_feedback=_rich(general, qtext.format),
            line=line,
        )
        self._comment_metadata(question)
        stripped = answer_text.strip()
        answer_offset += len(answer_text) - len(answer_text.lstrip())
        return self._typed(question, stripped, answer_offset)

    def _answer_block(self, start: int) -> tuple[int, int] | None | bool:
        """Offsets of the ``{`` and ``}``; None if there is no block; False on error."""
        text = self.text
        open_at, close_at = text.find("{", start), text.find("}", start)
        if open_at < 0 and close_at < 0:
            return None
        if close_at >= 0 and (open_at < 0 or close_at < open_at):
            self.log.add(self.line_at(close_at), "gift-unopened-brace",
                         tr("} without a matching {", "} 没有与之配对的 {"),
                         tr("write \\} for a literal brace", "字面花括号请写作 \\}"))
            return False
        if close_at < 0:
            self.log.add(self.line_at(open_at), "gift-unclosed-brace",
                         tr("the answer block opened with { is not closed with }",
                            "以 { 开始的答案块没有用 } 结束"),
                         tr("close it with }; a blank line inside {…} ends the question; "
                            "write \\{ for a literal brace",
                            "请用 } 结束；{…} 中的空行会结束本题；字面花括号请写作 \\{"))
            return False
        nested = text.find("{", open_at + 1, close_at)
        if nested >= 0:
            self.log.add(self.line_at(nested), "gift-nested-brace",
                         tr("{ inside an answer block", "答案块中出现了 {"),
                         tr("write \\{ for a literal brace", "字面花括号请写作 \\{"))
            return False
        extra = min((i for i in (text.find("{", close_at + 1), text.find("}", close_at + 1)) if i >= 0),
                    default=-1)
        if extra >= 0:
            self.log.add(self.line_at(extra), "gift-multiple-answer-blocks",
                         tr("a GIFT question has one answer block; another brace follows it",
                            "一道 GIFT 题只能有一个答案块，其后又出现了花括号"),
                         tr("separate questions with a blank line; write \\{ \\} for literal braces",
                            "题目之间用空行分隔；字面花括号请写作 \\{ \\}"))
            return False
        return open_at, close_at

    def _comment_metadata(self, question: m.Question) -> None:
        comments = "\n".join(self.comments)
        if "[" not in comments:
            return
        found = _ID_RE.search(comments)
        if found:
            question.idnumber = found.group(1).replace("\\]", "]").strip()
        question.tags = [t.replace("\\]", "]").strip() for t in _TAG_RE.findall(comments)]

    def _description(self, name: str | None, body: str, line: int) -> m.Question:
        qtext = _rich(body, m.FORMAT_MOODLE)
        question = m.Question(qtype=m.DESCRIPTION, name=name or _default_name(qtext.text),
                              text=qtext, default_mark=0.0, line=line)
        self._comment_metadata(question)
        return question

    def _typed(self, q: m.Question, answers: str, offset: int) -> m.Question | None:
        """Decide the type from the answer block, as Moodle does, and read the answers."""
        if not answers:
            q.qtype, q.essay = m.ESSAY, m.EssayOptions()
            return q
        if answers[0] == "#":
            q.qtype = m.NUMERICAL
            return self._numerical(q, answers[1:], offset + 1)
        if "~" in answers:
            q.qtype = m.MULTICHOICE
            return self._multichoice(q, answers, offset)
        if "=" in answers and "->" in answers:
            q.qtype = m.MATCH
            return self._match(q, answers, offset)
        head = answers.split("#", 1)[0].strip()
        if head in _TRUE_FALSE:
            q.qtype = m.TRUEFALSE
            return self._truefalse(q, answers, _TRUE_FALSE[head])
        q.qtype = m.SHORTANSWER
        return self._shortanswer(q, answers, offset)

    # -- one function per type ------------------------------------------------------

    def _multichoice(self, q: m.Question, answers: str, offset: int) -> m.Question | None:
        q.combined_feedback = _blank_combined_feedback(q.text.format)
        ok = True
        for marker, token, at in self._split(answers, offset, "~="):
            if marker == "":
                if token.strip():
                    self.log.add(self.line_at(at), "gift-text-before-answers",
                                 tr("text before the first ~ or = of a multiple-choice answer block",
                                    "选择题答案块中第一个 ~ 或 = 之前有多余文字"),
                                 tr("start each answer with ~ (wrong or weighted) or = (correct)",
                                    "每个选项以 ~（错误或带权重）或 =（正确）开头"))
                    ok = False
                continue
            token = token.strip()
            if marker == "=":
                if _WEIGHT_RE.match(token):
                    self.log.add(self.line_at(at), "gift-weight-after-equals",
                                 tr("a weight after = in a multiple-choice question", "选择题中 = 后面带了权重"),
                                 tr("= marks a fully correct answer; write ~%50%answer for partial credit",
                                    "= 表示完全正确的选项；部分得分请写 ~%50%选项"))
                    ok = False
                    continue
                fraction = 1.0
            else:
                fraction, token = self._weight(token, at, default=0.0)
                if fraction is None:
                    ok = False
                    continue
            text, feedback = _text_and_feedback(token, q.text.format)
            q.answers.append(m.Answer(text=text, fraction=fraction, feedback=feedback))
        q.single = "=" in answers
        return q if ok else None

    def _truefalse(self, q: m.Question, answers: str, correct: bool) -> m.Question:
        parts = answers.split("#", 2) + ["", ""]
        wrong, right = _rich(parts[1], q.text.format), _rich(parts[2], q.text.format)
        q.answers = [
            m.Answer(m.RichText("true"), 1.0 if correct else 0.0, right if correct else wrong),
            m.Answer(m.RichText("false"), 0.0 if correct else 1.0, wrong if correct else right),
        ]
        q.penalty = 1.0
        return q

    def _equals_answers(self, answers: str, offset: int, fmt: str
                        ) -> list[tuple[int, float, m.RichText, m.RichText]] | None:
        """The ``=[%n%]answer[#feedback]`` answers of short-answer and numerical blocks
        as (offset, fraction, text, feedback); None if a weight was wrong."""
        found, ok = [], True
        for marker, token, at in self._split(answers, offset, "="):
            token = token.strip()
            if not token and marker == "":
                continue
            fraction, token = self._weight(token, at, default=1.0)
            if fraction is None:
                ok = False
                continue
            found.append((at, fraction, *_text_and_feedback(token, fmt)))
        return found if ok else None

    def _shortanswer(self, q: m.Question, answers: str, offset: int) -> m.Question | None:
        found = self._equals_answers(answers, offset, q.text.format)
        if found is None:
            return None
        q.answers = [m.Answer(m.RichText(text.text), fraction, feedback) for _, fraction, text, feedback in found]
        return q

    def _numerical(self, q: m.Question, answers: str, offset: int) -> m.Question | None:
        wrong = None
        tilde = answers.find("~")
        if tilde >= 0:
            wrong, answers = answers[tilde + 1:], answers[:tilde]
        found = self._equals_answers(answers, offset, q.text.format)
        if found is None:
            return None
        ok = True
        for at, fraction, value, feedback in found:
            parsed = self._number_and_tolerance(value.text, at)
            if parsed is None:
                ok = False
                continue
            number, tolerance = parsed
            q.answers.append(m.Answer(m.RichText(number), fraction, feedback, tolerance=tolerance))
        if ok and not q.answers:
            self.log.add(self.line_at(offset), "gift-numerical-no-answer",
                         tr("a numerical question {#…} without any answer", "数值题 {#…} 没有答案"),
                         tr("write e.g. {#42}, {#3.14:0.01} or {#1..5}", "例如 {#42}、{#3.14:0.01} 或 {#1..5}"))
            return None
        if wrong is not None:
            _, feedback = _text_and_feedback(wrong, q.text.format)
            q.answers.append(m.Answer(m.RichText("*"), 0.0, feedback, tolerance="0"))
        return q if ok else None

    def _match(self, q: m.Question, answers: str, offset: int) -> m.Question | None:
        q.combined_feedback = _blank_combined_feedback(q.text.format)
        ok = True
        for marker, token, at in self._split(answers, offset, "="):
            if marker == "" and not token.strip():
                continue
            arrow = token.find("->")
            if arrow < 0:
                self.log.add(self.line_at(at), "gift-match-format",
                             tr("a matching pair without ->", "匹配题的配对缺少 ->"),
                             tr("write each pair as =question -> answer", "每个配对写作 =题目 -> 答案"))
                ok = False
                continue
            q.pairs.append(m.MatchPair(_rich(token[:arrow], q.text.format),
                                       _restore(token[arrow + 2:]).strip()))
        return q if ok else None

    # -- pieces ---------------------------------------------------------------------

    def _split(self, text: str, offset: int, markers: str) -> list[tuple[str, str, int]]:
        """Split at each marker character: (marker, text after it, offset of marker).

        The text before the first marker comes first, with marker "".
        """
        pieces: list[tuple[str, str, int]] = []
        marker, begin = "", 0
        for found in _MARKER_RES[markers].finditer(text):
            i = found.start()
            pieces.append((marker, text[begin:i], offset + max(begin - 1, 0)))
            marker, begin = found.group(), i + 1
        pieces.append((marker, text[begin:], offset + max(begin - 1, 0)))
        return pieces

    def _weight(self, token: str, at: int, default: float) -> tuple[float | None, str]:
        """The ``%n%`` weight at the start of ``token`` (or ``default``) and the rest."""
        found = _WEIGHT_RE.match(token)
        if found:
            percent = float(found.group(1))
            if not -100 <= percent <= 100:
                self.log.add(self.line_at(at), "gift-bad-weight",
                             tr("weight {w}% is outside -100%..100%", "权重 {w}% 超出 -100%..100% 范围",
                                w=found.group(1)))
                return None, token
            return m.fraction_from_percent(percent), token[found.end():]
        if _BAD_WEIGHT_RE.match(token):
            self.log.add(self.line_at(at), "gift-bad-weight",
                         tr("{w} is not a weight like %50%", "{w} 不是形如 %50% 的权重",
                            w=_BAD_WEIGHT_RE.match(token).group(0)))
            return None, token
        return default, token

    def _number_and_tolerance(self, value: str, at: int) -> tuple[str, str] | None:
        """A numerical answer ``n``, ``n:tolerance`` or ``min..max`` as (answer, tolerance)."""
        value = value.strip()
        range_at, colon_at = value.find(".."), value.find(":")
        try:
            if range_at > 0:
                low, high = _decimal(value[:range_at]), _decimal(value[range_at + 2:])
                if low > high:
                    self.log.add(self.line_at(at), "gift-numerical-bad-range",
                                 tr("range {v}: the minimum is above the maximum", "区间 {v} 的下限大于上限",
                                    v=value))
                    return None
                middle = (low + high) / 2
                return _decimal_str(middle), _decimal_str(high - middle)
            if colon_at > 0:
                return (_decimal_str(_decimal(value[:colon_at]), keep=value[:colon_at]),
                        _decimal_str(_decimal(value[colon_at + 1:]), keep=value[colon_at + 1:]))
            if value == "*":
                return "*", "0"
            return _decimal_str(_decimal(value), keep=value), "0"
        except InvalidOperation:
            self.log.add(self.line_at(at), "gift-numerical-not-a-number",
                         tr("numerical answer {v!r} is not a number, n:tolerance or min..max",
                            "数值题答案 {v!r} 不是数字、数字:误差 或 最小..最大", v=value),
                         tr("use a point for decimals and ASCII digits, e.g. {#3.14:0.01}",
                            "小数用半角点号和半角数字，例如 {#3.14:0.01}"))
            return None


def _decimal(text: str) -> Decimal:
    text = text.strip()
    if not _NUMBER_RE.fullmatch(text):
        raise InvalidOperation(text)
    return Decimal(text)


def _decimal_str(value: Decimal, keep: str | None = None) -> str:
    """A plain decimal string; the written form ``keep`` is kept when it is one."""
    if keep is not None and "e" not in keep.lower():
        return keep.strip().lstrip("+")
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _rich(raw: str, default_format: str) -> m.RichText:
    """Text with an optional leading ``[format]`` marker, escapes restored."""
    raw = raw.strip()
    fmt = default_format
    if raw.startswith("["):
        end = raw.find("]")
        if end > 0 and raw[1:end] in _FORMAT_MARKERS:
            fmt = _FORMAT_MARKERS[raw[1:end]]
            raw = raw[end + 1:]
    return m.RichText(_restore(raw).strip(), fmt)


def _text_and_feedback(token: str, default_format: str) -> tuple[m.RichText, m.RichText]:
    text, _, feedback = token.partition("#")
    return _rich(text, default_format), _rich(feedback, default_format)


def _blank_combined_feedback(fmt: str) -> m.CombinedFeedback:
    blank = m.RichText("", fmt)
    return m.CombinedFeedback(blank, blank, blank)


def _default_name(text: str) -> str:
    """A name from the question text, as Moodle makes one when no ::title:: is given."""
    plain = " ".join(_HTML_TAG_RE.sub(" ", text).split())
    if len(plain) > _NAME_LENGTH:
        plain = plain[:_NAME_LENGTH - 3].rstrip() + "..."
    # Not translated: the output must not depend on the language of the messages.
    return plain or "Question"
