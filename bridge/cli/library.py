"""CLI commands: ``library search`` and ``library site`` over the resource library."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bridge.cli.common import CONTEXT_SETTINGS, command_lang_option, echo, echo_json, handle_errors
from bridge.words import word
from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr
from bridge.pack.model import RESOURCE_TYPES, STATUSES

if TYPE_CHECKING:
    from bridge.config import Config
    from bridge.library.index import LibraryIndex

packs_option = click.option("--packs", "packs", multiple=True, type=click.Path(exists=True, path_type=Path),
                            help="Folder of packs (repeatable; default: the config's packs, else resource_packs). "
                                 "资源包目录（可重复；默认取配置中的 packs，否则为 resource_packs）。")


def _index(packs: tuple[Path, ...], config: Config, shown: int = 3) -> LibraryIndex:
    from bridge.library.index import load_index
    folders = list(packs) or config.packs
    index = load_index(folders)
    errors = [p for p in index.catalog.problems if p.severity == "error"]
    for problem in errors[:shown]:
        echo(str(problem), err=True)
    if len(errors) > shown:
        command = "certbridge validate " + " ".join(str(f) for f in folders)
        echo(tr("… {n} problem(s) in all; '{cmd}' lists them.", "……共 {n} 个问题；“{cmd}”会全部列出。",
                      n=len(errors), cmd=command), err=True)
    if not index.packs:
        # Nothing to search, and a catalogue built now would replace a good one with an empty page.
        raise BridgeError(tr("No pack found in {where}: run this in the folder holding resource_packs/, or give "
                             "--packs DIR.", "{where} 中没有资源包：请在包含 resource_packs/ 的目录中运行，或使用 --packs 目录。",
                             where=", ".join(str(f) for f in folders)), exit_code=ExitCode.INVALID_INPUT)
    return index


@click.group("library", context_settings=CONTEXT_SETTINGS)
@command_lang_option
def library_group() -> None:
    """Browse the resource library: every resource of every pack, where it is defined
    and which courses use it.

    浏览资源库：所有资源包中的全部资源、定义位置及使用它的课程。
    """


@library_group.command("search", context_settings=CONTEXT_SETTINGS)
@click.argument("query", required=False, default="")
@click.option("--certificate", default="", help="Certificate name or standard id. 证书名称或标准 id。")
@click.option("--level", default="", help="初级 / 中级 / 高级 (or elementary, intermediate, advanced). 等级。")
@click.option("--skill", default="", help="Requirement code, or a task/area code (1.2 matches 1.2.1). 职业技能要求编码。")
@click.option("--type", "rtype", type=click.Choice(RESOURCE_TYPES), default=None, help="Resource type. 资源类型。")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="ready or planned. 状态。")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format. 输出格式。")
@packs_option
@command_lang_option
@handle_errors
def search_command(query: str, certificate: str, level: str, skill: str, rtype: str | None, status: str | None,
                   fmt: str, packs: tuple[Path, ...]) -> None:
    """Find resources across all packs. QUERY matches titles and page text (Chinese
    substrings too); every word must match.

    在所有资源包中查找资源。QUERY 匹配标题和页面正文（支持中文子串），多个词须同时匹配。
    """
    from bridge.config import load_config
    from bridge.library.search import Query, resource_row, search
    from bridge.library.table import format_table, human_size
    index = _index(packs, load_config())
    hits = search(index, Query(text=query, certificate=certificate, level=level, skill=skill,
                               type=rtype or "", status=status or ""))
    if fmt == "json":
        echo_json({"query": query, "count": len(hits), "resources": [resource_row(e) for e in hits]})
        return
    if not hits:
        echo(tr("No resource matches.", "没有匹配的资源。"))
        return
    headers = [tr("Resource", "资源"), tr("Title", "标题"), tr("Type", "类型"), tr("Status", "状态"),
               tr("Size", "大小"), tr("Skills", "技能编码"), tr("Used by", "使用课程")]
    rows = [[e.key, e.title, word(e.type), word(e.status), human_size(e.size), " ".join(e.skills),
             " ".join(dict.fromkeys(p.course for p in e.used_by)) or "-"] for e in hits]
    echo(format_table(headers, rows))
    echo(tr("{n} resource(s).", "共 {n} 个资源。", n=len(hits)))


@library_group.command("site", context_settings=CONTEXT_SETTINGS)
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the catalogue into (empty, or made by this command). 输出目录。")
@click.option("--site", "site_name", default=None,
              help="Moodle site whose sync state gives activity links (default: the only configured site). "
                   "用其同步状态生成活动链接的 Moodle 站点。")
@packs_option
@command_lang_option
@handle_errors
def site_command(out: Path, site_name: str | None, packs: tuple[Path, ...]) -> None:
    """Write a static HTML catalogue of the library: certificate → level → 工作领域 →
    工作任务 → 职业技能要求 with resources and gaps, and a page per resource. Open
    index.html from disk; no server needed.

    生成资源库的静态 HTML 目录：按证书、等级、工作领域、工作任务、职业技能要求浏览资源与缺口，每个资源一页。
    """
    from bridge.config import load_config
    from bridge.library.links import configured_links
    from bridge.library.site import build_site
    config = load_config()
    index = _index(packs, config)
    links = configured_links(config, site_name, [p.id for p in index.packs if p.course])
    summary = build_site(index, out, links)
    echo(tr("{pages} pages, {n} resources, {gaps} gap(s) in {levels} level(s), {linked} Moodle link(s) → {out}",
                  "{pages} 个页面，{n} 个资源，{levels} 个等级中有 {gaps} 个缺口，{linked} 个 Moodle 链接 → {out}",
                  pages=summary.pages, n=summary.resources, gaps=summary.gaps, levels=summary.levels,
                  linked=summary.linked, out=out / "index.html"))


commands = [library_group]
