#!/usr/bin/env bash
# The nightly job: sync every pack to every configured site, then record the report.
# Logs are JSON lines (one object per line) on stdout, for journald or a log file.
# Exit code: the sync's (docs/sync.md): 0 ok, 1 some resources failed, 2 invalid pack,
# 3 site unusable, 4 another run holds the lock, 5 a safety limit stopped the run,
# 6 state unusable, 130 interrupted.
#
# Environment: CERTBRIDGE_CONFIG (certbridge.toml), the sites' token variables,
# CERTBRIDGE_BIN (default: certbridge on PATH), CERTBRIDGE_REPORT_DIR (optional: write
# report.html and report.json there), CERTBRIDGE_MAX_CHANGES (default 500).
set -uo pipefail
BIN="${CERTBRIDGE_BIN:-certbridge}"
"$BIN" sync --all-sites --log-format json --wait 600 --max-changes "${CERTBRIDGE_MAX_CHANGES:-500}"
status=$?
if [ -n "${CERTBRIDGE_REPORT_DIR:-}" ] && [ "$status" -ne 4 ]; then
  mkdir -p "$CERTBRIDGE_REPORT_DIR"
  "$BIN" report --all-sites --format html --out "$CERTBRIDGE_REPORT_DIR/report.html" || true
  "$BIN" report --all-sites --format json --out "$CERTBRIDGE_REPORT_DIR/report.json" || true
fi
exit "$status"
