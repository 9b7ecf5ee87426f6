# Sourced by scripts/demo and scripts/test: create or reuse .venv and install certbridge.
# Re-installs only when setup.cfg changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CERTBRIDGE_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.certbridge-installed"
if [ ! -f "$stamp" ] || [ "$ROOT/setup.cfg" -nt "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
  echo "Installing certbridge into $VENV (first run only) ..." >&2
  # pip's chatter goes to a log, shown only when the install fails.
  if ! { "$VENV/bin/python" -m pip install --disable-pip-version-check --upgrade pip &&
         "$VENV/bin/python" -m pip install --disable-pip-version-check -e "$ROOT[${CERTBRIDGE_EXTRAS:-test}]"; } \
       >"$VENV/install.log" 2>&1; then
    cat "$VENV/install.log" >&2
    echo "Installing certbridge failed (log: $VENV/install.log)." >&2
    exit 1
  fi
  touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"
