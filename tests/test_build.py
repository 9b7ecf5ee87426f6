"""``certbridge build``: rendered pages, quiz XML and a manifest with fingerprints."""
from __future__ import annotations

import hashlib
import json

from click.testing import CliRunner

from bridge.cli import main


def test_build_writes_pages_quizzes_and_manifest(library, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(library / "mini"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "mini" / "manifest.json").read_text("utf-8"))
    by_id = {r["id"]: r for r in manifest["resources"]}
    assert manifest["counts"] == {"planned_total": 7, "ready": 6}

    page = out / "mini" / by_id["page-tpl"]["output"]
    html = page.read_text("utf-8")
    assert "<h2>HTML 文档结构</h2>" in html and "1.1.1 能使用 HTML 标签搭建页面结构。" in html
    assert by_id["page-tpl"]["sha256"] == hashlib.sha256(page.read_bytes()).hexdigest()
    assert by_id["page-tpl"]["sha1"] == hashlib.sha1(page.read_bytes()).hexdigest()

    handout = library / "mini" / "files" / "讲义 1.txt"
    assert by_id["handout"]["sha256"] == hashlib.sha256(handout.read_bytes()).hexdigest()
    assert by_id["handout"]["source"] == "files/讲义 1.txt"
    assert by_id["mdn"]["sha1"] == hashlib.sha1(b"https://developer.mozilla.org/zh-CN/").hexdigest()
    assert by_id["note"]["sha1"] == hashlib.sha1("<p>请完成测验。</p>".encode()).hexdigest()
    assert by_id["video"]["status"] == "planned" and by_id["video"]["sha256"] is None

    quiz = out / "mini" / by_id["quiz1"]["output"]
    assert quiz.name == "quiz1.xml" and quiz.read_bytes().lstrip().startswith(b"<?xml")


def test_page_text_from_the_pack_is_escaped(library, tmp_path):
    pack = library / "mini"
    text = (pack / "pack.toml").read_text("utf-8").replace('body = "<p>正文</p>"', 'body = "<p>正文</p>"\n  heading = "<script>alert(1)</script>"')
    (pack / "pack.toml").write_text(text, "utf-8")
    (pack / "templates" / "simple.html").write_text("<h2>{{ vars.heading }}</h2>{{ vars.body }}", "utf-8")
    CliRunner().invoke(main, ["build", str(pack), "--out", str(tmp_path / "o")], catch_exceptions=False)
    html = (tmp_path / "o" / "mini" / "pages" / "page-tpl.html").read_text("utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_build_refuses_invalid_packs(library, tmp_path):
    text = (library / "mini" / "pack.toml").read_text("utf-8").replace('type = "url"', 'type = "link"')
    (library / "mini" / "pack.toml").write_text(text, "utf-8")
    result = CliRunner().invoke(main, ["build", str(library / "mini"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "unknown-type" in result.output
    assert not (tmp_path / "o").exists()


def test_validation_and_the_desired_state_render_each_page_and_parse_each_quiz_once(library, monkeypatch):
    import bridge.quiz
    from bridge.pack import load_catalog
    from bridge.render import desired, pages

    calls = {"render": 0, "quiz": 0}
    real_render, real_load = pages.render_page, bridge.quiz.load_questions

    def counting_render(*args, **kwargs):
        calls["render"] += 1
        return real_render(*args, **kwargs)

    def counting_load(*args, **kwargs):
        calls["quiz"] += 1
        return real_load(*args, **kwargs)

    monkeypatch.setattr(pages, "render_page", counting_render)
    monkeypatch.setattr(desired, "render_page", counting_render)
    monkeypatch.setattr(bridge.quiz, "load_questions", counting_load)
    pack = load_catalog([library / "mini"]).selected()[0]
    course = desired.desired_course(pack)
    assert calls["render"] == 2  # the two ready pages, once each
    assert calls["quiz"] <= 1 and course.module("certbridge:mini:quiz1").fingerprint
