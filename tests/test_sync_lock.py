"""The site lock: exclusive, stale detection, unlock only by id."""
import json
import os
import socket
import subprocess
import sys

import pytest

from bridge.errors import ExitCode
from bridge.sync.lock import LockedError, SiteLock, is_stale, read_lock, unlock


def test_second_holder_is_refused_with_the_holders_id(tmp_path):
    path = tmp_path / "site.lock"
    with SiteLock(path) as info:
        assert read_lock(path) == info and info.pid == os.getpid()
        with pytest.raises(LockedError) as err:
            SiteLock(path).acquire()
        assert err.value.exit_code == ExitCode.LOCKED
        assert info.id in str(err.value)
    assert not path.exists()


def test_dead_process_lock_is_taken_over(tmp_path):
    path = tmp_path / "site.lock"
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(child.stdout)
    path.write_text(json.dumps({"id": "old", "pid": dead_pid, "host": socket.gethostname(), "started_at": 1.0}))
    notes = []
    with SiteLock(path, notify=notes.append) as info:
        assert info.id != "old"
    assert notes and "old" in notes[0]


def test_lock_of_a_live_process_or_another_host_is_not_stale():
    here = socket.gethostname()
    from bridge.sync.lock import LockInfo
    import time
    assert not is_stale(LockInfo("x", os.getpid(), here, time.time()))
    assert not is_stale(LockInfo("x", 999999999, "elsewhere", 1.0))
    # A live pid that started after the lock was taken is a reused pid.
    assert is_stale(LockInfo("x", os.getpid(), here, 1.0))


def test_unlock_needs_the_right_id(tmp_path):
    path = tmp_path / "site.lock"
    path.write_text(json.dumps({"id": "abc", "pid": 1, "host": "elsewhere", "started_at": 1.0}))
    with pytest.raises(LockedError):
        SiteLock(path).acquire()  # another host: cannot tell, refuse
    with pytest.raises(Exception) as wrong:
        unlock(path, "nope")
    assert "abc" in str(wrong.value) and path.exists()
    assert unlock(path, "abc").id == "abc" and not path.exists()
    with pytest.raises(Exception):
        unlock(path, "abc")


def test_wait_gets_the_lock_once_released(tmp_path):
    path = tmp_path / "site.lock"
    holder = SiteLock(path)
    holder.acquire()
    waiter = SiteLock(path, wait=5, poll=0.01)
    import threading
    threading.Timer(0.05, holder.release).start()
    assert waiter.acquire().pid == os.getpid()
    waiter.release()
