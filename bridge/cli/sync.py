"""CLI commands: ``plan``, ``sync``, ``unlock``, ``doctor`` (the library is ``bridge.sync``)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from bridge.cli.common import CONTEXT_SETTINGS, command_lang_option, config_option, echo, echo_json, handle_errors
from bridge.words import word
from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr
from bridge.textwidth import pad

#: Pack folders or pack ids (looked up in the config's pack folders), as for report.
packs_argument = click.argument("packs", nargs=-1, metavar="[PACK]...")
site_option = click.option("--site", "site_name", help="Site name from the config (default: the only one). 站点名。")
all_sites_option = click.option("--all-sites", is_flag=True, help="Every configured site, one after another. 所有站点。")
prune_option = click.option("--prune/--no-prune", default=None,
                            help="Delete (instead of hide) modules removed from a pack; only modules this tool created, "
                                 "only after a run without errors. 删除已从资源包移除的模块。")
drift_option = click.option("--drift", type=click.Choice(["restore", "leave", "protect"]), default=None,
                            help="Hand changes in Moodle: restore them (hand edits are kept first, see certbridge drift "
                                 "list), leave and report, or protect (edited content or titles are conflicts, exit 1, "
                                 "until adopted) (default: site setting, restore). 对 Moodle 中手工改动的处理。")
workers_option = click.option("--workers", type=click.IntRange(1, 32), default=None,
                              help="Parallel uploads and courses per site; a course is written by one worker at a time (default: site setting, 2). 并行上传与课程数（同一课程始终串行写入）。")


def _sites(config_path, site_name, all_sites):
    from bridge.config import load_config
    config = load_config(config_path)
    return config, config.select(site_name, all_sites)


@click.command(context_settings=CONTEXT_SETTINGS)
@packs_argument
@config_option
@site_option
@all_sites_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format (json: see docs/sync.md). 输出格式。")
@click.option("--summary", "summary_only", is_flag=True, help="Text: one line per course, no action list. 仅显示摘要。")
@prune_option
@drift_option
@workers_option
@command_lang_option
@handle_errors
def plan(packs, config_path, site_name, all_sites, fmt, summary_only, prune, drift, workers) -> None:
    """Show what a sync would do, per course; makes no write call to Moodle.

    显示同步将执行的操作（按课程），不向 Moodle 写入任何内容。

    PACK is a pack folder or id (default: every pack in the config's pack folders).

    PACK 为资源包目录或 id（默认：配置中资源包目录下的全部资源包）。
    """
    from bridge.sync.progress import JsonReporter, Reporter, TextReporter
    from bridge.sync.run import RunOptions, plan_site
    config, sites = _sites(config_path, site_name, all_sites)
    options = RunOptions(packs=list(packs), prune=prune, drift=drift, workers=workers)
    reporter: Reporter = JsonReporter() if fmt == "json" else TextReporter()
    documents = []
    worst = ExitCode.OK
    for site in sites:
        site_plan = plan_site(config, site, options, reporter if fmt != "json" else Reporter())
        documents.append(site_plan.to_dict())
        if site_plan.invalid:
            worst = max(worst, ExitCode.INVALID_INPUT)
        elif site_plan.summary()["errors"]:
            worst = max(worst, ExitCode.FAILURES)
        if fmt == "text":
            _print_plan(site_plan, actions=not summary_only)
    if fmt == "json":
        echo_json(documents[0] if len(documents) == 1 else {"sites": documents})
    sys.exit(int(worst))


def _print_plan(site_plan, *, actions: bool) -> None:
    from bridge.sync.progress import describe_plan_counts
    echo(tr("Site {site} ({url}):", "站点 {site}（{url}）：", site=site_plan.site.name, url=site_plan.site.url))
    for work in site_plan.courses:
        p = work.plan
        if p.error:
            echo(f"  {p.shortname}: " + tr("cannot be read: {e}", "无法读取：{e}", e=p.error))
            continue
        head = []
        if any(a.kind == "create_course" for a in p.actions):
            head.append(tr("create course", "新建课程"))
        if any(a.kind == "ensure_sections" for a in p.actions):
            head.append(tr("set sections", "设置章节"))
        echo(f"  {p.shortname}: " + tr("; ", "；").join(head + [describe_plan_counts(p.counts())]))
        for a in p.module_actions if actions else []:
            if a.kind in ("unchanged",):
                continue
            why = tr(" ({r})", "（{r}）", r=tr(", ", "、").join(word(r) for r in a.reasons)) if a.reasons else ""
            echo(f"    {pad(word(a.kind), 9)} {a.idnumber}  {a.name}{why}")
    totals = site_plan.summary()
    total = describe_plan_counts(totals)
    if totals["errors"]:
        total += tr("; {n} pack(s) or course(s) cannot be planned (see above)", "；{n} 个资源包或课程无法生成计划（见上文）",
                    n=totals["errors"])
    echo(tr("Total: {counts}", "合计：{counts}", counts=total))


@click.command(context_settings=CONTEXT_SETTINGS)
@packs_argument
@config_option
@site_option
@all_sites_option
@click.option("--dry-run", is_flag=True, help="Only show the plan (same as certbridge plan). 仅显示计划。")
@workers_option
@click.option("--max-changes", type=click.IntRange(0), default=None,
              help="Refuse (exit 5, nothing written) a run with more module changes. 更改数上限。")
@prune_option
@click.option("--max-delete", type=click.IntRange(0), default=None,
              help="Refuse (exit 5, nothing written) a run deleting more modules; 0 allows none (default: the "
                   "site's max_delete, else no limit). 删除数上限。")
@drift_option
@click.option("--wait", type=click.FloatRange(0), default=0.0, show_default=True,
              help="Seconds to wait for another run's lock before giving up (exit 4). 等待锁的秒数。")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Progress and summary as text, or JSON lines for the nightly job's log. 日志格式。")
@click.option("--metrics-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the run's figures for Prometheus' textfile collector here, atomically (default: the "
                   "config's metrics_file). 监控指标文件。")
@command_lang_option
@handle_errors
def sync(packs, config_path, site_name, all_sites, dry_run, workers, max_changes, prune, max_delete, drift, wait,
         log_format, metrics_file) -> None:
    """Make each course in Moodle match its pack: create, update, hide (or delete with
    --prune) what differs; safe to re-run, resumes after an interruption.

    将 Moodle 中的课程同步为与资源包一致；可重复运行，中断后可继续。

    PACK is a pack folder or id (default: every pack in the config's pack folders).

    PACK 为资源包目录或 id（默认：配置中资源包目录下的全部资源包）。

    \b
    Exit codes (退出码, docs/sync.md):
        0  all done, or nothing to do           全部完成或无需更改
        1  some resources failed; re-run        部分资源失败，修正后重跑
        2  invalid pack, config or option       资源包、配置或参数有误
        3  site unusable (certbridge doctor)    站点不可用
        4  another run holds the lock           另一运行持有锁
        5  --max-changes/--max-delete exceeded  超过安全上限，未写入
        6  state file unusable                  状态文件不可用
      130  interrupted; the next run resumes    已中断，下次继续
    """
    from bridge.sync.metrics import SiteRun, write_metrics
    from bridge.sync.progress import JsonReporter, Reporter, TextReporter
    from bridge.sync.run import RunOptions, sync_site
    if dry_run:
        ctx = click.get_current_context()
        ctx.invoke(plan, packs=packs, config_path=config_path, site_name=site_name, all_sites=all_sites,
                   fmt="json" if log_format == "json" else "text", summary_only=False, prune=prune, drift=drift,
                   workers=workers)
        return
    options = RunOptions(packs=list(packs), workers=workers, max_changes=max_changes, max_delete=max_delete,
                         prune=prune, drift=drift, wait=wait)
    # Everything goes through the reporter, so the nightly job's JSON log stays JSON lines
    # even when the run cannot start (no site, config typo) or is stopped.
    reporter: Reporter = JsonReporter(sys.stdout) if log_format == "json" else TextReporter()
    runs: list[SiteRun] = []  # for the metrics file
    config = None
    try:
        config, sites = _sites(config_path, site_name, all_sites)
        worst = ExitCode.OK
        for site in sites:
            started = time.monotonic()
            try:
                summary = sync_site(config, site, options, reporter)
                code = ExitCode(summary["exit_code"])
                runs.append(SiteRun.from_summary(summary, time.time()))
            except BridgeError as err:
                code = err.exit_code
                reporter.error(err, int(code), site.name if len(sites) > 1 else None)
                runs.append(SiteRun(site.name, int(code), time.time(), time.monotonic() - started, 1, complete=False))
            except KeyboardInterrupt:
                runs.append(SiteRun(site.name, int(ExitCode.INTERRUPTED), time.time(), time.monotonic() - started, 1,
                                    complete=False))
                raise
            worst = code if worst == ExitCode.OK or code > worst else worst
    except BridgeError as err:
        reporter.error(err, int(err.exit_code))
        worst = err.exit_code
    except KeyboardInterrupt:
        stop = BridgeError(tr("Interrupted. Actions already sent were finished and recorded; the next run resumes "
                              "where this one stopped.", "已中断。已发出的操作均已完成并记录；下次运行将从中断处继续。"))
        reporter.error(stop, int(ExitCode.INTERRUPTED))
        worst = ExitCode.INTERRUPTED
    target = metrics_file or (config.metrics_file if config is not None else None)
    if target is not None and runs:
        try:
            write_metrics(target, runs)
        except BridgeError as err:
            # The sync's own outcome stands; a stale file shows in last_run_timestamp.
            reporter.message(tr("The metrics file was not written: {msg}", "监控指标文件未写入：{msg}", msg=err.message)
                             + (f"\n{err.hint}" if err.hint else ""), level="error")
    sys.exit(int(worst))


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--id", "lock_id", required=True, help="The lock's id, as the refused run printed it. 锁的 id。")
@config_option
@site_option
@command_lang_option
@handle_errors
def unlock(lock_id, config_path, site_name) -> None:
    """Remove a stale sync lock, given its id (shown by the run it refused).

    删除失效的同步锁（需提供锁 id，被拒绝的运行会显示它）。
    """
    from bridge.sync.lock import lock_path, unlock as remove_lock
    config, (site,) = _sites(config_path, site_name, False)
    holder = remove_lock(lock_path(config.state_path(site)), lock_id)
    echo(tr("Removed {what}.", "已删除{what}。", what=holder.describe()))


@click.command(context_settings=CONTEXT_SETTINGS)
@config_option
@site_option
@all_sites_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format. 输出格式。")
@command_lang_option
@handle_errors
def doctor(config_path, site_name, all_sites, fmt) -> None:
    """Check a site: reachable, REST on, token valid, plugin version, the service's
    functions, uploads allowed; each failure with its fix (exit 3 if any fails).

    检查站点：可达、REST、令牌、插件版本、服务函数、上传权限；每项失败都给出修复方法。
    """
    from bridge.sync.doctor import FAIL, run_doctor
    from bridge.sync.run import connect
    config, sites = _sites(config_path, site_name, all_sites)
    results = {site.name: run_doctor(site, connect) for site in sites}
    failed = any(c.status == FAIL for checks in results.values() for c in checks)
    if fmt == "json":
        echo_json({name: [c.to_dict() for c in checks] for name, checks in results.items()})
    else:
        for name, checks in results.items():
            echo(tr("Site {site}:", "站点 {site}：", site=name))
            for c in checks:
                mark = {"ok": "✓", "fail": "✗", "warning": "!"}.get(c.status, "-")
                echo(f"  {mark} {pad(word(c.name), 10)} {c.detail}".rstrip())
                if c.fix:
                    echo(f"      → {c.fix}")
    sys.exit(int(ExitCode.SITE_ERROR if failed else ExitCode.OK))


commands = [plan, sync, unlock, doctor]
