"""PHP-style flattening of nested parameters for Moodle's REST protocol.

``{"courses": [{"fullname": "A", "visible": True}]}`` becomes
``[("courses[0][fullname]", "A"), ("courses[0][visible]", "1")]`` — what PHP decodes
back into the nested arrays ``external_api::validate_parameters`` expects.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def scalar(value: Any) -> str:
    """One value as Moodle reads it: booleans are ``1``/``0``, the rest ``str()``."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def flatten_params(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Flatten nested dicts/lists/tuples into ordered form fields.

    ``None`` values are left out (Moodle then uses the parameter's default); an empty
    list or dict sends nothing, as PHP would.
    """
    fields: list[tuple[str, str]] = []
    for key, value in params.items():
        _flatten_into(fields, str(key), value)
    return fields


def _flatten_into(fields: list[tuple[str, str]], name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten_into(fields, f"{name}[{key}]", item)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _flatten_into(fields, f"{name}[{index}]", item)
    else:
        fields.append((name, scalar(value)))
