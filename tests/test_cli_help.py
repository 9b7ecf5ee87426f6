"""Every command answers -h/--help with real help text."""
import click
import pytest
from click.testing import CliRunner

from bridge.cli import main


def _walk(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _walk(cmd, prefix + (name,))


ALL = [((), main)] + list(_walk(main))


@pytest.mark.parametrize("path,cmd", ALL, ids=[" ".join(p) or "certbridge" for p, _ in ALL])
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_command_has_help(path, cmd, flag):
    assert (cmd.help or "").strip(), f"command {' '.join(path)!r} has no help text"
    result = CliRunner().invoke(main, [*path, flag])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert cmd.help.strip().splitlines()[0][:20] in result.output
