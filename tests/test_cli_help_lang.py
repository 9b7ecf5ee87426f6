"""--help and the command list follow --lang / CERTBRIDGE_LANG / the locale, fully."""
from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.cli.help import localize
from bridge.i18n import set_lang
from test_cli_help import ALL

CJK = re.compile(r"[\u4e00-\u9fff]")


IDS = [" ".join(p) or "certbridge" for p, _ in ALL]


def first_line(cmd: click.Command, lang: str) -> str:
    return localize(cmd.help, lang).split("\n\n")[0].split("\n")[0][:12]


@pytest.mark.parametrize("path,cmd", ALL, ids=IDS)
def test_chinese_help_is_chinese(path, cmd):
    result = CliRunner().invoke(main, [*path, "--help", "--lang", "zh"] if path else ["--lang", "zh", "--help"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("用法：") and "选项：" in out and "Usage" not in out and "Options" not in out
    assert first_line(cmd, "zh") in out and first_line(cmd, "en") not in out
    assert "Show this message" not in out and "Show the version" not in out and "[default:" not in out and "[required]" not in out
    for param in cmd.params:
        if isinstance(param, click.Option) and param.help and param.name not in ("help", "version"):
            shown = localize(param.help, "zh")
            assert CJK.search(shown) and shown[:10] in " ".join(out.split()), f"{param.name}: {shown!r}"


@pytest.mark.parametrize("path,cmd", ALL, ids=IDS)
def test_english_help_has_no_chinese_paragraph(path, cmd):
    result = CliRunner().invoke(main, [*path, "--help", "--lang", "en"] if path else ["--lang", "en", "--help"])
    assert result.output.startswith("Usage: ")
    assert first_line(cmd, "zh") not in result.output and first_line(cmd, "en") in result.output
    options = result.output.split("Options:", 1)[1].split("Commands:", 1)[0]
    assert not any(p in options for p in "。，："), options


def test_command_list_is_complete_and_not_cut(monkeypatch):
    set_lang(None)
    monkeypatch.delenv("CERTBRIDGE_LANG", raising=False)
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    out = CliRunner().invoke(main, ["--help"]).output  # the locale alone makes it Chinese
    commands = out.split("命令：", 1)[1]
    for name, cmd in main.commands.items():
        assert re.search(rf"^  {re.escape(name)} ", commands, re.M)
        first = re.split(r"(?<=。)", localize(cmd.help, "zh").split("\n\n")[0], 1)[0]
        assert " ".join(commands.split()).count(first.replace("\n", "")[-8:]) >= 1, name
    assert "…" not in commands and "..." not in commands


def test_lang_after_help_still_counts():
    assert CliRunner().invoke(main, ["validate", "--help", "--lang", "zh"]).output.startswith("用法：")
    assert CliRunner().invoke(main, ["quiz", "--lang", "zh", "-h"]).output.startswith("用法：")


def test_plan_words_are_translated():
    from bridge.words import word

    set_lang("zh")
    assert [word(w) for w in ("create", "new", "reachable", "token", "ready", "planned", "page")] == [
        "新建", "新资源", "可访问", "令牌", "已就绪", "计划中", "页面"]
