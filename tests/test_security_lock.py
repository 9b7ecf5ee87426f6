"""The sync lock under races: taking over a stale lock never removes a newer lock that
another run has just created (and not yet written)."""
from __future__ import annotations

import os
import time

import pytest

from bridge.sync import lock as lock_module
from bridge.sync.lock import LockedError, SiteLock, read_lock


def stale_empty_lock(path):
    path.write_text("", "utf-8")  # killed between creating and writing it, long ago
    old = time.time() - 3600
    os.utime(path, (old, old))


def test_a_fresh_half_written_lock_is_not_taken_for_the_stale_one_it_replaced(tmp_path, monkeypatch):
    path = tmp_path / "site.lock"
    stale_empty_lock(path)
    real_is_stale, swapped = lock_module.is_stale, []

    def another_run_takes_over_first(info, host=None):
        if not swapped:  # it removed the stale lock and created its own, not written yet
            swapped.append(True)
            path.unlink()
            path.write_text("", "utf-8")
            return True
        return real_is_stale(info, host)

    monkeypatch.setattr(lock_module, "is_stale", another_run_takes_over_first)
    with pytest.raises(LockedError):
        SiteLock(path).acquire()
    assert path.exists() and read_lock(path).started_at > time.time() - 60


def test_a_stale_half_written_lock_is_still_taken_over(tmp_path):
    path = tmp_path / "site.lock"
    stale_empty_lock(path)
    notices = []
    with SiteLock(path, notify=notices.append) as info:
        assert read_lock(path) == info
    assert len(notices) == 1 and not path.exists()
