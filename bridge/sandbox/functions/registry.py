"""The table of web-service functions the sandbox knows, and what a call gets to work with."""
from __future__ import annotations

import random
import re
import sqlite3
from dataclasses import dataclass
from typing import Any, Callable

from bridge.sandbox.errors import no_permissions, require_login
from bridge.sandbox.protocol import Desc, Single
from bridge.sandbox.store import Store

CORE_VERSION = "2025100600.02"
MOD_VERSION = "2025100600"
PLUGIN_VERSION = "2026113005"

_WRITE = re.compile(r"create|update|delete|edit|upsert|import|ensure|upload|_set_")


def is_write(wsfunction: str) -> bool:
    """Whether a call changes state (by its name, as the benchmarks and tests count them)."""
    return bool(_WRITE.search(wsfunction))


@dataclass
class Call:
    """What a function implementation sees: the state, the token's user, the site."""

    store: Store
    db: sqlite3.Connection
    user: sqlite3.Row
    site_url: str
    debug: bool
    rng: random.Random

    @property
    def is_admin(self) -> bool:
        return bool(self.user["issiteadmin"])

    def require_admin(self, capability_name: str) -> None:
        """``require_capability`` for a system-level capability only the admin holds here."""
        if not self.is_admin:
            raise no_permissions(capability_name)

    def require_course_access(self) -> None:
        """``validate_context`` of a course or module context: only the admin has course rights."""
        if not self.is_admin:
            raise require_login()


@dataclass(frozen=True)
class Function:
    name: str
    params: Single
    impl: Callable[[Call, dict[str, Any]], Any]
    version: str
    cacheable: bool

    @property
    def write(self) -> bool:
        return is_write(self.name)


FUNCTIONS: dict[str, Function] = {}

#: Real Moodle functions that are not in the sandbox's service: calling them gives
#: ``accessexception`` (as on a site whose service lacks them), not "unknown function".
OUTSIDE_SERVICE = frozenset({
    "core_user_get_users_by_field", "core_user_get_users", "core_user_create_users",
    "core_enrol_get_enrolled_users", "core_enrol_get_users_courses", "core_role_assign_roles",
    "core_completion_get_activities_completion_status", "core_course_duplicate_course",
})


def wsfunction(name: str, params: dict[str, Desc] | None = None, *, version: str = CORE_VERSION,
               cacheable: bool = True) -> Callable:
    """Register an implementation under its Moodle function name with its parameter description."""

    def register(impl: Callable[[Call, dict[str, Any]], Any]) -> Callable:
        FUNCTIONS[name] = Function(name, Single(params or {}), impl, version,
                                   cacheable and not is_write(name))
        return impl

    return register
