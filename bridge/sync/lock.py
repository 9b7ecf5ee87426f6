"""One writing run per site: a lock file beside the state file.

The file is created with O_EXCL and holds ``{id, pid, host, started_at}``. A lock whose
process is provably gone (same host, pid not running, or running but started after the
lock was taken: a reused pid) is stale and taken over, with a notice. A lock from
another host cannot be checked: the user removes it with ``certbridge unlock --id ID``,
the id making sure the lock removed is the one they looked at.
"""
from __future__ import annotations

import fcntl
import json
import os
import socket
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from bridge.errors import BridgeError, ExitCode, write_error
from bridge.i18n import tr


UNREADABLE = "unreadable"
#: A lock file left empty (killed between creating and writing it) is stale after this.
UNREADABLE_GRACE = 30.0


class LockedError(BridgeError):
    exit_code = ExitCode.LOCKED


@dataclass(frozen=True)
class LockInfo:
    id: str
    pid: int
    host: str
    started_at: float

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.started_at))
        if self.id == UNREADABLE:
            return tr("an empty or unreadable lock file written at {when} (a run stopped while taking it; it is taken "
                      "over {grace:g} s after that)", "写于 {when} 的空的或无法读取的锁文件（某次运行在加锁时中止；"
                      "{grace:g} 秒后会被自动接管）", when=when, grace=UNREADABLE_GRACE)
        return tr("lock {id} held by pid {pid} on {host} since {when}", "锁 {id}（主机 {host} 上的进程 {pid}，始于 {when}）",
                  id=self.id, pid=self.pid, host=self.host, when=when)


def lock_path(state_path: Path) -> Path:
    return state_path.with_suffix(".lock")


def read_lock(path: Path) -> LockInfo | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        return LockInfo(str(data["id"]), int(data["pid"]), str(data["host"]), float(data["started_at"]))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        # Half-written (killed between create and write): identify it by its mtime.
        return LockInfo(UNREADABLE, 0, "?", path.stat().st_mtime if path.exists() else 0.0)


def _process_start(pid: int) -> float | None:
    """When ``pid`` started (epoch seconds), on Linux; None when unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
        boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def is_stale(info: LockInfo, host: str | None = None) -> bool:
    """True when the lock's process is certainly gone (only decidable on the same host)."""
    if info.id == UNREADABLE:
        return time.time() - info.started_at > UNREADABLE_GRACE
    if info.host != (host or socket.gethostname()) or info.pid <= 0:
        return False
    try:
        os.kill(info.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    started = _process_start(info.pid)
    return started is not None and started > info.started_at + 1.0  # pid reused by a later process


class SiteLock:
    """``with SiteLock(path):`` holds the site's lock; raises ``LockedError`` when taken.

    ``wait`` seconds: poll until the lock is free instead of failing at once.
    """

    def __init__(self, path: Path, *, wait: float = 0.0, poll: float = 0.2, notify=None):
        self.path = Path(path)
        self.wait = wait
        self.poll = poll
        self.notify = notify or (lambda message: None)
        self.info: LockInfo | None = None

    def acquire(self) -> LockInfo:
        deadline = time.monotonic() + self.wait
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise write_error(err, self.path.parent) from None
        while True:
            info = self._try_acquire()
            if info is not None:
                self.info = info
                return info
            holder = read_lock(self.path)
            if holder is not None and is_stale(holder):
                if self._remove_if(holder):
                    self.notify(tr("Took over a stale lock: {what}.", "已接管失效的锁：{what}。", what=holder.describe()))
                continue
            if time.monotonic() >= deadline:
                raise LockedError(
                    tr("Another sync is running on this site: {what}.", "该站点已有同步在运行：{what}。",
                       what=holder.describe() if holder else "?"),
                    hint=tr("Wait for it to finish (or use --wait SECONDS). If that run is gone, remove the lock with: "
                            "certbridge unlock --id {id}",
                            "请等待其结束（或使用 --wait 秒数）。若该运行已不存在，请执行：certbridge unlock --id {id}",
                            id=holder.id if holder else "?"))
            time.sleep(self.poll)

    def _try_acquire(self) -> LockInfo | None:
        info = LockInfo(uuid.uuid4().hex[:12], os.getpid(), socket.gethostname(), time.time())
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(asdict(info), fh)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as err:
            # Never leave an empty lock behind (it would hold off the next run): a full
            # disk fails here, after the file was created.
            try:
                self.path.unlink()
            except OSError:
                pass
            raise write_error(err, self.path) from None
        return info

    def _remove_if(self, expected: LockInfo) -> bool:
        """Remove the lock file only if it still is ``expected`` (a guard file serialises
        the check and the removal between processes). The whole record is compared: every
        unreadable lock has the same id, and one just created by another run (not yet
        written) differs from the stale one only by its time."""
        with open(self.path.with_suffix(".lock-guard"), "a") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            current = read_lock(self.path)
            if current != expected:
                return False
            try:
                self.path.unlink()
            except FileNotFoundError:
                return False
            return True

    def release(self) -> None:
        if self.info is not None:
            self._remove_if(self.info)
            self.info = None

    def __enter__(self) -> LockInfo:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def unlock(path: Path, lock_id: str) -> LockInfo:
    """Remove the lock at ``path`` if its id is ``lock_id``; errors say what is there."""
    holder = read_lock(path)
    if holder is None:
        raise BridgeError(tr("There is no lock at {path}.", "{path} 处没有锁。", path=path),
                          exit_code=ExitCode.INVALID_INPUT)
    if holder.id != lock_id:
        raise BridgeError(tr("The lock at {path} has id {actual}, not {given}: {what}.",
                             "{path} 处的锁 id 为 {actual}，而不是 {given}：{what}。",
                             path=path, actual=holder.id, given=lock_id, what=holder.describe()),
                          exit_code=ExitCode.INVALID_INPUT)
    if not SiteLock(path)._remove_if(holder):
        raise BridgeError(tr("The lock changed while removing it; look again.", "删除时锁已变化，请重新查看。"),
                          exit_code=ExitCode.LOCKED)
    return holder

