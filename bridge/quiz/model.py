"""The question model shared by the GIFT parser and the Moodle XML reader and writer.

One flat ``Question`` dataclass covers the seven question types certbridge publishes
(the ``qtypes`` of the plugin API) plus ``category`` pseudo-questions, which switch the
category the following questions go into, as in both GIFT and Moodle XML. Fields that
do not apply to a type keep their defaults; the writer only writes the fields Moodle
reads for that type. ``line`` is where the question starts in its source file and is
left out of equality, so a round trip compares content only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: Question types, by Moodle's qtype name (``match`` is written ``matching`` in XML).
MULTICHOICE = "multichoice"
TRUEFALSE = "truefalse"
SHORTANSWER = "shortanswer"
NUMERICAL = "numerical"
MATCH = "match"
ESSAY = "essay"
DESCRIPTION = "description"
CATEGORY = "category"
QTYPES = (MULTICHOICE, TRUEFALSE, SHORTANSWER, NUMERICAL, MATCH, ESSAY, DESCRIPTION)

#: Text formats, by the name Moodle XML uses in ``format="…"``.
FORMAT_MOODLE = "moodle_auto_format"
FORMAT_HTML = "html"
FORMAT_PLAIN = "plain_text"
FORMAT_MARKDOWN = "markdown"
FORMAT_WIKI = "wiki_like"
TEXT_FORMATS = (FORMAT_MOODLE, FORMAT_HTML, FORMAT_PLAIN, FORMAT_MARKDOWN, FORMAT_WIKI)

#: Moodle's default penalty for a wrong try (its seven-decimal rendering of 1/3).
DEFAULT_PENALTY = 0.3333333


def fraction_from_percent(percent: float) -> float:
    """A grade fraction from a percentage, rounded as Moodle stores it (7 decimals).

    Rounding here makes ``33.33333`` read from XML and ``%33.33333%`` read from GIFT
    the same float, so round trips compare equal.
    """
    return round(percent / 100.0, 7) + 0.0  # + 0.0 turns -0.0 into 0.0


def format_number(value: float) -> str:
    """A number as Moodle writes it: integers without a point, else up to 7 decimals."""
    if value == int(value):
        return str(int(value))
    return f"{value:.7f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class EmbeddedFile:
    """A file embedded in a text field (``<file name path encoding="base64">``)."""

    name: str
    path: str = "/"
    content_base64: str = ""


@dataclass(frozen=True)
class RichText:
    """A text with its format and the files it embeds (referenced as @@PLUGINFILE@@)."""

    text: str = ""
    format: str = FORMAT_MOODLE
    files: tuple[EmbeddedFile, ...] = ()


@dataclass(frozen=True)
class Answer:
    """One answer: its text, grade fraction (-1..1) and feedback.

    ``tolerance`` is used by numerical answers only (a decimal string, "0" when exact);
    numerical answer texts are decimal strings too, or ``*`` for "any other answer".
    """

    text: RichText
    fraction: float
    feedback: RichText = RichText()
    tolerance: str | None = None


@dataclass(frozen=True)
class MatchPair:
    """A matching pair; an empty ``question`` makes ``answer`` an extra distractor."""

    question: RichText
    answer: str


@dataclass(frozen=True)
class Hint:
    """A hint shown after a wrong try in interactive mode."""

    text: RichText
    show_num_correct: bool = False
    clear_wrong: bool = False
    options: str = ""


@dataclass(frozen=True)
class CombinedFeedback:
    """Feedback for any correct / partially correct / incorrect response."""

    correct: RichText = RichText()
    partially_correct: RichText = RichText()
    incorrect: RichText = RichText()
    show_num_correct: bool = False


@dataclass(frozen=True)
class NumericalUnit:
    """A unit a numerical answer may carry, with its multiplier."""

    name: str
    multiplier: float = 1.0


@dataclass(frozen=True)
class EssayOptions:
    """The response settings of an essay question (Moodle's defaults)."""

    response_format: str = "editor"
    response_required: bool = True
    response_field_lines: int = 15
    min_word_limit: int | None = None
    max_word_limit: int | None = None
    attachments: int = 0
    attachments_required: int = 0
    max_bytes: int | None = None
    file_types_list: str = ""
    grader_info: RichText = RichText(format=FORMAT_HTML)
    response_template: RichText = RichText(format=FORMAT_HTML)


@dataclass
class Question:
    """A question, or a ``category`` pseudo-question whose ``category`` is a path.

    True/false questions hold two answers, ``true`` then ``false``, the correct one
    with fraction 1.
    """

    qtype: str
    name: str = ""
    text: RichText = RichText()
    general_feedback: RichText = RichText()
    default_mark: float = 1.0
    penalty: float = DEFAULT_PENALTY
    idnumber: str = ""
    tags: list[str] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    pairs: list[MatchPair] = field(default_factory=list)
    #: multichoice: one answer (radio buttons) or several (checkboxes).
    single: bool = True
    #: multichoice and match.
    shuffle_answers: bool = True
    answer_numbering: str = "abc"
    show_standard_instruction: bool = False
    #: shortanswer: compare case-sensitively.
    case_sensitive: bool = False
    combined_feedback: CombinedFeedback | None = None
    hints: list[Hint] = field(default_factory=list)
    units: list[NumericalUnit] = field(default_factory=list)
    essay: EssayOptions | None = None
    #: category pseudo-questions: the category path, e.g. ``$course$/top/Unit 1``.
    category: str = ""
    category_info: RichText = RichText()
    #: 1-based line where the question starts in its source file.
    line: int | None = field(default=None, compare=False)

    @property
    def is_category(self) -> bool:
        return self.qtype == CATEGORY


@dataclass
class QuestionBank:
    """The questions of one file, in file order, category switches included."""

    source: Path
    questions: list[Question] = field(default_factory=list)

    @property
    def real_questions(self) -> list[Question]:
        """The questions without the category pseudo-questions."""
        return [q for q in self.questions if not q.is_category]
