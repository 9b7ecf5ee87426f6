"""Web-service function implementations; importing this package fills the function table."""
from bridge.sandbox.functions import core, plugin, report  # noqa: F401  (registration side effects)
from bridge.sandbox.functions.registry import FUNCTIONS, OUTSIDE_SERVICE, Call, Function, is_write

__all__ = ["FUNCTIONS", "OUTSIDE_SERVICE", "Call", "Function", "is_write"]
