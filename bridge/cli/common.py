"""Pieces shared by the command modules: options, error handling, output."""
from __future__ import annotations

import functools
import json
import sys
from typing import Any, Callable

import click

from bridge.errors import BridgeError, ExitCode
from bridge.i18n import set_lang, tr

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
            click.echo(tr("Error: {msg}", "错误：{msg}", msg=err.message), err=True)
            if err.hint:
                click.echo(err.hint, err=True)
            sys.exit(int(err.exit_code))
        except KeyboardInterrupt:
            click.echo(tr("Interrupted.", "已中断。"), err=True)
            sys.exit(int(ExitCode.INTERRUPTED))
        except OSError as err:
            if not err.filename:
                raise  # not a path the user gave: a bug, worth its traceback
            click.echo(tr("Error: {where}: {why}", "错误：{where}：{why}", where=err.filename, why=err.strerror or err),
                       err=True)
            click.echo(tr("Check the path, its permissions and the free space.", "请检查路径、权限和剩余空间。"), err=True)
            sys.exit(int(ExitCode.INVALID_INPUT))

    return wrapper


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))
