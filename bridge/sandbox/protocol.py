"""The wire side of Moodle's REST protocol: PHP-style form decoding and parameter validation.

Parameter descriptions mirror Moodle's ``external_value`` / ``external_single_structure`` /
``external_multiple_structure`` and are validated the way ``external_api::validate_parameters``
does it, down to the ``debuginfo`` texts (``courses => Invalid parameter value detected: …``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from bridge.sandbox.errors import WSError, invalid_parameter

REQUIRED, DEFAULT, OPTIONAL = "required", "default", "optional"

# PHP's form decoding: "a[b][0]" → a → b → 0; "a[]" appends.
_KEY_PART = re.compile(r"\[([^\[\]]*)\]")


def unflatten(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Decode ``courses[0][fullname]=…`` pairs into nested dicts, as PHP builds ``$_POST``.

    Every bracket level becomes a dict keyed by strings (PHP arrays keep insertion order);
    a later duplicate of a scalar key wins, as in PHP.
    """
    root: dict[str, Any] = {}
    for name, value in pairs:
        head, _, rest = name.partition("[")
        if not head:
            continue
        parts = [head]
        if rest:
            tail = "[" + rest
            found = _KEY_PART.findall(tail)
            # PHP ignores whatever follows a malformed bracket; we keep the well-formed prefix.
            parts.extend(found)
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "" and i > 0:
                part = str(sum(1 for k in node if k.isdigit()))
            if last:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = {}
                    node[part] = child
                node = child
    return root


class Desc:
    required: str = REQUIRED
    default: Any = None


@dataclass
class Value(Desc):
    """``external_value(PARAM_…)``: a scalar of a Moodle parameter type."""

    type: str
    required: str = REQUIRED
    default: Any = None
    allownull: bool = True


@dataclass
class Single(Desc):
    """``external_single_structure``: a dict with known keys."""

    keys: dict[str, Desc] = field(default_factory=dict)
    required: str = REQUIRED
    default: Any = None


@dataclass
class Multiple(Desc):
    """``external_multiple_structure``: a list of one kind of item."""

    content: Desc = field(default_factory=lambda: Value("raw"))
    required: str = REQUIRED
    default: Any = None


_TYPE_PATTERNS = {
    "alpha": re.compile(r"[a-zA-Z]*"),
    "alphanum": re.compile(r"[a-zA-Z0-9]*"),
    "alphaext": re.compile(r"[a-zA-Z/_-]*"),
    "alphanumext": re.compile(r"[a-zA-Z0-9_-]*"),
    "safedir": re.compile(r"[a-zA-Z0-9_-]*"),
    "plugin": re.compile(r"(?:[a-z][a-z0-9_]*[a-z0-9])?"),
    "component": re.compile(r"(?:[a-z][a-z0-9_]*[a-z0-9])?"),
    "theme": re.compile(r"(?:[a-z][a-z0-9_]*[a-z0-9])?"),
}
_TAG = re.compile(r"<\s*[a-zA-Z/!?]")
_FILE_BAD = re.compile(r"[\x00-\x1f/\\:*?\"<>|]")
_URL = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"<>]+|/[^\s\"<>]*)?")
_FLOAT = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*")


def _php_str(value: Any) -> str:
    if value is True:
        return "1"
    if value is False or value is None:
        return ""
    return str(value)


def _check_value(desc: Value, raw: Any) -> Any:
    if isinstance(raw, (dict, list)):
        raise invalid_parameter("Scalar type expected, array or object received.")
    if desc.type == "bool" and (isinstance(raw, bool) or raw in (0, 1, "0", "1")):
        return bool(int(raw))
    text = _php_str(raw)
    debuginfo = f'Invalid external api parameter: the value is "{text}", the server was expecting "{desc.type}" type'
    kind = desc.type
    if kind == "int":
        try:
            number = int(text)
        except ValueError:
            raise invalid_parameter(debuginfo) from None
        if str(number) != text:
            raise invalid_parameter(debuginfo)
        return number
    if kind == "float":
        if not _FLOAT.fullmatch(text):
            raise invalid_parameter(debuginfo)
        return float(text)
    if kind == "bool":
        raise invalid_parameter(debuginfo)
    if kind in ("raw", "notags_raw"):
        return text
    if kind in ("text", "notags"):
        if _TAG.search(text):
            raise invalid_parameter(debuginfo)
        return text
    if kind == "file":
        if _FILE_BAD.search(text) or text in (".", ".."):
            raise invalid_parameter(debuginfo)
        return text
    if kind == "url":
        if not _URL.fullmatch(text):
            raise invalid_parameter(debuginfo)
        return text
    pattern = _TYPE_PATTERNS.get(kind)
    if pattern is None:
        raise WSError("core\\exception\\coding_exception", "codingerror",
                      f"Coding error detected, it must be fixed by a programmer: unknown param type {kind}")
    if not pattern.fullmatch(text):
        raise invalid_parameter(debuginfo)
    return text


def _nest(key: str, err: WSError) -> WSError:
    return invalid_parameter(f"{key} => {err.message}: {err.debuginfo}")


def validate(desc: Desc, params: Any) -> Any:
    """Validate and clean ``params`` against ``desc``; raise ``invalidparameter`` like Moodle."""
    if params is None and isinstance(desc, Value) and desc.allownull:
        return None
    if isinstance(desc, Value):
        return _check_value(desc, params)
    if isinstance(desc, Single):
        if not isinstance(params, dict):
            raise invalid_parameter(f"Only arrays accepted. The bad value is: '{_php_str(params)}'")
        result: dict[str, Any] = {}
        remaining = dict(params)
        for key, sub in desc.keys.items():
            if key not in remaining:
                if sub.required == REQUIRED:
                    raise invalid_parameter(f"Missing required key in single structure: {key}")
                if sub.required == DEFAULT:
                    try:
                        result[key] = validate(sub, sub.default)
                    except WSError as err:
                        raise _nest(key, err) from None
            else:
                try:
                    result[key] = validate(sub, remaining[key])
                except WSError as err:
                    raise _nest(key, err) from None
            remaining.pop(key, None)
        if remaining:
            raise invalid_parameter(f"Unexpected keys ({', '.join(remaining)}) detected in parameter array.")
        return result
    if isinstance(desc, Multiple):
        if isinstance(params, list):
            items = params
        elif isinstance(params, dict):
            items = list(params.values())
        else:
            raise invalid_parameter(f"Only arrays accepted. The bad value is: '{_php_str(params)}'")
        return [validate(desc.content, item) for item in items]
    raise invalid_parameter("Invalid external api description")


# Shorthands for the function tables.
def INT(required: str = REQUIRED, default: Any = None) -> Value:
    return Value("int", required, default)


def TEXT(required: str = REQUIRED, default: Any = None) -> Value:
    return Value("text", required, default)


def RAW(required: str = REQUIRED, default: Any = None) -> Value:
    return Value("raw", required, default)


def BOOL(required: str = REQUIRED, default: Any = None) -> Value:
    return Value("bool", required, default)
