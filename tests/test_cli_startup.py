"""``certbridge --version``/``--help`` load no library module: the commands import what
they need when they run (speed is measured by scripts/bench_startup.py, not here)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: What a start must not load: the HTTP stack, templates, XML, the sync, reports, the sandbox.
HEAVY = ("requests", "requests_toolbelt", "jinja2", "lxml", "orjson", "tomli", "sqlite3", "bridge.sync.run",
         "bridge.sync.executor", "bridge.moodle.client", "bridge.report.run", "bridge.library.index",
         "bridge.sandbox.server", "bridge.pack.catalog", "bridge.quiz.gift", "bridge.render.pages", "bridge.config")

PROBE = """
import json, sys
from bridge.cli import main
try:
    main(sys.argv[1:], prog_name="certbridge")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_modules(*argv: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=60)
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["sync", "--help"], ["report", "--help"]])
def test_start_and_help_load_no_library_module(argv):
    loaded = loaded_modules(*argv)
    assert "click" in loaded and "bridge.cli.sync" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_a_command_still_loads_what_it_needs(tmp_path):
    quiz = tmp_path / "q.gift"
    quiz.write_text("::Q1:: 1 + 1 = 2 {T}\n", encoding="utf-8")
    loaded = loaded_modules("quiz", "check", str(quiz))
    assert "bridge.quiz.gift" in loaded
