"""Fault injection: latency, 5xx answers, dropped connections, timeouts, "fail after N calls".

Every faultable call draws exactly one number from the plan's own ``random.Random(seed)``,
so a single-threaded client sees the same faults on every run with the same seed.
"""
from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from random import Random
from typing import Any, Iterable

#: HTTP status of an injected error (a proxy in front of Moodle) and of "fail after N".
ERROR_STATUS = 502
FAIL_AFTER_STATUS = 503


@dataclass(frozen=True)
class FaultPlan:
    """What to break. Rates are probabilities per call; ``only_functions`` limits every fault
    (and the ``fail_after`` count) to those web-service functions (``webservice/upload.php``
    names the upload endpoint)."""

    seed: int = 0
    latency_ms: float = 0
    error_rate: float = 0.0
    drop_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_s: float = 30.0
    fail_after: int | None = None
    only_functions: Iterable[str] | None = field(default=None)

    def __post_init__(self) -> None:
        for name in ("error_rate", "drop_rate", "timeout_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if self.error_rate + self.drop_rate + self.timeout_rate > 1.0:
            raise ValueError("error_rate + drop_rate + timeout_rate must not exceed 1")
        if self.only_functions is not None:
            object.__setattr__(self, "only_functions", frozenset(self.only_functions))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.only_functions is not None:
            data["only_functions"] = sorted(self.only_functions)
        return data


@dataclass(frozen=True)
class Fault:
    """What to do to one call: wait ``delay_s`` first, then ``kind`` (None = answer normally)."""

    kind: str | None  # None | "error" | "drop" | "fail"
    delay_s: float = 0.0

    @property
    def status(self) -> int:
        return {"error": ERROR_STATUS, "fail": FAIL_AFTER_STATUS, "drop": 0}.get(self.kind or "", 200)


NO_FAULT = Fault(None)


class FaultInjector:
    """Holds the current plan and decides, call by call, which fault applies."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plan: FaultPlan | None = None
        self._rng = Random(0)
        self._count = 0
        #: Set on shutdown: injected waits end early so the server stops promptly.
        self.stopping = threading.Event()

    @property
    def plan(self) -> FaultPlan | None:
        return self._plan

    @property
    def decided(self) -> int:
        """How many calls the current plan has judged (the ``fail_after`` count)."""
        return self._count

    def set(self, plan: FaultPlan) -> None:
        with self._lock:
            self._plan, self._rng, self._count = plan, Random(plan.seed), 0

    def clear(self) -> None:
        with self._lock:
            self._plan, self._count = None, 0

    def decide(self, wsfunction: str) -> Fault:
        plan = self._plan
        if plan is None or (plan.only_functions is not None and wsfunction not in plan.only_functions):
            return NO_FAULT
        with self._lock:
            self._count += 1
            count = self._count
            draw = self._rng.random()
        delay = plan.latency_ms / 1000.0
        if plan.fail_after is not None and count > plan.fail_after:
            return Fault("fail", delay)
        if draw < plan.drop_rate:
            return Fault("drop", delay)
        if draw < plan.drop_rate + plan.timeout_rate:
            return Fault(None, delay + plan.timeout_s)
        if draw < plan.drop_rate + plan.timeout_rate + plan.error_rate:
            return Fault("error", delay)
        return Fault(None, delay) if delay else NO_FAULT

    def wait(self, seconds: float) -> None:
        """Sleep for an injected delay, cut short when the server stops."""
        if seconds > 0:
            self.stopping.wait(seconds)
