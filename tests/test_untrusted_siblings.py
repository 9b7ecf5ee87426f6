"""Packs beside the one being validated are untrusted too: a FIFO, a device behind a
symlink, a huge or deeply nested ``pack.toml`` is a problem about that sibling, never a
hang, a memory blow-up or a traceback, and blocks only packs that reference it."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bridge.pack import load_catalog
from fixtures.sync_world import CERTBRIDGE


def _sibling(library: Path, name: str) -> Path:
    folder = library / name
    folder.mkdir()
    return folder / "pack.toml"


def _hostile_siblings(library: Path) -> None:
    os.mkfifo(_sibling(library, "fifo"))
    os.symlink("/dev/zero", _sibling(library, "zero"))
    _sibling(library, "deep").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", "utf-8")
    _sibling(library, "huge").write_bytes(b"# " + b"x" * (9 * 2**20) + b"\n")


def test_a_good_pack_validates_beside_hostile_siblings(library):
    _hostile_siblings(library)
    result = subprocess.run([str(CERTBRIDGE), "validate", str(library / "mini")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_of_packs_reports_each_bad_sibling_and_still_loads_the_rest(library):
    _hostile_siblings(library)
    catalog = load_catalog([library])
    by_file = {Path(p.file).parent.name: p.code for p in catalog.problems}
    assert by_file == {"fifo": "file-not-regular", "deep": "toml-syntax", "huge": "file-too-large"}
    assert "mini" in catalog.packs  # zero/ is a link out of the library: not part of it


def test_a_deeply_nested_pack_validated_directly_is_a_syntax_problem(library):
    file = library / "mini" / "pack.toml"
    file.write_text(file.read_text("utf-8") + "\n[pack_extra]\nx = " + "[" * 5000 + "]" * 5000 + "\n", "utf-8")
    [problem] = load_catalog([library / "mini"]).problems
    assert problem.code == "toml-syntax" and "nested too deeply" in problem.message


def test_a_reference_into_a_broken_sibling_names_it(library):
    os.mkfifo(_sibling(library, "shared-lib"))
    file = library / "mini" / "pack.toml"
    file.write_text(file.read_text("utf-8") + '\n  [[sections.resources]]\n  id = "reuse"\n'
                    '  use = "shared-lib:intro"\n', "utf-8")
    problems = load_catalog([library / "mini"]).problems
    [ref] = [p for p in problems if p.code == "reference-unknown"]
    assert "shared-lib" in ref.message and "not a regular file" in ref.message


@pytest.mark.parametrize("kind", ["fifo", "dir"])
def test_a_source_that_is_no_regular_file_says_so(library, kind):
    target = library / "mini" / "files" / "讲义 1.txt"
    target.unlink()
    os.mkfifo(target) if kind == "fifo" else target.mkdir()
    [problem] = load_catalog([library / "mini"]).problems
    assert problem.code == "file-not-regular"
    assert ("named pipe" if kind == "fifo" else "folder") in problem.message


@pytest.mark.parametrize("suffix", [".gift", ".xml"])
def test_a_quiz_past_the_question_cap_stops_with_one_problem(tmp_path, suffix):
    from bridge.quiz import check_quiz_file
    from bridge.quiz.source import MAX_QUESTIONS

    path = tmp_path / f"bomb{suffix}"
    count = MAX_QUESTIONS + 1
    if suffix == ".gift":
        path.write_text("".join(f"Q{i}{{T}}\n\n" for i in range(count)), "utf-8")
    else:
        path.write_text("<quiz>" + "<question/>" * count + "</quiz>", "utf-8")
    bank, problems = check_quiz_file(path)
    assert bank is None
    assert [p.code for p in problems] == ["quiz-too-many-questions"]


def test_a_quiz_with_thousands_of_mistakes_lists_a_bounded_number(tmp_path):
    from bridge.quiz import check_quiz_file
    from bridge.quiz.errors import ProblemLog

    path = tmp_path / "bad.gift"
    path.write_text("".join(f"Q{i} {{=A\n\n" for i in range(3000)), "utf-8")  # 3,000 unclosed blocks
    bank, problems = check_quiz_file(path)
    assert bank is None and len(problems) == ProblemLog.MAX_KEPT + 1
    assert problems[-1].code == "quiz-more-problems" and "2500" in problems[-1].message
