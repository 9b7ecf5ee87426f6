"""Rendering page resources to the HTML a Moodle page activity holds."""
from __future__ import annotations

from pathlib import Path

from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr
from bridge.pack.model import Pack, Resource
from bridge.render.context import page_context
from bridge.render.templates import page_search_path
from bridge.render.worker import page_seconds, shared_worker
from bridge.render.worker import render as render_here

_ENVIRONMENTS: dict = {}  # sandboxed environments of the project's templates, by search path


class RenderError(BridgeError):
    exit_code = ExitCode.INVALID_INPUT

    def __init__(self, message: str, *, code: str, file: Path | None = None, line: int | None = None):
        super().__init__(message)
        self.code, self.file, self.line = code, file, line


def render_page(pack: Pack, resource: Resource, home_root: Path | None = None) -> str:
    """The page's HTML: its ``source`` file as written, or its ``template`` rendered.

    ``home_root`` is the folder of the pack that authored the resource (for ``use``):
    its templates are searched first. Templates run in the bounded sandbox; a pack's own
    templates (untrusted code) in a separate, memory-capped process without secrets
    (``bridge.render.worker``), the project's own templates here. Every way a template can
    fail, a limit included, comes back as a ``RenderError``.
    """
    if resource.template is None:
        if resource.source is None:
            raise RenderError(tr("The page has no source or template.", "页面没有 source 或 template。"),
                              code="no-content")
        return read_text(resource.source)
    own, shared = page_search_path(home_root or pack.root)
    request = {"own": own, "shared": shared, "template": resource.template, "context": page_context(pack, resource)}
    # Without a templates/ folder of its own the pack supplies data only, never template
    # code (it cannot shadow one of ours either): no need to pay for the separate process.
    reply = render_here(request, _ENVIRONMENTS) if own is None else shared_worker().render(request)
    if "html" in reply:
        return reply["html"]
    raise _render_error(resource.template, reply)


_LIMITS = {
    "range": ("a range() is too long", "range() 太长"),
    "size": ("a value grows too large", "某个值过大"),
    "page": ("the page is over {mib} MiB", "页面超过 {mib} MiB"),
    "recursion": ("calls nest too deeply (a macro calling itself?)", "调用嵌套过深（宏在调用自身？）"),
    "memory": ("rendering needs too much memory", "渲染占用内存过多"),
    "time": ("rendering takes longer than {s:g} s", "渲染时间超过 {s:g} 秒"),
    "crash": ("the renderer stopped", "渲染进程意外结束"),
    "template-size": ("the template file is over 1 MiB", "模板文件超过 1 MiB"),
}


def _render_error(template: str, reply: dict) -> RenderError:
    """The bilingual error for a worker's error reply."""
    kind = reply.get("error")
    reply["message"] = str(reply.get("message") or "").rstrip(".")
    where = f"{reply['file']}:{reply['line']}" if reply.get("file") and reply.get("line") else template
    if kind == "outside":
        return RenderError(tr("Template '{t}' points outside the pack folder; keep templates inside the pack.",
                              "模板“{t}”指向资源包目录之外；模板必须放在资源包内。", t=reply.get("name", template)),
                           code="path-escapes")
    if kind == "not-regular":
        return RenderError(tr("Template '{t}' is not a regular file (a FIFO, device or folder); use a plain .html file.",
                              "模板“{t}”不是普通文件（可能是管道、设备或目录）；请使用普通的 .html 文件。",
                              t=reply.get("name", template)), code="template-error")
    if kind == "missing":
        return RenderError(tr("Template '{t}' not found in {dirs}. Check the name or add the file.",
                              "找不到模板“{t}”（查找位置：{dirs}）。请检查名称或添加模板文件。",
                              t=reply.get("name", template), dirs=", ".join(reply.get("searchpath", []))),
                           code="template-missing")
    if kind == "syntax":
        return RenderError(tr("Template syntax error: {m}", "模板语法错误：{m}", m=reply.get("message")),
                           code="template-error", file=Path(reply.get("file") or template), line=reply.get("line"))
    if kind == "undefined":
        return RenderError(tr("Template '{t}' ({w}) uses something the resource does not define: {m}. "
                              "Add it under [sections.resources.vars]; docs/pack-format.md lists what a template sees.",
                              "模板“{t}”（{w}）用到了未定义的变量：{m}。请在 [sections.resources.vars] 中补上；"
                              "模板可用的变量见 docs/pack-format.md。", t=template, w=where, m=reply.get("message")),
                           code="template-error")
    if kind == "limit":
        from bridge.render.sandbox import MAX_PAGE_BYTES

        en, zh = _LIMITS.get(reply.get("what"), ("a limit was reached", "超出限制"))
        what = tr(en, zh, mib=MAX_PAGE_BYTES // 2**20, s=page_seconds())
        return RenderError(tr("Template '{t}' ({w}) stopped: {what}. Pages are limited (docs/pack-format.md, "
                              "\"Limits\"); simplify the template.",
                              "模板“{t}”（{w}）被中止：{what}。页面渲染有限制（见 docs/pack-format.md“限制”一节）；请简化模板。",
                              t=template, w=where, what=what), code="template-error")
    if kind == "security":
        return RenderError(tr("Template '{t}' ({w}) does something templates may not: {m}. Templates see plain "
                              "data only (docs/pack-format.md).",
                              "模板“{t}”（{w}）执行了模板不允许的操作：{m}。模板只能读取普通数据（见 docs/pack-format.md）。",
                              t=template, w=where, m=reply.get("message")), code="template-error")
    return RenderError(tr("Template '{t}' ({w}) failed: {m}", "模板“{t}”（{w}）渲染失败：{m}",
                          t=template, w=where, m=reply.get("message")), code="template-error")


def read_text(path: Path) -> str:
    """A UTF-8 text file of a pack (BOM allowed), a regular file of at most
    ``MAX_PAGE_BYTES``; errors name the line of the first bad byte."""
    from bridge.render.sandbox import MAX_PAGE_BYTES
    from bridge.safefile import UnsafeFile, read_regular

    try:
        data = read_regular(path, MAX_PAGE_BYTES)
    except UnsafeFile as err:
        code = {"not-regular": "file-not-regular", "too-large": "file-too-large"}.get(err.reason, "file-missing")
        raise RenderError(err.message, code=code, file=path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        from bridge.pack.tomlfile import not_utf8_message

        raise RenderError(not_utf8_message(path, data, err.start + 1), code="not-utf8", file=path,
                          line=data[: err.start].count(b"\n") + 1) from None
