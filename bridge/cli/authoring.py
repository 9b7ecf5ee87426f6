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

    PATHS are files or pack folders (their .toml, .gift and .html files, and .txt files in quizzes/).

    PATHS 为文件或资源包目录（处理其中的 .toml、.gift、.html 文件和 quizzes/ 下的 .txt 文件）。
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


@click.command("new", context_settings=CONTEXT_SETTINGS)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--standard", "standard_id", required=True,
              help="Standard id, e.g. web-frontend (resource_packs/standards/<id>.toml). 证书标准 id。")
@click.option("--level", required=True, help="初级, 中级 or 高级 (elementary, intermediate, advanced). 等级：初级、中级或高级。")
@click.option("--shortname", help="Moodle course short name (default: the pack id in capitals). Moodle 课程简称（默认：资源包 id 的大写）。")
@click.option("--fullname", help="Moodle course full name. Moodle 课程全称。")
@click.option("--id", "pack_id", help="Pack id (default: the folder name). 资源包 id（默认：目录名）。")
@command_lang_option
@handle_errors
def new_command(directory: Path, standard_id: str, level: str, shortname: str | None, fullname: str | None,
                pack_id: str | None) -> None:
    """Start a pack from a certificate standard: [certificate] and [course] filled in, one
    section per 工作领域 of the level, one planned page per 职业技能要求 with its skill code.

    按证书标准新建资源包：填好 [certificate] 和 [course]，该等级每个工作领域一节，
    每条职业技能要求一个计划中（planned）的页面占位，并写好技能编码。

    DIRECTORY is the new pack folder; its name is the pack id.

    DIRECTORY 为新资源包目录，目录名即资源包 id。
    """
    from bridge.pack import load_catalog
    from bridge.pack.scaffold import create_pack

    made = create_pack(directory, standard_id, level, pack_id=pack_id, shortname=shortname, fullname=fullname)
    click.echo(tr("Created {f}: {cert} ({level}), {s} section(s), {r} planned resource(s), one per skill requirement.",
                  "已创建 {f}：{cert}（{level}），{s} 个工作领域，{r} 个计划中的资源（每条职业技能要求一个）。",
                  f=made.file, cert=made.standard.certificate, level=made.level, s=made.sections, r=made.resources))
    if made.copied_standard:
        click.echo(tr("The standard was copied into the pack: {p}", "标准文件已复制到资源包中：{p}", p=made.copied_standard))
    catalog = load_catalog([directory])
    for problem in catalog.problems:
        click.echo(str(problem), err=True)
    if not catalog.ok:
        sys.exit(int(ExitCode.INVALID_INPUT))
    click.echo(tr("Valid. Next: fill in owners and category, then produce the resources one by one "
                  "(status = \"ready\"); certbridge report shows 0% until then.",
                  "校验通过。接下来：填写 owners 和 category，然后逐个完成资源（status 改为 \"ready\"）；"
                  "在此之前 certbridge report 显示上线比例为 0%。"))


commands = [fix_command, new_command]
