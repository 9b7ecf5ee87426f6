"""CLI commands: ``drift list``, ``drift show``, ``drift adopt``, ``drift prune`` — hand
edits made in Moodle that a sync kept (the library is ``bridge.drift``)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from bridge.cli.common import CONTEXT_SETTINGS, command_lang_option, config_option, echo, echo_json, handle_errors
from bridge.errors import ExitCode
from bridge.i18n import tr

# The library is imported when a command runs: --help stays fast (tests/test_cli_startup.py).

packs_option = click.option("--packs", "packs", multiple=True, type=click.Path(exists=True, path_type=Path),
                            help="Folder of packs (repeatable; default: the config's packs). 资源包目录。")
id_argument = click.argument("record_id", metavar="ID")


@click.group("drift", context_settings=CONTEXT_SETTINGS)
@command_lang_option
def drift_group() -> None:
    """Hand edits made in Moodle that a sync kept: list them, show one, adopt one into its
    pack, prune old copies (docs/drift.md).

    在 Moodle 中手工修改、被同步保存下来的内容：列出、查看、写回资源包、清理旧副本。
    """


@drift_group.command("list", context_settings=CONTEXT_SETTINGS)
@config_option
@click.option("--site", "site_name", help="Only this site. 仅此站点。")
@click.option("--course", help="Only this course (shortname). 仅此课程。")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format. 输出格式。")
@command_lang_option
@handle_errors
def list_command(config_path, site_name, course, fmt) -> None:
    """List kept hand edits, oldest first: course, resource, title, what changed, when,
    by whom, status and the kept copy's path.

    列出已保存的手工修改。
    """
    from bridge.config import load_config
    from bridge.drift import store
    from bridge.library.table import format_table

    config = load_config(config_path)
    records = store.list_records(store.drift_root(config.state_dir), site=site_name, course=course)
    if fmt == "json":
        echo_json({"version": 1, "state_dir": str(config.state_dir), "records": [r.listing() for r in records]})
        return
    if not records:
        click.echo(tr("No kept hand edits in {dir}.", "{dir} 中没有已保存的手工修改。", dir=store.drift_root(config.state_dir)))
        return
    status = {"adopted": tr("adopted", "已写回"), "overwritten": tr("overwritten", "已覆盖"),
              "in-moodle": tr("in Moodle", "仍在 Moodle")}
    rows = [[r.id, r.course, r.resource, r.title, store.changed_words(r.changed), _when(r.moodle.get("timemodified")),
             r.moodle.get("modifiedby") or "", status[r.status], str(r.copy_path or r.path)] for r in records]
    headers = [tr("id", "id"), tr("course", "课程"), tr("resource", "资源"), tr("title", "标题"), tr("changed", "改动"),
               tr("modified", "修改时间"), tr("by", "修改人"), tr("status", "状态"), tr("kept copy", "保留副本")]
    echo(format_table(headers, rows, max_width=200))


def _when(ts) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else "?"


@drift_group.command("show", context_settings=CONTEXT_SETTINGS)
@id_argument
@config_option
@packs_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format. 输出格式。")
@command_lang_option
@handle_errors
def show_command(record_id, config_path, packs, fmt) -> None:
    """Show one kept hand edit (ID from drift list, or its first characters); for a page,
    label, URL or quiz, the diff from the pack's version to Moodle's.

    查看一条已保存的手工修改；文本类资源附带与资源包版本的差异。
    """
    from bridge.config import load_config
    from bridge.drift import store
    from bridge.drift.adopt import pack_folders
    from bridge.drift.show import describe, diff, pack_version

    config = load_config(config_path)
    record = store.find(store.drift_root(config.state_dir), record_id)
    text = diff(record, pack_version(record, pack_folders(record, list(packs), config.packs)))
    if fmt == "json":
        echo_json(record.to_dict() | {"path": str(record.path), "copy": str(record.copy_path or ""), "diff": text})
        return
    echo("\n".join(describe(record)))
    if text:
        click.echo("")
        echo(text, nl=False)  # Moodle's HTML: no escape sequence reaches the terminal
    elif record.file and record.modname in ("page", "label", "url", "quiz"):
        click.echo(tr("(no diff: the pack's version could not be rendered, or it is the same)",
                      "（无差异：无法生成资源包的版本，或两者相同）"))


@drift_group.command("adopt", context_settings=CONTEXT_SETTINGS)
@id_argument
@config_option
@packs_option
@click.option("--as-static", is_flag=True,
              help="For a page rendered from a template: replace the template with a static page holding Moodle's "
                   "version. 对模板页面：改为保存 Moodle 版本的静态页面。")
@command_lang_option
@handle_errors
def adopt_command(record_id, config_path, packs, as_static) -> None:
    """Write Moodle's version of a kept hand edit back into its pack (files and pack.toml
    edited in place, comments kept), so the next sync keeps it.

    将已保存的手工修改写回资源包（就地修改文件与 pack.toml，保留注释），下次同步将保留它。
    """
    from bridge.config import load_config
    from bridge.drift import store
    from bridge.drift.adopt import adopt, pack_folders

    config = load_config(config_path)
    record = store.find(store.drift_root(config.state_dir), record_id)
    result = adopt(record, pack_folders(record, list(packs), config.packs), config.state_dir, as_static=as_static)
    click.echo(tr("Adopted {id} ({course} {res}) into the pack:", "已将 {id}（{course} {res}）写回资源包：",
                  id=record.id, course=record.course, res=record.resource))
    for line in result.written:
        echo("  " + line)
    if result.shared:
        click.echo(tr("The content is authored in another pack (use): every course using it gets this version.",
                      "该内容在另一个资源包中编写（use）：所有使用它的课程都会得到此版本。"))
    if record.overwritten:
        click.echo(tr("The next sync puts this version back into Moodle.", "下次同步会把此版本重新放入 Moodle。"))
    else:
        click.echo(tr("Moodle already holds this version: the next sync leaves it as it is.",
                      "Moodle 中已是此版本：下次同步不会改动它。"))


@drift_group.command("prune", context_settings=CONTEXT_SETTINGS)
@config_option
@click.option("--site", "site_name", help="Site name (default: the only one). 站点名。")
@click.option("--older-than", "days", type=click.IntRange(0), default=None,
              help="Days to keep (default: the site's drift_keep_days, 180; 0 = no age limit). 保留天数。")
@click.option("--keep", "keep_max", type=click.IntRange(0), default=None,
              help="Copies to keep per module (default: the site's drift_keep_max, 10; 0 = no limit). 每个模块保留份数。")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed. 仅列出将删除的内容。")
@command_lang_option
@handle_errors
def prune_command(config_path, site_name, days, keep_max, dry_run) -> None:
    """Remove kept hand edits older than a number of days, or beyond a number per module.
    A sync does the same with the site's settings, and says what it removed.

    按天数或每个模块的份数清理已保存的手工修改。
    """
    from bridge.config import load_config
    from bridge.drift import store
    from bridge.drift.sync import pruned_text

    config = load_config(config_path)
    site = config.site(site_name)
    days = site.drift_keep_days if days is None else days
    keep_max = site.drift_keep_max if keep_max is None else keep_max
    removed = store.prune(store.drift_root(config.state_dir), site.name, keep_days=days, keep_max=keep_max,
                          dry_run=dry_run)
    if not removed:
        click.echo(tr("Nothing to prune.", "没有需要清理的内容。"))
    elif dry_run:
        click.echo(tr("Would remove {n}:", "将删除 {n} 份：", n=len(removed)))
        for r in removed:
            echo(f"  {r.id} {r.course} {r.resource} ({r.status}) {r.copy_path or r.path}")
    else:
        echo(pruned_text(removed, days, keep_max))
    sys.exit(int(ExitCode.OK))


commands = [drift_group]
