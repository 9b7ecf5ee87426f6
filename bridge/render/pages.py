"""Rendering page resources to the HTML a Moodle page activity holds."""
from __future__ import annotations

from pathlib import Path

import jinja2

from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr
from bridge.pack.model import Pack, Resource
from bridge.render.templates import TemplateOutsidePack, page_environment


class RenderError(BridgeError):
    exit_code = ExitCode.INVALID_INPUT

    def __init__(self, message: str, *, code: str, file: Path | None = None, line: int | None = None):
        super().__init__(message)
        self.code, self.file, self.line = code, file, line


def page_context(pack: Pack, resource: Resource) -> dict:
    standard = pack.certificate.standard if pack.certificate else None
    reqs = standard.requirement_map(pack.certificate.level) if standard else {}
    section = next((s for s in pack.sections if s.number == resource.section), None)
    skills = [{"code": c, "text": r.text, "area": r.area, "task": r.task, "area_code": r.area_code,
               "task_code": r.task_code} for c in resource.skills if (r := reqs.get(c))]
    return {"pack": pack, "course": pack.course, "section": section, "resource": resource,
            "vars": resource.vars, "skills": skills}


def render_page(pack: Pack, resource: Resource, home_root: Path | None = None) -> str:
    """The page's HTML: its ``source`` file as written, or its ``template`` rendered.

    ``home_root`` is the folder of the pack that authored the resource (for ``use``):
    its templates are searched first.
    """
    if resource.template is None:
        if resource.source is None:
            raise RenderError(tr("The page has no source or template.", "页面没有 source 或 template。"),
                              code="no-content")
        return read_text(resource.source)
    env = page_environment(home_root or pack.root)
    try:
        template = env.get_template(resource.template)
    except TemplateOutsidePack:
        raise RenderError(tr("Template '{t}' points outside the pack folder; keep templates inside the pack.",
                             "模板“{t}”指向资源包目录之外；模板必须放在资源包内。", t=resource.template),
                          code="path-escapes") from None
    except jinja2.TemplateNotFound:
        raise RenderError(tr("Template '{t}' not found in {dirs}. Check the name or add the file.",
                             "找不到模板“{t}”（查找位置：{dirs}）。请检查名称或添加模板文件。",
                             t=resource.template, dirs=", ".join(str(p) for p in env.loader.searchpath)),
                          code="template-missing") from None
    except jinja2.TemplateSyntaxError as err:
        raise RenderError(tr("Template syntax error: {m}", "模板语法错误：{m}", m=err.message),
                          code="template-error", file=Path(err.filename or resource.template), line=err.lineno) from None
    try:
        return template.render(page_context(pack, resource))
    except jinja2.UndefinedError as err:
        raise RenderError(tr("Template '{t}' uses something the resource does not define: {m}. "
                             "Add it under [sections.resources.vars].",
                             "模板“{t}”用到了资源未定义的变量：{m}。请在 [sections.resources.vars] 中补上。",
                             t=resource.template, m=err.message), code="template-error") from None
    except jinja2.TemplateError as err:
        raise RenderError(tr("Template '{t}' failed: {m}", "模板“{t}”渲染失败：{m}", t=resource.template, m=err),
                          code="template-error") from None


def read_text(path: Path) -> str:
    """A UTF-8 text file (BOM allowed); errors name the line of the first bad byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        from bridge.pack.tomlfile import not_utf8_message

        raise RenderError(not_utf8_message(path, data, err.start + 1), code="not-utf8", file=path,
                          line=data[: err.start].count(b"\n") + 1) from None
