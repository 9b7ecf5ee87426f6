"""Pieces shared by the command modules: options, error handling, output."""
from __future__ import annotations

import functools
import json
import re
import sys
from pathlib import Path
from typing import Any, Callable

import click

from bridge.errors import DISK_FULL, BridgeError, ExitCode, write_error
from bridge.textwidth import printable
from bridge.i18n import get_lang, set_lang, tr

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def apply_lang(lang: str | None) -> None:
    if lang:
        set_lang(lang)


def _lang_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    apply_lang(value)
    return value


#: ``--lang zh|en`` on the group and on every command (either position works).
lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    expose_value=True,
    is_eager=True,
    callback=_lang_callback,
    help="Language of messages and reports: zh or en (default: from the locale). 输出语言。",
)


#: ``--config`` for every command that reads certbridge.toml.
config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                             help="certbridge.toml (default: $CERTBRIDGE_CONFIG or ./certbridge.toml). 配置文件。")


def command_lang_option(f: Callable) -> Callable:
    """The same ``--lang`` for a sub-command, without passing it to the function."""
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_lang_callback,
        help="Language of messages: zh or en (default: from the locale). 输出语言。",
    )(f)


def handle_errors(f: Callable) -> Callable:
    """Turn a ``BridgeError`` (or a file that cannot be read or written) into one message
    on stderr and its exit code, never a traceback."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except BridgeError as err:
            click.echo(printable(tr("Error: {msg}", "错误：{msg}", msg=err.message)), err=True)
            if err.hint:
                click.echo(printable(err.hint), err=True)
            sys.exit(int(err.exit_code))
        except KeyboardInterrupt:
            click.echo(tr("Interrupted.", "已中断。"), err=True)
            sys.exit(int(ExitCode.INTERRUPTED))
        except OSError as err:
            # A full disk rarely names the file (it fails on a flush): name the command's output.
            out = err.filename or (_output_param() if err.errno in DISK_FULL else None)
            if not out and err.errno not in DISK_FULL:
                raise  # not a path the user gave: a bug, worth its traceback
            failure = write_error(err, out)
            echo(tr("Error: {msg}", "错误：{msg}", msg=failure.message), err=True)
            echo(failure.hint, err=True)
            sys.exit(int(failure.exit_code))

    return wrapper


def echo(text: Any = "", err: bool = False, nl: bool = True) -> None:
    """Print ``text`` with terminal control characters removed: every command prints what
    came from a pack or a site (titles, paths, names, errors) through here."""
    click.echo(printable(str(text)), err=err, nl=nl)


def _output_param() -> str | None:
    """The running command's output path (``--out``/``-o``), if it has one."""
    ctx = click.get_current_context(silent=True)
    params = ctx.params if ctx is not None else {}
    for name in ("out", "output", "out_dir", "outdir"):
        if params.get(name):
            return str(params[name])
    return None


def echo_json(data: Any) -> None:
    echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


#: click's own usage messages (English only) → Chinese; anything not listed stays English.
_CLICK_ZH = [
    (r"No such option:? (\S+?)\.?(?: \(?Did you mean(?: one of:)? (.+?)\?\)?)?$",
     lambda m: f"没有选项 {m[1]}" + (f"；是否应为 {m[2]}？" if m[2] else "。")),
    (r"No such command (\S+?)\.(?: Did you mean (.+?)\?)?$",
     lambda m: f"没有命令 {m[1]}" + (f"；是否应为 {m[2]}？" if m[2] else "。")),
    (r"Missing argument (.+?)\.$", lambda m: f"缺少参数 {m[1]}。"),
    (r"Missing option (.+?)\.(.*)$", lambda m: f"缺少选项 {m[1]}。{m[2]}"),
    (r"Option (.+?) requires an argument\.$", lambda m: f"选项 {m[1]} 需要一个值。"),
    (r"Got unexpected extra arguments? \((.+)\)$", lambda m: f"多余的参数：{m[1]}。"),
    (r"Invalid value for (.+?): (.+)$", lambda m: f"{m[1]} 的值无效：{_click_zh(m[2])}"),
    (r"(?:File|Directory|Path) (.+?) does not exist\.$", lambda m: f"{m[1]} 不存在。"),
    (r"(?:File|Path) (.+?) is a directory\.$", lambda m: f"{m[1]} 是目录，应为文件。"),
    (r"(?:Directory|Path) (.+?) is a file\.$", lambda m: f"{m[1]} 是文件，应为目录。"),
    (r"(.+?) is not one of (.+)\.$", lambda m: f"{m[1]} 不是可选值（{m[2]}）之一。"),
    (r"(.+?) is not a valid (integer|float)( range)?\.$", lambda m: f"{m[1]} 不是有效的{'整数' if m[2] == 'integer' else '数字'}。"),
]


def _click_zh(message: str) -> str:
    for pattern, to_zh in _CLICK_ZH:
        match = re.match(pattern, message, re.S)
        if match:
            return to_zh(match)
    return message


def show_click_error(error: click.ClickException) -> None:
    """click's usage error, in Chinese when that is the language (click speaks only English)."""
    if get_lang() != "zh":
        error.show()
        return
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        click.echo(f"请运行“{ctx.command_path} -h”查看帮助。\n", err=True)
    echo(f"错误：{_click_zh(error.format_message())}", err=True)


class CertbridgeGroup(click.Group):
    """The top-level group: as click's, but usage errors follow ``--lang``/the locale."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # type: ignore[override]
        from bridge.cli.help import lang_from_args

        lang_from_args(args)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as error:
            show_click_error(error)
            sys.exit(error.exit_code)
        except click.exceptions.Abort:  # Ctrl-C outside a command's own handling
            click.echo(tr("Interrupted.", "已中断。"), err=True)
            sys.exit(int(ExitCode.INTERRUPTED))
        sys.exit(0)
