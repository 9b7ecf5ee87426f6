"""Every quiz of every sample pack converts, and the output has the structure Moodle reads."""
import tomllib
from pathlib import Path

import pytest

from bridge.quiz import load_questions, summarize, to_moodle_xml
from bridge.quiz.moodlexml_structure import structure_problems

PACKS = Path(__file__).parent.parent / "resource_packs"


def _pack_quizzes() -> list[Path]:
    """The files the packs' ``quiz`` resources point at (planned ones have none)."""
    found = []
    for manifest in sorted(PACKS.glob("*/pack.toml")):
        pack = tomllib.loads(manifest.read_text("utf-8-sig"))
        for section in pack.get("sections", []):
            for resource in section.get("resources", []):
                if resource.get("type") == "quiz" and resource.get("source"):
                    found.append(manifest.parent / resource["source"])
    return found


QUIZZES = _pack_quizzes()


def test_sample_packs_have_quizzes():
    assert QUIZZES, "no quiz resource found in resource_packs/*/pack.toml"


@pytest.mark.parametrize("source", QUIZZES, ids=[f"{p.parent.parent.name}/{p.name}" for p in QUIZZES])
def test_sample_quiz_converts_to_valid_moodle_xml(source):
    bank = load_questions(source)
    assert sum(summarize(bank).values()) > 0
    xml = to_moodle_xml(bank)
    assert structure_problems(xml, strict=True) == []
