"""Titles Moodle keeps as plain text are refused at validation when they hold tags or
control characters, with the line of the title."""
from __future__ import annotations

import pytest

from bridge.pack import load_catalog


def _set(pack, old: str, new: str) -> None:
    file = pack / "pack.toml"
    text = file.read_text("utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.parametrize("where, old, bad, line", [
    ("resource", 'title = "HTML 文档结构"', 'title = "HTML <b>文档</b>结构"', 25),
    ("section", 'title = "工作领域 1：静态网页开发"', 'title = "<script>x</script>"', 20),
    ("course", 'fullname = "迷你课程"', 'fullname = "迷你\\u001b[2J课程"', 15),
    ("course", 'shortname = "MINI-101"', 'shortname = "MINI<!--x-->"', 14),
    ("pack", 'title = "迷你资源包"', 'title = "迷你\\u202e包"', 3),
])
def test_a_title_with_tags_or_controls_is_refused_with_its_line(library, where, old, bad, line):
    pack = library / "mini"
    _set(pack, old, bad)
    problems = load_catalog([pack]).problems
    assert [(p.code, p.line) for p in problems] == [("title-not-plain", line)], problems
    assert "\x1b" not in problems[0].message and "\u202e" not in problems[0].message


@pytest.mark.parametrize("title", ["a < b 与 c > d", "C++ & Java", "《HTML5》第 1 章：<5 分钟", "100%"])
def test_ordinary_titles_with_angle_brackets_or_ampersands_pass(library, title):
    pack = library / "mini"
    _set(pack, 'title = "HTML 文档结构"', f'title = "{title}"')
    assert load_catalog([pack]).problems == []
