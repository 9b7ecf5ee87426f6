"""Resource packs: the model, loading with line numbers, standards, validation."""
from bridge.pack.catalog import Catalog, load_catalog
from bridge.pack.model import Pack, Requirement, Resource, Section, Standard, idnumber_for, idnumber_prefix
from bridge.pack.problems import Problem

__all__ = ["Catalog", "load_catalog", "Pack", "Problem", "Requirement", "Resource", "Section", "Standard",
           "idnumber_for", "idnumber_prefix"]
