"""A pack cannot reach outside itself: not through a template (code or a symlink), nor a
``standard`` reference; what it writes into the catalogue cannot become a script."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bridge.pack import load_catalog


def edit(pack: Path, old: str, new: str) -> None:
    file = pack / "pack.toml"
    text = file.read_text("utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), "utf-8")


def codes(pack: Path) -> list[str]:
    return [p.code for p in load_catalog([pack]).problems]


def rendered_page(pack: Path) -> str:
    from bridge.render.pages import render_page

    loaded = load_catalog([pack]).selected()[0]
    return render_page(loaded, next(r for r in loaded.resources if r.id == "page-tpl"))


@pytest.mark.parametrize("expression", [
    "cycler.__init__.__globals__.os.getcwd()",
    "''.__class__.__mro__[1].__subclasses__()",
    "vars.__class__.__base__.__subclasses__()",
    "self.__init__.__globals__.__builtins__",
])
def test_a_template_cannot_reach_python_internals(library, expression):
    pack = library / "mini"
    (pack / "templates" / "simple.html").write_text("<p>{{ " + expression + " }}</p>{{ vars.body }}", "utf-8")
    assert codes(pack) in (["template-error"], ["template-var-missing"])  # cycler is no longer defined


def test_a_template_still_renders_ordinary_jinja(library):
    pack = library / "mini"
    (pack / "templates" / "simple.html").write_text(
        "{% for s in skills %}{{ s.code }} {% endfor %}{{ vars.get('x', 'd')|upper }} {{ resource.title }} "
        "{{ pack.id }} {{ course.shortname }} {{ section.title }} {{ '%s-%d'|format('a', 2) }} {{ vars.body }}", "utf-8")
    assert codes(pack) == []
    assert rendered_page(pack).startswith("1.1.1 D ")


def test_a_template_symlinked_out_of_the_pack_is_refused(library, tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text("<p>TOP SECRET</p>", "utf-8")
    pack = library / "mini"
    (pack / "templates" / "simple.html").unlink()
    os.symlink(secret, pack / "templates" / "simple.html")
    problems = load_catalog([pack]).problems
    assert [p.code for p in problems] == ["path-escapes"]
    assert "TOP SECRET" not in problems[0].message


def test_a_templates_folder_symlinked_out_of_the_pack_is_refused(library, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "simple.html").write_text("<p>TOP SECRET</p>", "utf-8")
    pack = library / "mini"
    (pack / "templates" / "simple.html").unlink()
    (pack / "templates").rmdir()
    os.symlink(elsewhere, pack / "templates")
    assert codes(pack) == ["path-escapes"]


def test_an_include_symlinked_out_of_the_pack_is_refused(library, tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text("<p>TOP SECRET</p>", "utf-8")
    pack = library / "mini"
    os.symlink(secret, pack / "templates" / "part.html")
    (pack / "templates" / "simple.html").write_text('{% include "part.html" %}', "utf-8")
    problems = load_catalog([pack]).problems
    assert [p.code for p in problems] == ["path-escapes"]
    assert "TOP SECRET" not in problems[0].message


def test_a_symlink_that_stays_inside_the_pack_is_fine(library):
    pack = library / "mini"
    os.rename(pack / "templates" / "simple.html", pack / "pages" / "real.html")
    os.symlink(pack / "pages" / "real.html", pack / "templates" / "simple.html")
    assert codes(pack) == []


@pytest.mark.parametrize("ref", ["../outside.toml", "{outside}", "../outside", "mini/../../outside"])
def test_the_standard_reference_stays_inside_the_pack_or_the_standards_folders(library, ref):
    outside = library / "outside.toml"  # beside the pack, not in a standards folder
    outside.write_text((library / "standards" / "mini.toml").read_text("utf-8"), "utf-8")
    pack = library / "mini"
    edit(pack, 'standard = "mini"', f'standard = "{ref.format(outside=outside)}"')
    catalog = load_catalog([pack])
    assert "standard-missing" in [p.code for p in catalog.problems]
    assert catalog.selected()[0].certificate.standard is None


def test_a_standard_file_inside_the_pack_is_still_found(library):
    pack = library / "mini"
    (pack / "std").mkdir()
    (pack / "std" / "mine.toml").write_text((library / "standards" / "mini.toml").read_text("utf-8"), "utf-8")
    edit(pack, 'standard = "mini"', 'standard = "std/mine.toml"')
    catalog = load_catalog([pack])
    assert catalog.problems == [] and catalog.selected()[0].certificate.standard.id == "mini"
