"""Text from a pack reaches the terminal without control characters: a clear-screen or
window-title sequence in a path, a title or a quiz file is printed without its ESC/BEL,
whichever command prints it, piped or not."""
from __future__ import annotations

from click.testing import CliRunner

from bridge.cli import main

NASTY = "\x1b[2J\x1b]0;pwned\x07\u202e"


def _clean(output: str) -> None:
    assert not any(ch in output for ch in "\x1b\x07\u202e"), repr(output)


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, result.output
    return result.output + (result.stderr if result.stderr_bytes is not None else "")


def test_validate_and_build_print_pack_paths_and_titles_clean(library, tmp_path):
    pack = library / "mini"
    text = (pack / "pack.toml").read_text("utf-8")
    text = text.replace('source = "files/讲义 1.txt"', 'source = "files/\\u001b[2J\\u001b]0;pwned\\u0007.txt"')
    text = text.replace('title = "MDN"', 'title = "MDN\\u001b[31m\\u202e"')
    (pack / "pack.toml").write_text(text, "utf-8")
    for args in (["validate", str(pack)], ["validate", "--format", "json", str(pack)],
                 ["build", str(pack), "--out", str(tmp_path / "out")]):
        output = _run(*args)
        assert "pwned" in output  # the message is there, only without its controls
        _clean(output)


def test_quiz_check_prints_a_quiz_file_name_clean(tmp_path):
    bad = tmp_path / f"unit{NASTY}.gift"
    bad.write_text("Q {=A\n", "utf-8")
    output = _run("quiz", "check", str(bad))
    assert "pwned" in output
    _clean(output)
