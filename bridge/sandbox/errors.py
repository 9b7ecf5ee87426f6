"""Moodle's web-service exceptions, as the REST server serialises them.

Each error knows how it looks with developer debugging off (what production sites send)
and on (adds ``debuginfo``; a missing record then names its table).
"""
from __future__ import annotations

from typing import Any


class WSError(Exception):
    """An exception a Moodle external function throws: HTTP 200 with this body."""

    def __init__(self, exception: str, errorcode: str, message: str, debuginfo: str | None = None):
        super().__init__(message)
        self.exception = exception
        self.errorcode = errorcode
        self.message = message
        self.debuginfo = debuginfo

    def payload(self, debug: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"exception": self.exception, "errorcode": self.errorcode, "message": self.message}
        if debug and self.debuginfo is not None:
            body["debuginfo"] = self.debuginfo
        return body

    def warning_code(self, debug: bool) -> tuple[str, str]:
        """(warningcode, message) for functions that report failures as warnings."""
        body = self.payload(debug)
        return body["errorcode"], body["message"]


class MissingRecord(WSError):
    """``dml_missing_record_exception``: with debugging on it names the table when known."""

    def __init__(self, table: str | None, sql: str, params: list[Any] | dict[str, Any]):
        super().__init__(
            "dml_missing_record_exception", "invalidrecordunknown", "Can't find data record in database.",
            f"{sql}\n[array (\n{_php_array_items(params)})]",
        )
        self.table = table

    def payload(self, debug: bool) -> dict[str, Any]:
        body = super().payload(debug)
        if debug and self.table:
            body["errorcode"] = "invalidrecord"
            body["message"] = f"Can't find data record in database table {self.table}."
        return body


def _php_array_items(params: list[Any] | dict[str, Any]) -> str:
    items = params.items() if isinstance(params, dict) else enumerate(params)
    out = []
    for key, value in items:
        k = f"'{key}'" if isinstance(key, str) else str(key)
        v = f"'{value}'" if isinstance(value, str) else str(value)
        out.append(f"  {k} => {v},\n")
    return "".join(out)


def invalid_parameter(debuginfo: str) -> WSError:
    return WSError("core\\exception\\invalid_parameter_exception", "invalidparameter",
                   "Invalid parameter value detected", debuginfo)


def invalid_token() -> WSError:
    return WSError("core\\exception\\moodle_exception", "invalidtoken", "Invalid token - token not found")


def access_exception(function: str) -> WSError:
    return WSError(
        "webservice_access_exception", "accessexception", "Access control exception",
        f"Access to the function {function}() is not allowed.\n"
        "                     There could be multiple reasons for this:\n"
        "                     1. The service linked to the user token does not contain the function.\n"
        "                     2. The service is user-restricted and the user is not listed.\n"
        "                     3. The service is IP-restricted and the user IP is not listed.\n"
        "                     4. The service is time-restricted and the time has expired.\n"
        "                     5. The token is time-restricted and the time has expired.\n"
        "                     6. The service requires a specific capability which the user does not have.\n"
        "                     7. The function is called with username/password (no user token is sent)\n"
        "                     and none of the services has the function to allow the user.\n"
        "                     These settings can be found in Administration > Site administration\n"
        "                     > Server > Web services > External services and Manage tokens.",
    )


def unknown_function(name: str) -> WSError:
    err = MissingRecord("external_functions", "SELECT * FROM {external_functions} WHERE name = ?", [name])
    return err


def no_permissions(capability_name: str) -> WSError:
    return WSError("core\\exception\\required_capability_exception", "nopermissions",
                   f"Sorry, but you do not currently have permissions to do that ({capability_name}).")


def require_login() -> WSError:
    return WSError("core\\exception\\require_login_exception", "requireloginerror", "Course or activity not accessible.")


def course_context_not_valid(courseid: int) -> WSError:
    return WSError("core\\exception\\moodle_exception", "errorcoursecontextnotvalid",
                   f"You cannot execute functions in the course context (course id:{courseid}). "
                   "The context error message was: Course or activity not accessible.")


def moodle_exception(errorcode: str, message: str, debuginfo: str | None = None) -> WSError:
    return WSError("core\\exception\\moodle_exception", errorcode, message, debuginfo)


def coding_error(detail: str) -> WSError:
    return WSError("core\\exception\\coding_exception", "codingerror",
                   f"Coding error detected, it must be fixed by a programmer: {detail}")
