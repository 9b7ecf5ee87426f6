"""The config file is read like pack files: a FIFO, a device or a file nested too deeply
is a clear error with exit 2, never a hang or a traceback."""
from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from bridge.cli import main


@pytest.mark.parametrize("kind, expected", [
    ("fifo", "named pipe"), ("device", "character device"), ("deep", "nested too deeply")])
def test_a_hostile_config_file_is_exit_2_with_a_message(tmp_path, kind, expected):
    config = tmp_path / "certbridge.toml"
    if kind == "fifo":
        os.mkfifo(config)
    elif kind == "device":
        os.symlink("/dev/zero", config)
    else:
        config.write_text("x = " + "[" * 3000 + "]" * 3000 + "\n", "utf-8")
    result = CliRunner().invoke(main, ["plan", "--config", str(config)])
    assert result.exit_code == 2, result.output
    assert expected in result.output and "Traceback" not in result.output
