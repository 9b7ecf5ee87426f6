"""CLI commands: ``certbridge quiz check`` and ``certbridge quiz convert``."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bridge.cli.common import CONTEXT_SETTINGS, command_lang_option, echo_json, handle_errors
from bridge.errors import ExitCode
from bridge.i18n import tr

if TYPE_CHECKING:
    from bridge.quiz import QuizProblem

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _echo_problems(problems: list[QuizProblem], *, err: bool) -> None:
    for problem in problems:
        click.echo(str(problem), err=err)
        if problem.hint:
            click.echo("    " + tr("hint: {h}", "提示：{h}", h=problem.hint), err=err)


@click.group("quiz", context_settings=CONTEXT_SETTINGS)
def quiz_group() -> None:
    """Check and convert question banks (GIFT or Moodle XML).

    检查并转换题库（GIFT 或 Moodle XML）。
    """


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
    from bridge.quiz import check_quiz_file, summarize
    bank, problems = check_quiz_file(file)
    counts = summarize(bank) if bank is not None else {}
    if output_format == "json":
        echo_json({"file": str(file), "ok": bank is not None, "total": sum(counts.values()),
                   "counts": counts, "problems": [p.as_dict() for p in problems]})
    elif bank is None:
        _echo_problems(problems, err=False)
        click.echo(tr("{n} problem(s) found.", "发现 {n} 个问题。", n=len(problems)))
    else:
        click.echo(tr("{file}: {n} question(s)", "{file}：共 {n} 道题", file=file, n=sum(counts.values())))
        for qtype, count in counts.items():
            click.echo(f"  {qtype:<12} {count}")
    if bank is None:
        sys.exit(int(ExitCode.INVALID_INPUT))


@quiz_group.command("convert", context_settings=CONTEXT_SETTINGS)
@click.argument("file", type=_FILE)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Moodle XML file to write. 输出的 Moodle XML 文件。")
@command_lang_option
@handle_errors
def convert_command(file: Path, output: Path) -> None:
    """Convert a GIFT (or Moodle XML) file to Moodle XML; on any problem, print
    them all and write nothing (exit 2).

    将 GIFT（或 Moodle XML）题库转换为 Moodle XML；有问题时全部列出且不写文件（退出码 2）。
    """
    from bridge.quiz import check_quiz_file, summarize, to_moodle_xml
    bank, problems = check_quiz_file(file)
    if bank is None:
        _echo_problems(problems, err=True)
        click.echo(tr("{n} problem(s) found; nothing written.", "发现 {n} 个问题，未写入任何文件。",
                      n=len(problems)), err=True)
        sys.exit(int(ExitCode.INVALID_INPUT))
    _write_atomically(output, to_moodle_xml(bank))
    counts = summarize(bank)
    click.echo(tr("Wrote {n} question(s) to {out}.", "已将 {n} 道题写入 {out}。",
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
