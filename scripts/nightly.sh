#!/usr/bin/env bash
# The nightly job: sync every pack to every configured site, then record the report.
# stdout: the sync's JSON lines (one object per line), for journald or a log file.
# stderr: nothing when all went well; one line per problem otherwise (so cron mails only
# failures, and a systemd unit's status says what failed).
# Exit code: the sync's (docs/sync.md): 0 ok, 1 some resources failed or a hand edit is a
# conflict (drift = protect), 2 invalid pack,
# 3 site unusable, 4 another run holds the lock, 5 a safety limit stopped the run,
# 6 state unusable, 130 interrupted; 127: certbridge itself was not found.
#
# scripts/install puts this file beside certbridge as PREFIX/bin/certbridge-nightly.
# Environment: CERTBRIDGE_CONFIG (certbridge.toml; tokens: token_file/token_credential
# there, or the sites' token variables), CERTBRIDGE_BIN (default: the certbridge beside
# this script, /opt/certbridge/bin/certbridge, the checkout's .venv, then PATH),
# CERTBRIDGE_REPORT_DIR (optional: write report.html and report.json there),
# CERTBRIDGE_METRICS_FILE (optional: Prometheus textfile, else the config's metrics_file),
# CERTBRIDGE_MAX_CHANGES (default 500).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# cron runs jobs with PATH=/usr/bin:/bin: look where certbridge is installed, not only on PATH.
BIN="${CERTBRIDGE_BIN:-}"
if [ -z "$BIN" ]; then
  for candidate in "$here/certbridge" /opt/certbridge/bin/certbridge "$here/../.venv/bin/certbridge" \
                   "$(command -v certbridge 2>/dev/null)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then BIN="$candidate"; break; fi
  done
fi
if [ -z "$BIN" ] || ! [ -x "$BIN" ]; then
  echo "certbridge nightly: cannot find certbridge (${BIN:-not beside this script, not in /opt/certbridge/bin, not on PATH=$PATH}): install it with scripts/install (README: Install for cron and systemd) or set CERTBRIDGE_BIN=/path/to/certbridge / 找不到 certbridge：请用 scripts/install 安装或设置 CERTBRIDGE_BIN" >&2
  exit 127
fi
metrics=()
[ -n "${CERTBRIDGE_METRICS_FILE:-}" ] && metrics=(--metrics-file "$CERTBRIDGE_METRICS_FILE")
"$BIN" sync --all-sites --log-format json --wait 600 --max-changes "${CERTBRIDGE_MAX_CHANGES:-500}" "${metrics[@]}"
status=$?
if [ -n "${CERTBRIDGE_REPORT_DIR:-}" ] && [ "$status" -ne 4 ] && [ "$status" -ne 130 ]; then
  mkdir -p "$CERTBRIDGE_REPORT_DIR"
  for format in html json; do
    # Quiet unless the report itself fails; a failed report does not change the exit code.
    if ! out=$("$BIN" report --all-sites --format "$format" --out "$CERTBRIDGE_REPORT_DIR/report.$format" 2>&1); then
      printf 'certbridge nightly: report.%s failed / 报告生成失败:\n%s\n' "$format" "$out" >&2
    fi
  done
fi
case "$status" in
  0) ;;
  1) why="some resources failed (or the disk is full), or a teacher's edit in Moodle is a conflict under drift = protect: certbridge drift list, then drift adopt ID or sync --drift restore / 部分资源同步失败（或磁盘已满），或教师在 Moodle 中的修改成为冲突：certbridge drift list" ;;
  2) why="invalid pack or config, run certbridge validate / 资源包或配置有误" ;;
  3) why="the site cannot be used, run certbridge doctor / 站点不可用" ;;
  4) why="another run holds the lock / 另一运行持有锁" ;;
  5) why="--max-changes or --max-delete exceeded, nothing written; check certbridge plan / 超过安全上限，未写入" ;;
  6) why="the state file cannot be used; the log's error line says how to move it aside / 状态文件不可用" ;;
  130) why="interrupted, the next run resumes / 已中断，下次继续" ;;
  *) why="unexpected failure / 意外错误" ;;
esac
if [ "$status" -ne 0 ]; then
  echo "certbridge nightly: sync exit $status: $why (details: the JSON log's \"error\", \"failure_group\", \"kept\" and \"summary\" lines)" >&2
fi
exit "$status"
