"""CLI commands for writing packs: ``fix`` (IME punctuation, GBK files) and ``new``."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from bridge.cli.common import CONTEXT_SETTINGS, command_lang_option, handle_errors
from bridge.errors import ExitCode
from bridge.i18n import tr


@click.command("fix", context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@command_lang_option
@handle_errors
def fix_command(paths: tuple[Path, ...]) -> None:
    """Rewrite Chinese IME punctuation in syntax positions (＝ ， “ ” ［ ］ ｛ ｝ ＃ ： ～ …)
    of pack.toml and GIFT files to ASCII, and GBK/GB18030 text files to UTF-8. Text inside
    strings and questions is left alone; each changed file is kept as NAME.bak.

    把 pack.toml 和 GIFT 文件中处于语法位置的中文输入法全角符号（＝ ， “ ” ［ ］ ｛ ｝ ＃ ： ～ 等）
    改为半角，并把 GBK/GB18030 编码的文本文件转为 UTF-8。字符串和题目文字中的内容不会改动；
    每个被修改的文件原样备份为 文件名.bak。

    PATHS are files or pack folders (their .toml, .gift, .txt and .html files).

    PATHS 为文件或资源包目录（处理其中的 .toml、.gift、.txt 和 .html 文件）。
    """
    from bridge.fix import files_to_fix, fix_file

    changed = failed = 0
    for path in files_to_fix(list(paths)):
        result = fix_file(path)
        if result.error:
            failed += 1
            click.echo(tr("{f}: not fixed: {why}", "{f}：未修改：{why}", f=path, why=result.error), err=True)
            continue
        if not result.changes:
            continue
        changed += 1
        click.echo(tr("{f}: {n} change(s), original kept as {b}", "{f}：修改 {n} 处，原文件已备份为 {b}",
                      f=path, n=len(result.changes), b=result.backup.name if result.backup else "-"))
        for change in result.changes:
            click.echo(f"  {change}")
        if result.still_invalid:
            click.echo(tr("  still not valid TOML: run certbridge validate to see what is left",
                          "  仍不是有效的 TOML：请运行 certbridge validate 查看剩余问题"))
    if changed:
        click.echo(tr("{n} file(s) fixed.", "已修正 {n} 个文件。", n=changed))
    else:
        click.echo(tr("Nothing to fix.", "没有需要修正的内容。"))
    if failed:
        sys.exit(int(ExitCode.INVALID_INPUT))


commands = [fix_command]
