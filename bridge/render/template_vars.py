"""Which ``vars`` a page template reads, so a misspelt key is caught before publishing.

A resource's ``[sections.resources.vars]`` key that no template reads (``step`` for
``steps``) would publish a page without its steps; a key read as ``vars.x`` (not
``vars.get('x')`` or under ``is defined``) that the resource lacks would fail rendering.
The template and everything it extends, includes or imports are parsed (Jinja's AST,
whatever environment class renders it) and their ``vars`` accesses collected.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2 import meta, nodes

from bridge.i18n import tr
from bridge.pack.schema import did_you_mean

#: The names a page template is given (bridge.render.pages).
CONTEXT = ("pack", "course", "section", "resource", "vars", "skills")
_DICT_METHODS = {"items", "keys", "values"}


@dataclass(frozen=True)
class TemplateVars:
    """``vars`` keys a template reads: required (``vars.x``) or optional (``vars.get('x')``,
    ``vars.x is defined``); ``dynamic`` when ``vars`` is used in a way that hides which."""

    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    dynamic: bool = False
    #: Top-level names the template uses that the page context does not define.
    unknown_names: frozenset[str] = frozenset()

    @property
    def read(self) -> frozenset[str]:
        return self.required | self.optional


@dataclass
class _Collector:
    required: set[str] = field(default_factory=set)
    optional: set[str] = field(default_factory=set)
    accounted: set[int] = field(default_factory=set)  # ids of Name('vars') nodes understood
    dynamic: bool = False

    def walk(self, ast: nodes.Template) -> None:
        for test in ast.find_all(nodes.Test):
            if test.name == "defined" and (key := _key(test.node)):
                self.optional.add(key)
        for call in ast.find_all(nodes.Call):
            target = call.node
            if (isinstance(target, nodes.Getattr) and target.attr == "get" and _is_vars(target.node)
                    and call.args and isinstance(call.args[0], nodes.Const) and isinstance(call.args[0].value, str)):
                self.optional.add(call.args[0].value)
                self.accounted.add(id(target.node))
        for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
            if not _is_vars(node.node) or id(node.node) in self.accounted:
                continue
            key = _key(node)
            if key is None or key in _DICT_METHODS or key.startswith("_"):
                continue  # vars[expr], vars.items(), vars.__class__: handled as dynamic below
            self.required.add(key)
            self.accounted.add(id(node.node))
        names = [n for n in ast.find_all(nodes.Name) if n.name == "vars" and n.ctx == "load"]
        if any(id(n) not in self.accounted for n in names):
            self.dynamic = True


def _bound_names(ast: nodes.Template) -> set[str]:
    """Names the template binds itself (``import … as m``, set, for, macro): an
    ``import`` outside the blocks of a child template is not seen by Jinja's meta."""
    bound = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    bound |= {i.target for i in ast.find_all(nodes.Import)}
    for imported in ast.find_all(nodes.FromImport):
        bound |= {n if isinstance(n, str) else n[1] for n in imported.names}
    bound |= {macro.name for macro in ast.find_all(nodes.Macro)}
    return bound


def _is_vars(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Name) and node.name == "vars"


def _key(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Getattr) and _is_vars(node.node):
        return node.attr
    if (isinstance(node, nodes.Getitem) and _is_vars(node.node) and isinstance(node.arg, nodes.Const)
            and isinstance(node.arg.value, str)):
        return node.arg.value
    return None


def template_vars(env: jinja2.Environment, name: str) -> TemplateVars:
    """The ``vars`` keys ``name`` (and the templates it pulls in) reads. Raises Jinja's
    TemplateNotFound / TemplateSyntaxError, which rendering reports."""
    required: set[str] = set()
    optional: set[str] = set()
    unknown: set[str] = set()
    dynamic = False
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        source, _, _ = env.loader.get_source(env, current)
        one, refs = _analyse(env, source)
        required |= one.required
        optional |= one.optional
        unknown |= one.unknown_names
        dynamic = dynamic or one.dynamic or None in refs  # {% include a_variable %}: cannot tell
        todo.extend(r for r in refs if r is not None)
    return TemplateVars(frozenset(required - optional), frozenset(optional), dynamic, frozenset(unknown))


@lru_cache(maxsize=256)
def _analyse(env: jinja2.Environment, source: str) -> tuple[TemplateVars, tuple[str | None, ...]]:
    """One template's own reads and the templates it references (cached by its text: a
    library's packs share the project's templates)."""
    ast = env.parse(source)
    collector = _Collector()
    collector.walk(ast)
    unknown = meta.find_undeclared_variables(ast) - set(CONTEXT) - set(env.globals) - _bound_names(ast)
    found = TemplateVars(frozenset(collector.required), frozenset(collector.optional), collector.dynamic,
                         frozenset(unknown))
    return found, tuple(meta.find_referenced_templates(ast))


def parse_environment(pack_root: Path) -> jinja2.Environment:
    """An environment that finds a pack's page templates as rendering does; used here
    only to parse them (rendering happens in the worker process)."""
    from bridge.render.templates import page_search_path

    own, shared = page_search_path(pack_root)
    return _environment(own, tuple(shared))


@lru_cache(maxsize=64)
def _environment(own: str | None, shared: tuple[str, ...]) -> jinja2.Environment:
    from bridge.render.sandbox import PackTemplateLoader, PageSandbox

    return PageSandbox(PackTemplateLoader(own, list(shared)))


def var_problems(env: jinja2.Environment, template: str, given: dict) -> list[tuple[str, str | None, str]]:
    """(code, vars key or None, message) for each mismatch between a resource's ``vars``
    and what ``template`` reads; empty when the template cannot be read (rendering says why)."""
    try:
        found = template_vars(env, template)
    except (jinja2.TemplateError, RecursionError, OSError, UnicodeDecodeError):
        return []  # rendering (in its own process) reports what is wrong with the template
    problems: list[tuple[str, str | None, str]] = []
    if not found.dynamic:
        for key in sorted(set(given) - found.read):
            guess = did_you_mean(key, found.read - set(given))
            if guess:
                message = tr("vars key '{k}' is never read by template {t}: did you mean '{g}'?",
                             "vars 中的“{k}”模板 {t} 没有用到：是否应为“{g}”？", k=key, t=template, g=guess)
            else:
                message = tr("vars key '{k}' is never read by template {t}; it reads: {keys}.",
                             "vars 中的“{k}”模板 {t} 没有用到；该模板使用的变量：{keys}。", k=key, t=template,
                             keys=", ".join(sorted(found.read)) or tr("(none)", "（无）"))
            problems.append(("template-var-unused", key, message))
    for key in sorted(found.required - set(given)):
        problems.append(("template-var-missing", None,
                         tr("template {t} needs vars.{k}: add {k} under [sections.resources.vars].",
                            "模板 {t} 需要变量 vars.{k}：请在 [sections.resources.vars] 中加上 {k}。", t=template, k=key)))
    for name in sorted(found.unknown_names):  # without a likely intended name, rendering says it
        guess = did_you_mean(name, [*CONTEXT, *(f"vars.{k}" for k in found.read | set(given))])
        if guess:
            problems.append(("template-var-missing", None,
                             tr("template {t} uses '{n}', which a page is not given: did you mean '{g}'?",
                                "模板 {t} 用到了“{n}”，页面没有这个变量：是否应为“{g}”？", t=template, n=name, g=guess)))
    return problems
