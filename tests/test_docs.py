"""The README stays true: the two commands first, every command and exit code listed."""
from __future__ import annotations

import re

import pytest

from bridge.cli import main
from bridge.errors import ExitCode
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

README = (REPO / "README.md").read_text("utf-8")


def test_readme_opens_with_the_two_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["scripts/demo", "scripts/test"]
    for script in commands:
        assert (REPO / script).is_file()


def test_ci_runs_the_readme_test_command():
    assert "scripts/test" in (REPO / ".ci" / "run").read_text("utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_is_in_the_readme(name):
    assert f"certbridge {name}" in README, f"README.md does not document 'certbridge {name}'"


@pytest.mark.parametrize("code", [int(c) for c in ExitCode])
def test_every_exit_code_is_in_the_readme(code):
    assert re.search(rf"^\| {code} \|", README, re.M), f"exit code {code} is not in README.md"


def test_readme_config_example_is_a_valid_config(tmp_path, monkeypatch):
    from bridge.config import load_config

    monkeypatch.delenv("CERTBRIDGE_URL", raising=False)
    example = re.search(r"```toml\n(.*?)```", README, re.S).group(1)
    (tmp_path / "certbridge.toml").write_text(example, "utf-8")
    config = load_config(tmp_path / "certbridge.toml")
    assert [s.name for s in config.sites] == ["campus"]
    assert config.sites[0].token_env == "CAMPUS_MOODLE_TOKEN"
