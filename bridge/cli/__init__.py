"""The ``certbridge`` command: a thin click layer over the library.

Each command module under ``bridge.cli`` exposes ``commands``: the click commands it
adds to the top-level group. Commands parse options, call ``bridge`` functions and print.
"""
from __future__ import annotations

import click

from bridge import __version__
from bridge.cli import authoring, drift, library, pack, plugin, quiz, report, sandbox, sync
from bridge.cli.common import CONTEXT_SETTINGS, CertbridgeGroup, apply_lang, lang_option
from bridge.cli.help import localize_commands


@click.group(cls=CertbridgeGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="certbridge")
@lang_option
def main(lang: str | None) -> None:
    """certbridge: publish 1+X certificate resource packs into Moodle and report
    how much of each course is online.

    certbridge：将 1+X 证书资源包发布到 Moodle，并报告各课程资源上线情况。
    """
    apply_lang(lang)


for _module in (pack, authoring, quiz, sandbox, plugin, sync, report, library, drift):
    for _command in _module.commands:
        main.add_command(_command)
localize_commands(main)
