"""CLI command: ``report`` — how much of each course is online, live from Moodle."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from bridge.cli.common import CONTEXT_SETTINGS, command_lang_option, config_option, handle_errors
from bridge.errors import ExitCode
from bridge.i18n import get_lang, tr
from bridge.report.output import FORMATS


def _percent(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """``--fail-under 50`` or ``50%`` → 0.5."""
    if value is None:
        return None
    try:
        pct = float(value.strip().rstrip("%"))
    except ValueError:
        raise click.BadParameter(tr("give a percentage such as 50", "请填写百分数，例如 50")) from None
    if not 0 <= pct <= 100:
        raise click.BadParameter(tr("must be between 0 and 100", "应在 0 到 100 之间"))
    return pct / 100


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("packs", nargs=-1, metavar="[PACK]...")
@click.option("--category", help="Only courses in this category path (e.g. '信息工程学院 / 软件技术专业'). 只含该课程类别。")
@click.option("--site", help="Site name from the config (default: the only one). 站点名称。")
@click.option("--all-sites", is_flag=True, help="Report on every configured site. 所有已配置站点。")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format. 输出格式。")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output. 写入文件。")
@click.option("--fail-under", metavar="PCT", callback=_percent,
              help="Exit 1 when any course is below PCT percent online (or cannot be read). "
                   "任一课程上线率低于 PCT%（或无法读取）时退出码为 1。")
@click.option("--record", is_flag=True,
              help="Also add these figures to the site's history (sync always does). 同时记入历史（同步总会记录）。")
@config_option
@command_lang_option
@handle_errors
def report(packs: tuple[str, ...], category: str | None, site: str | None, all_sites: bool, fmt: str,
           out: Path | None, fail_under: float | None, record: bool, config_path: Path | None) -> None:
    """Report, per course, how many planned resources are online in Moodle (read live),
    against the pack's target, and which skill requirements have nothing online.
    Trend charts show the figures each sync recorded (and report --record runs).

    报告各课程已在 Moodle 上线的资源占计划资源的比例（实时读取）、是否达到目标，以及哪些职业技能要求尚无上线资源。趋势图使用每次同步（及 report --record）记录的数据。

    PACK is a pack id or folder (default: every pack in the config). Exit code 0 when
    the report was produced; 1 with --fail-under when a course is below it.

    PACK 为资源包 id 或目录（默认：配置中的全部资源包）。生成报告时退出码为 0；
    使用 --fail-under 且有课程低于该值时为 1。
    """
    from bridge.config import load_config
    from bridge.report import render, run_report, write_report
    from bridge.report.csv_report import ENCODING as CSV_ENCODING
    from bridge.report.run import select_packs
    config = load_config(config_path)
    result = run_report(config, packs=packs, category=category, site=site, all_sites=all_sites, record=record)
    lang = get_lang()
    if out is not None:
        write_report(render(result, fmt, lang=lang), fmt, out)
        click.echo(tr("Report written to {path}", "报告已写入 {path}", path=out), err=True)
    else:
        color = fmt == "table" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        text = render(result, fmt, lang=lang, color=color)
        if fmt == "csv":
            # With the BOM, so `> file.csv` opens in Excel too.
            click.echo(text.encode(CSV_ENCODING), nl=False)
        else:
            click.echo(text, nl=False, color=color or None)
    if category and not result.courses:
        known = sorted({" / ".join(p.course.category) for p in select_packs(config, packs)})
        click.echo(tr("No course is in category '{c}'; the packs' categories: {known}.",
                      "没有课程属于类别“{c}”；资源包中的类别有：{known}。", c=category, known="; ".join(known) or "-"),
                   err=True)
    unreadable = [c for c in result.courses if not c.known]
    if unreadable:
        click.echo(tr("{n} course(s) could not be read (the reason is in the report); 'certbridge doctor' checks "
                      "the site and says how to fix it.",
                      "{n} 个课程无法读取（原因见报告）；“certbridge doctor”可检查站点并给出修复方法。", n=len(unreadable)),
                   err=True)
    if fail_under is not None:
        failing = result.failing(fail_under)
        for course in failing:
            # An unreadable course fails the gate as unreadable, never as "below" a figure it has not.
            if course.ratio is None:
                click.echo(tr("Could not be read: {site} {course}", "无法读取：{site} {course}",
                              site=course.site, course=course.shortname), err=True)
            else:
                click.echo(tr("Below {pct:g}%: {site} {course} ({figure:.0f}%)", "低于 {pct:g}%：{site} {course}（{figure:.0f}%）",
                              pct=fail_under * 100, site=course.site, course=course.shortname,
                              figure=course.ratio * 100), err=True)
        if failing:
            sys.exit(int(ExitCode.FAILURES))


commands = [report]
