"""Template variables: a vars key the template never reads, a variable it needs, and the
documentation of every bundled template's variables."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bridge.pack import load_catalog
from test_pack_validate import edit
from bridge.render.template_vars import parse_environment, template_vars

REPO = Path(__file__).resolve().parent.parent
DOC = (REPO / "docs" / "pack-format.md").read_text("utf-8")
BUNDLED = sorted(p.name for p in (REPO / "templates" / "pages").glob("*.html") if not p.name.startswith("_"))


def test_misspelt_var_is_flagged_with_did_you_mean_on_its_line(library):
    pack = library / "mini"
    edit(pack, 'template = "simple.html"', 'template = "lab.html"')
    edit(pack, 'body = "<p>正文</p>"', 'body = "<p>正文</p>"\n  step = [{ title = "第一步" }]')
    problems = load_catalog([pack]).problems
    assert [p.code for p in problems] == ["template-var-unused"]
    assert "did you mean 'steps'?" in problems[0].message
    lines = (pack / "pack.toml").read_text("utf-8").splitlines()
    assert lines[problems[0].line - 1].strip().startswith("step = ")


def test_a_needed_variable_that_is_missing_is_named_once(library):
    pack = library / "mini"
    edit(pack, 'body = "<p>正文</p>"', 'bdy = "<p>正文</p>"')
    problems = load_catalog([pack]).problems
    assert sorted(p.code for p in problems) == ["template-var-missing", "template-var-unused"]
    assert any("vars.body" in p.message for p in problems)
    assert any("did you mean 'body'" in p.message for p in problems)
    assert not any(p.code == "template-error" for p in problems)  # not a second message for the same cause


def test_a_template_reading_vars_dynamically_is_not_second_guessed(library):
    pack = library / "mini"
    (pack / "templates" / "simple.html").write_text("{% for k, v in vars.items() %}{{ k }}={{ v }}{% endfor %}", "utf-8")
    assert load_catalog([pack]).problems == []


def test_a_top_level_name_the_page_does_not_get_is_flagged(library):
    pack = library / "mini"
    (pack / "templates" / "simple.html").write_text("{{ vars.body|safe }}{{ resorce.title }}", "utf-8")
    problems = load_catalog([pack]).problems
    assert [p.code for p in problems] == ["template-var-missing"] and "did you mean 'resource'" in problems[0].message


@pytest.mark.parametrize("name", BUNDLED)
def test_every_variable_of_a_bundled_template_is_documented(name):
    env = parse_environment(REPO / "resource_packs" / "web-frontend-basic")
    found = template_vars(env, name)
    assert not found.dynamic
    section = DOC.split(f"`{name}`", 1)[1].split("\n\n", 1)[0]
    documented = set(re.findall(r"^\| `(\w+)` \|", section, re.M))
    assert documented == set(found.read), f"docs/pack-format.md's table for {name}"
