"""``certbridge fix`` reads only regular files within limits and never follows a link out of
the folder it was given: a FIFO or device is reported (exit 2), never waited on or read."""
from __future__ import annotations

import os

from click.testing import CliRunner

from bridge.cli import main


def test_fix_reports_a_fifo_and_a_device_link_and_fixes_the_rest(tmp_path):
    pack = tmp_path / "p"
    (pack / "quizzes").mkdir(parents=True)
    os.mkfifo(pack / "quizzes" / "a.gift")
    os.symlink("/dev/zero", pack / "pack.toml")
    (pack / "b.toml").write_text('title ＝ "x"\n', "utf-8")
    outside = tmp_path / "outside.toml"
    outside.write_text('title ＝ "y"\n', "utf-8")
    os.symlink(outside, pack / "linked.toml")
    result = CliRunner().invoke(main, ["fix", str(pack)])
    assert result.exit_code == 2, result.output
    assert "named pipe" in result.output and "Traceback" not in result.output
    assert (pack / "b.toml").read_text("utf-8") == 'title = "x"\n'
    assert outside.read_text("utf-8") == 'title ＝ "y"\n'  # a link out of the pack is not rewritten
    named = CliRunner().invoke(main, ["fix", str(pack / "pack.toml")])
    assert named.exit_code == 2 and "character device" in named.output
