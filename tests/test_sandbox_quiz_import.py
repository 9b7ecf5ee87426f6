"""The sandbox imports every sample quiz as certbridge writes it, counting types like Moodle."""
from __future__ import annotations

from pathlib import Path

import pytest

from bridge.quiz import load_questions, summarize, to_moodle_xml
from bridge.sandbox.quizxml import count_by_type, parse_questions

QUIZZES = sorted(p for p in (Path(__file__).resolve().parent.parent / "resource_packs").rglob("quizzes/*")
                 if p.suffix in (".gift", ".xml", ".txt"))


@pytest.mark.parametrize("path", QUIZZES, ids=[p.name for p in QUIZZES])
def test_sample_quiz_imports_with_the_same_counts(path):
    bank = load_questions(path)
    counts = count_by_type(parse_questions(to_moodle_xml(bank)))
    assert counts == {k: v for k, v in sorted(summarize(bank).items()) if v}
