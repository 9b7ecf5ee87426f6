"""CLI commands: ``certbridge quiz check`` and ``certbridge quiz convert``."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bridge.cli.common import echo, CONTEXT_SETTINGS, command_lang_option, echo_json, handle_errors
from bridge.errors import ExitCode
from bridge.i18n import tr
from bridge.textwidth import display_width, pad

if TYPE_CHECKING:
    from bridge.quiz import QuizProblem

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _echo_problems(problems: list[QuizProblem], *, err: bool) -> None:
    # A hint shared by several problems (how to fix them all) is printed once, at the end.
    shared = {h for h in (p.hint for p in problems) if h and sum(q.hint == h for q in problems) > 1}
    for problem in problems:
        echo(str(problem), err=err)
        if problem.hint and problem.hint not in shared:
            echo("    " + tr("hint: {h}", "提示：{h}", h=problem.hint), err=err)
    for hint in sorted(shared):
        echo(tr("hint: {h}", "提示：{h}", h=hint), err=err)


@click.group("quiz", context_settings=CONTEXT_SETTINGS)
@command_lang_option
def quiz_group() -> None:
    """Check and convert question banks (GIFT, Moodle XML, Excel .xlsx or CSV).

    检查并转换题库（GIFT、Moodle XML、Excel .xlsx 或 CSV）。
    """


@quiz_group.command("template", context_settings=CONTEXT_SETTINGS)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Workbook to write, e.g. 题库模板.xlsx. 要写入的工作簿，如 题库模板.xlsx。")
@command_lang_option
@handle_errors
def template_command(output: Path) -> None:
    """Write an empty Excel question bank: the 题库 sheet to fill in, and a 说明 sheet
    with the columns and one example per question type.

    生成空白 Excel 题库模板：“题库”工作表供填写，“说明”工作表列出各列含义和每种题型的示例。
    """
    from bridge.quiz.sheet_template import template_workbook

    if output.suffix.lower() != ".xlsx":
        output = output.with_name(output.name + ".xlsx")
    _write_atomically(output, template_workbook())
    echo(tr("Wrote the template {out}: fill in the 题库 sheet, then run certbridge quiz check {out}.",
                  "已生成模板 {out}：请填写“题库”工作表，然后运行 certbridge quiz check {out} 检查。", out=output))


@quiz_group.command("check", context_settings=CONTEXT_SETTINGS)
@click.argument("file", type=_FILE)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format. 输出格式。")
@command_lang_option
def check_command(file: Path, output_format: str) -> None:
    """Check a quiz file and print its question count by type, or its problems
    as FILE:LINE: code: message (exit 2).

    检查题库文件：输出各题型数量，或列出问题（退出码 2）。
    """
    from bridge.quiz import check_quiz_file, summarize, type_counts
    bank, problems = check_quiz_file(file)
    counts = summarize(bank) if bank is not None else {}
    if output_format == "json":
        echo_json({"file": str(file), "ok": bank is not None, "total": sum(counts.values()),
                   "counts": counts, "problems": [p.as_dict() for p in problems]})
    elif bank is None:
        _echo_problems(problems, err=False)
        echo(tr("{n} problem(s) found.", "发现 {n} 个问题。", n=len(problems)))
    else:
        echo(tr("{file}: {n} question(s)", "{file}：共 {n} 道题", file=file, n=sum(counts.values())))
        labels = type_counts(bank)
        width = max(display_width(label) for label in labels)
        for label, count in labels.items():
            echo(f"  {pad(label, width)}  {count}")
    if bank is None:
        sys.exit(int(ExitCode.INVALID_INPUT))


@quiz_group.command("convert", context_settings=CONTEXT_SETTINGS)
@click.argument("file", type=_FILE)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Moodle XML file to write. 输出的 Moodle XML 文件。")
@command_lang_option
@handle_errors
def convert_command(file: Path, output: Path) -> None:
    """Convert a GIFT, Moodle XML, Excel (.xlsx) or CSV question bank to Moodle XML;
    on any problem, print them all and write nothing (exit 2).

    将 GIFT、Moodle XML、Excel（.xlsx）或 CSV 题库转换为 Moodle XML；有问题时全部列出且不写文件（退出码 2）。
    """
    from bridge.quiz import check_quiz_file, summarize, to_moodle_xml
    bank, problems = check_quiz_file(file)
    if bank is None:
        _echo_problems(problems, err=True)
        echo(tr("{n} problem(s) found; nothing written.", "发现 {n} 个问题，未写入任何文件。",
                      n=len(problems)), err=True)
        sys.exit(int(ExitCode.INVALID_INPUT))
    _write_atomically(output, to_moodle_xml(bank))
    counts = summarize(bank)
    echo(tr("Wrote {n} question(s) to {out}.", "已将 {n} 道题写入 {out}。",
                  n=sum(counts.values()), out=output))


def _write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file and a rename, so no half-written file is left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


commands = [quiz_group]
