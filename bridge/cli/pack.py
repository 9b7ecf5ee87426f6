"""CLI commands: ``validate`` and ``build``."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from bridge.cli.common import echo, CONTEXT_SETTINGS, command_lang_option, echo_json, handle_errors
from bridge.errors import ExitCode
from bridge.i18n import tr
from bridge.pack.checks import DEFAULT_MAX_FILE_BYTES

paths_argument = click.argument("paths", nargs=-1, required=True,
                                type=click.Path(exists=True, path_type=Path))
max_size_option = click.option("--max-file-size", "max_file_mb", type=float, default=DEFAULT_MAX_FILE_BYTES / 2**20,
                               show_default=True, help="Largest file a pack may hold, in MiB. 单个文件大小上限（MiB）。")


@click.command(context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format. 输出格式。")
@max_size_option
@command_lang_option
@handle_errors
def validate(paths: tuple[Path, ...], fmt: str, max_file_mb: float) -> None:
    """Check resource packs offline and report every problem (exit 0 valid, 2 invalid).

    检查资源包（离线），一次列出所有问题（有效退出码 0，无效 2）。

    PATHS are pack folders, pack.toml files, folders of packs or standards files.

    PATHS 为资源包目录、pack.toml 文件、存放资源包的目录或标准文件。
    """
    from bridge.pack import load_catalog
    catalog = load_catalog(list(paths), max_file_bytes=int(max_file_mb * 2**20))
    packs = catalog.selected()
    if fmt == "json":
        echo_json({"valid": catalog.ok, "packs": [p.id for p in packs],
                   "standards": [str(s) for s in catalog.standards_checked],
                   "problems": [p.to_dict() for p in catalog.problems]})
    else:
        # One stream per run (stderr when something is wrong), so what is read is in this
        # order: the problems by file and line, then the summary.
        errors = sum(1 for p in catalog.problems if p.severity == "error")
        for problem in catalog.problems:
            echo(str(problem), err=True)
        for pack in packs:
            ready = sum(1 for r in pack.resources if r.ready)
            echo(tr("{id}: {n} resources ({ready} ready, {planned} planned)",
                          "{id}：{n} 个资源（{ready} 个已就绪，{planned} 个计划中）",
                          id=pack.id, n=len(pack.resources), ready=ready, planned=len(pack.resources) - ready),
                       err=bool(errors))
        if errors:
            echo(tr("{n} problem(s) found.", "发现 {n} 个问题。", n=errors), err=True)
        else:
            echo(tr("All valid.", "全部有效。"))
    sys.exit(int(ExitCode.OK if catalog.ok else ExitCode.INVALID_INPUT))


@click.command(context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Output folder. 输出目录。")
@max_size_option
@command_lang_option
@handle_errors
def build(paths: tuple[Path, ...], out: Path, max_file_mb: float) -> None:
    """Render packs as they would be pushed: pages to HTML, quizzes to Moodle XML, and
    a manifest.json with each resource's fingerprint. No Moodle needed.

    渲染资源包（页面 HTML、测验 Moodle XML、含内容指纹的 manifest.json），无需 Moodle。
    """
    from bridge.pack import load_catalog
    from bridge.render.build import build_pack
    catalog = load_catalog(list(paths), max_file_bytes=int(max_file_mb * 2**20))
    if not catalog.ok:
        for problem in catalog.problems:
            echo(str(problem), err=True)
        echo(tr("Not built: fix the problems above (certbridge validate).",
                      "未构建：请先修正上述问题（certbridge validate）。"), err=True)
        sys.exit(int(ExitCode.INVALID_INPUT))
    for pack in catalog.selected():
        if pack.course is None:
            continue
        manifest = build_pack(pack, out)
        counts = manifest["counts"]
        echo(tr("{id}: {n} resources → {out}", "{id}：{n} 个资源 → {out}",
                      id=pack.id, n=counts["planned_total"], out=out / pack.id))


commands = [validate, build]
