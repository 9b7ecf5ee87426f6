"""CLI commands: plugin — the companion Moodle plugin ``local_certbridge``."""
from __future__ import annotations

from pathlib import Path

import click

from bridge.cli.common import echo, CONTEXT_SETTINGS, command_lang_option, handle_errors
from bridge.i18n import tr


@click.group("plugin", context_settings=CONTEXT_SETTINGS)
@command_lang_option
def plugin_group() -> None:
    """The companion Moodle plugin local_certbridge (see docs/plugin.md).

    配套的 Moodle 插件 local_certbridge（见 docs/plugin.md）。
    """


@plugin_group.command("zip", context_settings=CONTEXT_SETTINGS)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Zip file to write (default: local_certbridge-<version>.zip here). 输出文件。")
@command_lang_option
@handle_errors
def zip_command(output: Path | None) -> None:
    """Build the plugin's installable zip (Site administration > Plugins > Install plugins).

    生成插件安装包（网站管理 > 插件 > 安装插件）。
    """
    from bridge.plugin_zip import build_plugin_zip, read_plugin_version

    if output is None:
        output = Path(f"local_certbridge-{read_plugin_version()[1]}.zip")
    built = build_plugin_zip(output)
    echo(tr("Wrote {p}: {c} {v} ({r}), {n} entries.", "已写入 {p}：{c} {v}（{r}），共 {n} 项。",
                  p=built.path, c=built.component, v=built.version, r=built.release, n=len(built.names)))


commands = [plugin_group]
