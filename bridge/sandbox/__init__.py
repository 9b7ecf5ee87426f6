"""The sandbox: a small Moodle-compatible web-service server for demos, tests and benchmarks.

    from bridge.sandbox import Sandbox, FaultPlan
    with Sandbox() as sb:
        requests.post(sb.url + "/webservice/rest/server.php", data={"wstoken": sb.token, ...})

See docs/sandbox.md.
"""
from bridge.sandbox.admin import CallRecord, SandboxAdmin
from bridge.sandbox.faults import FaultPlan
from bridge.sandbox.server import Sandbox

__all__ = ["CallRecord", "FaultPlan", "Sandbox", "SandboxAdmin"]
