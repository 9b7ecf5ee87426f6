"""A run's temporary files live beside the site's state file, and what a killed run left
there is removed by the next run (which holds the site's lock)."""
from __future__ import annotations

from pathlib import Path

from bridge.sync.executor import Executor


def test_the_next_run_removes_what_a_killed_run_left(tmp_path):
    root = tmp_path / "campus.sqlite.tmp"
    stale = root / "certbridge-killed" / "quiz.xml"
    stale.parent.mkdir(parents=True)
    stale.write_text("<quiz/>", "utf-8")
    executor = Executor(client=None, store=None, run_id="r1", tmp_root=root)
    assert not stale.exists()
    assert Path(executor._tmp.name).parent == root
    executor.apply([])
    assert not root.exists()
