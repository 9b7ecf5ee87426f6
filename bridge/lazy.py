"""Lazy re-exports for package ``__init__`` modules (PEP 562), so that importing a
package — or a light submodule of it, or ``certbridge --help`` — does not load every
module it re-exports."""
from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` loading each name from its submodule on first use.

    ``exports`` maps a public name to the submodule defining it (relative to ``package``).
    """
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        submodule = exports.get(name)
        if submodule is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{submodule}"), name)
        namespace[name] = value  # later look-ups skip this function
        return value

    return __getattr__
