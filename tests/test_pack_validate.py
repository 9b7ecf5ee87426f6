"""The pack validator: one broken pack per check, each with its code and line."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.pack import load_catalog


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in pack.toml")


def edit(pack: Path, old: str, new: str) -> None:
    file = pack / "pack.toml"
    text = file.read_text("utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), "utf-8")


def test_sample_library_is_valid(library):
    catalog = load_catalog([library / "mini"])
    assert catalog.problems == []
    pack = catalog.selected()[0]
    assert [r.id for r in pack.resources] == ["page-tpl", "page-src", "handout", "mdn", "quiz1", "note", "video"]
    assert pack.certificate.level == "初级" and pack.course.category == ["信息工程学院", "软件技术"]
    assert pack.idnumber(pack.resources[0]) == "certbridge:mini:page-tpl"
    assert [r.section for r in pack.resources] == [1, 1, 1, 2, 2, 2, 2]


# (case id, old text, new text, expected code, the text that marks the expected line)
CASES = [
    ("toml-syntax", 'title = "迷你资源包"', 'title = 迷你资源包', "toml-syntax", "title = 迷你资源包"),
    ("unknown-key", 'title = "盒模型"', 'titel = "盒模型"', "unknown-key", 'titel = "盒模型"'),
    ("missing-field", 'version = "1.0.0"\n', "", "missing-field", "[pack]"),
    ("duplicate-id", 'id = "page-src"', 'id = "page-tpl" # again', "duplicate-id", "# again"),
    ("unknown-type", 'type = "url"', 'type = "link"', "unknown-type", 'type = "link"'),
    ("file-missing", 'source = "files/讲义 1.txt"', 'source = "files/nope.pdf"', "file-missing", "files/nope.pdf"),
    ("path-dotdot", 'source = "files/讲义 1.txt"', 'source = "../standards/mini.toml"', "path-escapes", "../standards"),
    ("path-absolute", 'source = "files/讲义 1.txt"', 'source = "/etc/passwd"', "path-escapes", "/etc/passwd"),
    ("url-scheme", 'url = "https://developer.mozilla.org/zh-CN/"', 'url = "javascript:alert(1)"', "url-scheme", "javascript:"),
    ("url-ftp", 'url = "https://developer.mozilla.org/zh-CN/"', 'url = "ftp://example.org/x"', "url-scheme", "ftp://"),
    ("unknown-skill", 'skills = ["1.1.2"]', 'skills = ["9.9.9"]', "unknown-skill", '"9.9.9"'),
    ("skill-other-level", 'skills = ["1.1.2"]', 'skills = ["1.1.9"]', "unknown-skill", '"1.1.9"'),
    ("template-missing", 'template = "simple.html"', 'template = "nope.html"', "template-missing", "nope.html"),
    ("no-content", 'url = "https://developer.mozilla.org/zh-CN/"\n', "", "no-content", 'id = "mdn"'),
    ("no-content-quiz", 'source = "quizzes/unit1.gift"\n', "", "no-content", 'id = "quiz1"'),
    ("bad-level", 'level = "初级"', 'level = "专家级"', "bad-level", 'level = "专家级"'),
    ("standard-missing", 'standard = "mini"', 'standard = "nope"', "standard-missing", 'standard = "nope"'),
    ("level-not-in-standard", 'level = "初级"', 'level = "高级"', "bad-level", 'level = "高级"'),
    ("bad-status", 'status = "planned"', 'status = "someday"', "bad-value", 'status = "someday"'),
    ("wrong-kind-quiz", 'source = "quizzes/unit1.gift"', 'source = "pages/box model 盒模型.html" # quiz', "wrong-kind", "# quiz"),
    ("bad-type-value", 'target = 0.5', 'target = "half"', "bad-value", 'target = "half"'),
    ("target-range", 'target = 0.5', 'target = 50', "bad-value", "target = 50"),
    ("pack-id", 'id = "mini"', 'id = "Mini Pack"', "bad-value", 'id = "Mini Pack"'),
]


@pytest.mark.parametrize("case,old,new,code,marker", CASES, ids=[c[0] for c in CASES])
def test_each_broken_pack_gives_code_and_line(library, case, old, new, code, marker):
    pack = library / "mini"
    edit(pack, old, new)
    text = (pack / "pack.toml").read_text("utf-8")
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(pack)])
    assert result.exit_code == 2, result.output
    report = json.loads(result.output)
    assert report["valid"] is False
    matching = [p for p in report["problems"] if p["code"] == code]
    assert matching, report["problems"]
    if marker is not None:
        assert line_of(text, marker) in [p["line"] for p in matching], matching
    assert all(p["file"].endswith("pack.toml") for p in matching)


def test_file_problems(library):
    pack = library / "mini"
    (pack / "files" / "讲义 1.txt").write_bytes(b"")
    catalog = load_catalog([pack])
    assert [p.code for p in catalog.problems] == ["file-empty"]
    (pack / "files" / "讲义 1.txt").write_bytes(b"x" * 2048)
    catalog = load_catalog([pack], max_file_bytes=1024)
    assert [p.code for p in catalog.problems] == ["file-too-large"]


def test_symlink_escaping_the_pack_is_refused(library, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", "utf-8")
    link = library / "mini" / "files" / "link.txt"
    os.symlink(outside, link)
    edit(library / "mini", 'source = "files/讲义 1.txt"', 'source = "files/link.txt"')
    catalog = load_catalog([library / "mini"])
    assert [p.code for p in catalog.problems] == ["path-escapes"]


def test_non_utf8_page_and_pack(library):
    pack = library / "mini"
    (pack / "pages" / "box model 盒模型.html").write_bytes("<p>盒模型</p>\n<p>x</p>".encode("gbk"))
    catalog = load_catalog([pack])
    assert "not-utf8" in [p.code for p in catalog.problems]
    raw = (pack / "pack.toml").read_text("utf-8")
    (pack / "pack.toml").write_bytes(raw.encode("gb18030"))
    problems = load_catalog([pack]).problems
    assert [p.code for p in problems] == ["not-utf8"]
    assert problems[0].line == 3  # the first line with Chinese text


def test_template_that_fails_to_render(library):
    pack = library / "mini"
    (pack / "templates" / "simple.html").write_text("{{ vars.missing_var }}", "utf-8")
    problems = load_catalog([pack]).problems  # caught before rendering: what is missing, what is unread
    assert sorted(p.code for p in problems) == ["template-var-missing", "template-var-unused"]
    assert any("missing_var" in p.message for p in problems)
    (pack / "templates" / "simple.html").write_text("{% for %}", "utf-8")
    problems = load_catalog([pack]).problems
    assert [p.code for p in problems] == ["template-error"]
    assert problems[0].file.endswith("simple.html") and problems[0].line == 1


def test_every_problem_in_one_run(library):
    pack = library / "mini"
    edit(pack, 'title = "盒模型"', 'titel = "盒模型"')
    edit(pack, 'type = "url"', 'type = "link"')
    edit(pack, 'skills = ["1.1.2"]', 'skills = ["9.9.9"]')
    codes = sorted(p.code for p in load_catalog([pack]).problems)
    assert codes == ["missing-field", "unknown-key", "unknown-skill", "unknown-type"]


def test_crlf_bom_cjk_names_are_valid(library):
    pack = library / "mini"
    text = (pack / "pack.toml").read_text("utf-8")
    (pack / "pack.toml").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert load_catalog([pack]).problems == []


def test_crlf_line_numbers(library):
    pack = library / "mini"
    edit(pack, 'type = "url"', 'type = "link"')
    text = (pack / "pack.toml").read_text("utf-8")
    (pack / "pack.toml").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    problems = load_catalog([pack]).problems
    assert [(p.code, p.line) for p in problems] == [("unknown-type", line_of(text, 'type = "link"'))]


def test_english_level_names(library):
    edit(library / "mini", 'level = "初级"', 'level = "elementary"')
    catalog = load_catalog([library / "mini"])
    assert catalog.problems == [] and catalog.selected()[0].certificate.level == "初级"


def test_validate_cli_text_and_languages(library):
    pack = library / "mini"
    ok = CliRunner().invoke(main, ["validate", str(pack)])
    assert ok.exit_code == 0 and "7 resources (6 ready, 1 planned)" in ok.output
    edit(pack, 'type = "url"', 'type = "link"')
    zh = CliRunner().invoke(main, ["--lang", "zh", "validate", str(pack)])
    assert zh.exit_code == 2
    assert "未知的资源类型" in zh.output and "pack.toml:" in zh.output


def test_validate_a_folder_of_packs_and_standards(library):
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(library)])
    report = json.loads(result.output)
    assert result.exit_code == 0, report
    assert report["packs"] == ["mini"] and len(report["standards"]) == 1


def test_broken_standard_is_reported(library):
    std = library / "standards" / "mini.toml"
    std.write_text(std.read_text("utf-8").replace('{ code = "1.2.1"', '{ code = "2.2.1"'), "utf-8")
    problems = load_catalog([library / "standards"]).problems
    assert [p.code for p in problems] == ["standard-invalid"]
    assert problems[0].line == std.read_text("utf-8").splitlines().index(
        next(l for l in std.read_text("utf-8").splitlines() if '"2.2.1"' in l)) + 1


def test_a_broken_quiz_fails_validation_with_its_line(library):
    quiz = library / "mini" / "quizzes" / "unit1.gift"
    quiz.write_text("::Q1:: 好的问题 {=a ~b}\n\n::Q2:: 没有闭合 {=html ~body\n", "utf-8")
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(library / "mini")])
    assert result.exit_code == 2
    problems = json.loads(result.output)["problems"]
    assert [(Path(p["file"]).name, p["line"], p["code"]) for p in problems] == [("unit1.gift", 3, "quiz-invalid")]


def test_symlinked_folder_and_dotdot_through_a_link(library, tmp_path):
    outside = tmp_path / "elsewhere"
    (outside / "sub").mkdir(parents=True)
    (outside / "x.txt").write_text("outside", "utf-8")
    (outside / "sub" / "y.txt").write_text("outside", "utf-8")
    os.symlink(outside / "sub", library / "mini" / "files" / "linkdir")
    for source in ("files/linkdir/y.txt", "files/linkdir/../x.txt"):
        text = (library / "mini" / "pack.toml").read_text("utf-8")
        text = text.replace('source = "files/讲义 1.txt"', f'source = "{source}"')
        (library / "mini" / "pack.toml").write_text(text, "utf-8")
        assert [p.code for p in load_catalog([library / "mini"]).problems] == ["path-escapes"], source
        (library / "mini" / "pack.toml").write_text(text.replace(f'source = "{source}"', 'source = "files/讲义 1.txt"'), "utf-8")


def test_dotdot_that_stays_inside_is_fine(library):
    edit(library / "mini", 'source = "files/讲义 1.txt"', 'source = "pages/../files/讲义 1.txt"')
    assert load_catalog([library / "mini"]).problems == []
