"""The sync's side of drift: keep the hand edits that ``protect`` leaves in Moodle (so they
can be adopted), and prune old kept copies — always saying what was pruned."""
from __future__ import annotations

from pathlib import Path

from bridge.drift import store
from bridge.drift.keep import Keeper, KeepFailed
from bridge.drift.store import DriftRecord
from bridge.i18n import tr
from bridge.sync import planner as P


def keep_conflicts(keeper: Keeper, courses: list, reporter) -> list[DriftRecord]:
    """Keep Moodle's version of every conflict of ``courses`` ((desired, plan) pairs): not
    overwritten, so that ``drift adopt`` can take it into the pack."""
    kept: list[DriftRecord] = []
    for desired, plan in courses:
        for action in plan.module_actions:
            if action.kind != P.CONFLICT:
                continue
            try:
                kept.append(keeper.keep(plan.shortname, desired.pack_id, int(plan.courseid or 0), action))
            except KeepFailed as err:
                reporter.message(err.message, level="warning")
    return kept


def prune_kept(root: Path, site, reporter) -> list[DriftRecord]:
    """Apply the site's retention (``drift_keep_days``, ``drift_keep_max``) and report it."""
    try:
        removed = store.prune(root, site.name, keep_days=site.drift_keep_days, keep_max=site.drift_keep_max)
    except OSError as err:
        reporter.message(tr("Kept hand edits could not be pruned: {err}", "无法清理已保留的手工修改：{err}", err=err),
                         level="warning")
        return []
    if removed:
        reporter.message(pruned_text(removed, site.drift_keep_days, site.drift_keep_max))
    return removed


def pruned_text(removed: list[DriftRecord], keep_days: int, keep_max: int) -> str:
    head = tr("Pruned {n} kept hand edit(s) (kept {days} days, at most {max} per module; drift_keep_days and "
              "drift_keep_max in certbridge.toml):",
              "已清理 {n} 份保留的手工修改（保留 {days} 天，每个模块最多 {max} 份；见 certbridge.toml 中的 "
              "drift_keep_days 与 drift_keep_max）：", n=len(removed), days=keep_days or "∞", max=keep_max or "∞")
    return "\n".join([head] + [f"  {r.id} {r.course} {r.resource} ({r.status})" for r in removed[:20]]
                     + ([f"  … +{len(removed) - 20}"] if len(removed) > 20 else []))
