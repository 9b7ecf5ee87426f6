"""A hostile page template: escapes and bombs end as a ``template-error`` (exit 2) from
``validate`` and ``build`` — no file read, written or listed outside the page, no token
printed, no traceback, no memory blow-up."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.pack import load_catalog

TOKEN = "tok-5ecret-0123456789abcdef"

PAYLOADS = {
    # pathlib and model objects are gone from the context
    "read-passwd": "{{ pack.root.joinpath('/etc/passwd').read_text() }}",
    "read-environ": "{{ pack.root.joinpath('/proc/self/environ').read_text() }}",
    "list-folders": "{{ pack.root.parent.parent.iterdir()|list }}",
    "write-file": "{{ pack.root.joinpath('pwned.txt').write_text('x') }}",
    "resource-source": "{{ resource.source.read_text() }}",
    "attr-filter": "{{ pack|attr('root') }}",
    "attr-dunder": "{{ ''|attr('__class__') }}",
    # globals that reach Python (Jinja's defaults are removed)
    "cycler": "{{ cycler.__init__.__globals__.os.environ }}",
    "joiner": "{{ joiner.__init__.__globals__ }}",
    "namespace": "{% set ns = namespace(a=1) %}{{ ns.__init__.__globals__ }}",
    "lipsum": "{{ lipsum.__globals__.os.popen('id').read() }}",
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "dict-subclasses": "{{ dict.__base__.__subclasses__() }}",
    "dict-fromkeys": "{{ dict.fromkeys(range(10)) }}",
    "format-attr": "{{ '{0.__class__.__mro__}'.format('') }}",
    "format-globals": "{{ '{0.__init__.__globals__}'.format(vars) }}",
    "template-reference": "{{ self._TemplateReference__context }}",
    "method-not-allowed": "{{ 'abc'.center(1000000000) }}",
    "vars-class": "{{ vars.__class__ }}",
    "config": "{{ config.items() }}",
    # files outside the templates folders
    "include-absolute": "{% include '/etc/passwd' %}",
    "include-dotdot": "{% include '../../../../../../etc/passwd' %}",
    "extends-absolute": "{% extends '/etc/passwd' %}",
    "import-pack-toml": "{% import '../pack.toml' as x %}",
    # bombs
    "range-bomb": "{{ range(10**9)|list|length }}",
    "string-bomb": "{{ 'a' * 10**10 }}",
    "power-bomb": "{{ 10 ** 1000000000 }}",
    "recursive-macro": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "page-bomb": "{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}",
    "replace-bomb": "{{ ('x' * 1000000).replace('x', 'xxxxxxxxxxxxxxxxxxxx') }}",
    "format-width-bomb": "{{ '%0999999999d'|format(1) }}",
    "batch-bomb": "{{ [1]|batch(1000000000, 'x')|list }}",
    "concat-bomb": "{% set x = 'a' * 5000000 %}{% set x = x ~ x ~ x ~ x %}{% set x = x ~ x ~ x ~ x %}"
                   "{% set x = x ~ x ~ x ~ x %}{% set x = x ~ x ~ x ~ x %}{{ x|length }}",
    "time-bomb": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
}


@pytest.fixture
def hostile(library: Path, monkeypatch) -> Path:
    monkeypatch.setenv("CERTBRIDGE_TOKEN", TOKEN)
    monkeypatch.setenv("CERTBRIDGE_PAGE_SECONDS", "3")  # the time bomb's limit, kept short here
    return library / "mini"


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_a_hostile_template_is_a_template_problem_in_validate_and_build(hostile, tmp_path, name, monkeypatch):
    (hostile / "templates" / "simple.html").write_text(PAYLOADS[name], "utf-8")
    monkeypatch.chdir(tmp_path)
    before = _files(hostile.parent) | _files(tmp_path)
    runner = CliRunner()
    for args in (["validate", str(hostile)], ["build", str(hostile), "--out", str(tmp_path / "out")]):
        result = runner.invoke(main, args)
        output = result.output + (result.stderr if result.stderr_bytes is not None else "")
        assert result.exit_code == 2, (name, args[0], output)
        assert result.exception is None or isinstance(result.exception, SystemExit), output
        assert ("template-error" in output or "path-escapes" in output
                or "template-missing" in output), (name, output)
        assert TOKEN not in output and "root:" not in output and "CERTBRIDGE" not in output, output
        assert "Traceback" not in output
    assert _files(hostile.parent) | _files(tmp_path) == before  # nothing written anywhere


def test_every_payload_names_the_pack_line_of_the_resource(hostile):
    (hostile / "templates" / "simple.html").write_text("<p>\n{{ 'a' * 10**10 }}</p>", "utf-8")
    [problem] = load_catalog([hostile]).problems
    assert problem.file == str(hostile / "pack.toml") and problem.line == 26  # the resource's template line
    assert "simple.html:2" in problem.message and "template-error" == problem.code


def test_the_renderer_holds_no_token_in_its_environment(hostile):
    (hostile / "templates" / "simple.html").write_text("{{ vars.body }}", "utf-8")
    from bridge.render.worker import shared_worker

    proc = shared_worker()._start()
    environ = Path(f"/proc/{proc.pid}/environ").read_bytes().decode()
    assert TOKEN not in environ and "CERTBRIDGE_TOKEN" not in environ
    assert os.environ["CERTBRIDGE_TOKEN"] == TOKEN  # it is there in the parent


def test_ordinary_templates_still_work_after_a_bomb(hostile):
    """A bomb that kills or times out the renderer costs that page only."""
    (hostile / "templates" / "simple.html").write_text(PAYLOADS["time-bomb"], "utf-8")
    assert [p.code for p in load_catalog([hostile]).problems] == ["template-error"]
    (hostile / "templates" / "simple.html").write_text(
        "{% for s in skills %}{{ loop.cycle('a', 'b') }}{{ s.code|upper }}{% endfor %}"
        "{{ '{}-{}'.format(pack.id, course.shortname) }} {{ vars.get('x', 'd') }}{{ vars.body[:0] }} {{ '%s!'|format(resource.id) }}"
        " {{ pack.certificate.standard.id }} {{ section.title|length > 0 }}", "utf-8")
    catalog = load_catalog([hostile])
    assert catalog.problems == []
    page = next(r for r in catalog.selected()[0].resources if r.id == "page-tpl").memo["page"]
    assert page == "a1.1.1mini-MINI-101 d page-tpl! mini True"


def test_a_template_that_is_a_fifo_is_refused_without_blocking(hostile):
    target = hostile / "templates" / "simple.html"
    target.unlink()
    os.mkfifo(target)
    [problem] = load_catalog([hostile]).problems
    assert problem.code == "template-error" and "not a regular file" in problem.message


def test_only_packs_with_their_own_templates_pay_for_the_render_process(library, monkeypatch):
    """Template code from a pack runs in the separate process; a pack that only fills the
    project's templates with data renders here, in the same bounded sandbox."""
    import bridge.render.worker as worker

    started = []
    monkeypatch.setattr(worker.RenderWorker, "_start", lambda self: started.append(self) or (_ for _ in ()).throw(
        AssertionError("the render process was started")))
    pack = library / "mini"
    text = (pack / "pack.toml").read_text("utf-8").replace('template = "simple.html"', 'template = "lesson.html"')
    (pack / "pack.toml").write_text(text, "utf-8")
    (pack / "templates" / "simple.html").unlink()
    (pack / "templates").rmdir()
    catalog = load_catalog([pack])
    assert catalog.problems == [] and started == []
    page = next(r for r in catalog.selected()[0].resources if r.id == "page-tpl").memo["page"]
    assert "<p>正文</p>" in page
    os.mkdir(pack / "templates")  # now the pack could shadow one of ours: the process is used
    with pytest.raises(AssertionError, match="render process was started"):
        load_catalog([pack])
    assert started
