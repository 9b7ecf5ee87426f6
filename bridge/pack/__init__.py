"""Resource packs: the model, loading with line numbers, standards, validation."""
from typing import TYPE_CHECKING

from bridge.lazy import lazy_exports

__all__ = ["Catalog", "load_catalog", "Pack", "Problem", "Requirement", "Resource", "Section", "Standard",
           "idnumber_for", "idnumber_prefix"]
__getattr__ = lazy_exports(__name__, {
    "Catalog": "catalog", "load_catalog": "catalog", "Problem": "problems",
    **{name: "model" for name in ("Pack", "Requirement", "Resource", "Section", "Standard", "idnumber_for",
                                  "idnumber_prefix")}})

if TYPE_CHECKING:
    from bridge.pack.catalog import Catalog, load_catalog
    from bridge.pack.model import Pack, Requirement, Resource, Section, Standard, idnumber_for, idnumber_prefix
    from bridge.pack.problems import Problem
