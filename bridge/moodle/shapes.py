"""What each web-service reply must look like: one small declarative shape per function.

Every reply the client decodes passes ``check_reply`` (called by the requester, and for
uploads by ``upload.py``) before anything reads a field, so a site that answers with the
wrong shape (``null``, a missing ``idnumber``, ``"12x"`` for an id) gives one typed
``UnexpectedReply`` naming the function and the field, never a Python error deep in
the sync.

A shape is written with:

- ``INT``, ``NUM``, ``BOOL``, ``STR``: a scalar (``INT`` also takes a string of digits and
  ``BOOL`` 0/1, as Moodle's REST layer may send them); ``ANY``: not checked; ``NULL``:
  exactly ``null``;
- ``{"key": shape, "key?": shape}``: an object; ``key?`` may be absent; other keys are
  allowed (newer sites add fields);
- ``[shape]``: a list whose every item has that shape;
- ``nullable(shape)``: that shape or ``null``.

Only the fields the client reads are listed. To add a function, add its entry to
``SHAPES``, reusing the shapes of the objects it shares (``MODULE``, ``UPSERTED``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from bridge.i18n import tr
from bridge.moodle.errors import PLUGIN_PREFIX, UnexpectedReply

_DIGITS = re.compile(r"-?\d+")


@dataclass(frozen=True)
class _Scalar:
    name: str
    en: str
    zh: str
    ok: Callable[[Any], bool]
    #: For listings: a column whose types are all in ``types`` (and values in ``values``)
    #: is fine without checking item by item; None: always check item by item.
    types: frozenset | None = None
    values: frozenset | None = None


def _is_int(v: Any) -> bool:
    return (type(v) is int) or (isinstance(v, str) and bool(_DIGITS.fullmatch(v.strip())))


def _is_num(v: Any) -> bool:
    if type(v) in (int, float):
        return True
    if isinstance(v, str):
        try:
            float(v)
            return True
        except ValueError:
            return False
    return False


_BOOLS = frozenset([True, False, "0", "1"])  # 0 == False and 1 == True: ints are in too
INT = _Scalar("int", "an integer", "整数", _is_int, frozenset([int]))
NUM = _Scalar("num", "a number", "数字", _is_num, frozenset([int, float]))
BOOL = _Scalar("bool", "true/false or 0/1", "true/false 或 0/1",
               lambda v: type(v) in (bool, int, str) and v in _BOOLS, frozenset([bool, int, str]), _BOOLS)
STR = _Scalar("str", "a string", "字符串", lambda v: isinstance(v, str), frozenset([str]))
NULL = _Scalar("null", "null", "null", lambda v: v is None, frozenset([type(None)]))
ANY = _Scalar("any", "anything", "任意值", lambda v: True)


@dataclass(frozen=True)
class _Nullable:
    shape: Any


def nullable(shape: Any) -> _Nullable:
    return _Nullable(shape)


_WARNING = {"item?": ANY, "itemid?": ANY, "warningcode?": nullable(STR), "message?": nullable(STR)}
#: One module as ``local_certbridge_get_modules`` lists it (docs/plugin-api.md).
MODULE = {"idnumber": STR, "cmid": INT, "instance?": INT, "modname": STR, "name": STR, "section?": INT,
          "sectionvisible?": BOOL, "position?": INT, "visible?": BOOL, "visibleoncoursepage?": BOOL,
          "stealth?": BOOL, "deletioninprogress?": BOOL, "timemodified?": INT, "fingerprint?": nullable(STR)}
#: The result of one module upsert (``local_certbridge_upsert_module``).
UPSERTED = {"cmid": INT, "instance": INT, "created": BOOL, "fingerprint?": nullable(STR)}
_COURSE = {"id": INT, "shortname": STR}

SHAPES: dict[str, Any] = {
    "core_webservice_get_site_info": {"username?": STR, "release?": STR, "functions?": [{"name": STR}],
                                      "uploadfiles?": BOOL},
    "core_course_get_categories": [{"id": INT, "name": STR, "parent": INT}],
    "core_course_create_categories": [{"id": INT, "name": STR}],
    "core_course_get_courses_by_field": {"courses": [_COURSE]},
    "core_course_create_courses": [_COURSE],
    "core_course_get_contents": [{"id": INT, "section?": INT, "modules?": [{"id": INT}]}],
    "core_course_get_course_module": {"cm": {"id": INT}},
    "core_course_delete_modules": nullable(ANY),
    "core_files_get_unused_draft_itemid": {"itemid": INT},
    PLUGIN_PREFIX + "get_info": {"component?": STR, "plugin_version": INT, "plugin_release?": STR,
                                 "api_version": INT, "moodle_version?": INT, "moodle_release?": STR,
                                 "modtypes?": [STR], "qtypes?": [STR], "maxbytes?": INT},
    PLUGIN_PREFIX + "ensure_sections": {"sections": [{"number": INT, "id": INT, "name?": nullable(STR),
                                                      "visible?": BOOL}]},
    PLUGIN_PREFIX + "upsert_module": UPSERTED,
    # One result per module sent: written (UPSERTED's fields) or refused (errorcode, message).
    PLUGIN_PREFIX + "upsert_modules": {"courseid?": INT, "results": [
        {"idnumber": STR, "ok": BOOL, **UPSERTED, "errorcode?": nullable(STR), "message?": nullable(STR)}]},
    PLUGIN_PREFIX + "import_questions": {"cmid": INT, "questioncount": INT, "sumgrades": NUM,
                                         "fingerprint?": nullable(STR)},
    PLUGIN_PREFIX + "get_modules": {"modules": [MODULE], "api_version?": INT, "plugin_version?": INT,
                                    "plan_fingerprint?": nullable(STR)},
    PLUGIN_PREFIX + "set_course_plan": {"fingerprint": STR},
    PLUGIN_PREFIX + "get_report": {"courseid": INT, "planned": INT, "online": INT, "ratio": NUM, "target": NUM,
                                   "meets_target": BOOL, "status": STR, "counts": {}, "requirements": INT,
                                   "covered": INT, "resources": [{"resource_id": STR, "idnumber": STR, "state": STR,
                                                                  "reason": STR, "cmid": INT}],
                                   "uncovered": [{"code": STR}]},
    PLUGIN_PREFIX + "delete_module": {"deleted": BOOL},
    # One entry per file: stored (filename, itemid) or refused (errortype, error).
    "webservice/upload.php": [{"filename?": STR, "itemid?": INT, "filesize?": INT, "errortype?": STR}],
}


class _Mismatch(Exception):
    """Raised at the bad value; each enclosing object or list adds its key on the way out
    (so a valid reply, the common case, never builds a path)."""

    def __init__(self, expected: str, got: Any, path: list | None = None):
        super().__init__(expected)
        self.expected, self.got, self.path = expected, got, path if path is not None else []

    def where(self) -> str:
        out = ""
        for part in reversed(self.path):
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out


@dataclass(frozen=True)
class _Object:
    fields: tuple[tuple[str, bool, Any], ...]  # (key, optional, compiled shape)


@dataclass(frozen=True)
class _List:
    item: Any


_MISSING = object()


def _compile(shape: Any) -> Any:
    if isinstance(shape, _Scalar):
        return shape
    if isinstance(shape, _Nullable):
        return _Nullable(_compile(shape.shape))
    if isinstance(shape, dict):
        return _Object(tuple((k.removesuffix("?"), k.endswith("?"), _compile(v)) for k, v in shape.items()))
    if isinstance(shape, list) and len(shape) == 1:
        return _List(_compile(shape[0]))
    raise TypeError(f"bad reply shape {shape!r}")


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return tr("an object", "对象")
    if isinstance(value, list):
        return tr("a list", "列表")
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _check(shape: Any, value: Any) -> None:
    kind = type(shape)
    if kind is _Scalar:
        if not shape.ok(value):
            raise _Mismatch(tr(shape.en, shape.zh), value)
    elif kind is _Object:
        if type(value) is not dict:
            raise _Mismatch(tr("an object", "对象"), value)
        for name, optional, sub in shape.fields:
            if name not in value:
                if optional:
                    continue
                raise _Mismatch("", _MISSING, [name])
            item = value[name]
            if type(sub) is _Scalar:  # inline the common case: listings check thousands of fields
                if not sub.ok(item):
                    raise _Mismatch(tr(sub.en, sub.zh), item, [name])
                continue
            try:
                _check(sub, item)
            except _Mismatch as bad:
                bad.path.append(name)
                raise
    elif kind is _List:
        if type(value) is not list:
            raise _Mismatch(tr("a list", "列表"), value)
        item = shape.item
        if type(item) is _Object and len(value) > 16 and _columns_fine(item, value):
            return
        for index, entry in enumerate(value):
            try:
                _check(item, entry)
            except _Mismatch as bad:
                bad.path.append(index)
                raise
    elif value is not None:  # _Nullable
        _check(shape.shape, value)


def _columns_fine(shape: _Object, items: list) -> bool:
    """True when every item of a listing certainly has ``shape``, checked a column (one
    field across all items) at a time: twice as fast as item by item on a large listing.
    False means "not certain": the caller then checks item by item and names the culprit."""
    if not all(type(entry) is dict for entry in items):
        return False
    for name, optional, sub in shape.fields:
        nullable_ = type(sub) is _Nullable
        scalar = sub.shape if nullable_ else sub
        if type(scalar) is not _Scalar:
            return False
        if scalar is ANY:
            if not optional and not all(name in entry for entry in items):
                return False
            continue
        if scalar.types is None:
            return False
        try:
            column = [entry[name] for entry in items if name in entry] if optional else [entry[name] for entry in items]
        except KeyError:
            return False
        types = set(map(type, column))
        if nullable_:
            types.discard(type(None))
            column = [v for v in column if v is not None] if scalar.values is not None else column
        if not types <= scalar.types:
            return False
        if scalar.values is not None and not set(column) <= scalar.values:
            return False
    return True


_COMPILED: dict[str, Any] = {}
_WARNINGS = _compile([_WARNING])


def check_reply(function: str, body: Any, shape: Any = None) -> Any:
    """``body`` if it has the shape ``function`` must answer with (or ``shape``, for a
    part of a reply); else ``UnexpectedReply``. Functions without a shape pass unchecked;
    a ``warnings`` list is checked for all."""
    if shape is not None:
        shape = _compile(shape)
    else:
        shape = _COMPILED.get(function)
        if shape is None and function in SHAPES:
            shape = _COMPILED[function] = _compile(SHAPES[function])
    try:
        if shape is not None:
            _check(shape, body)
        if isinstance(body, dict) and "warnings" in body:
            try:
                _check(_WARNINGS, body["warnings"])
            except _Mismatch as bad:
                bad.path.append("warnings")
                raise
    except _Mismatch as bad:
        field = bad.where()
        if not field:
            detail = tr("the reply should be {expected}, not {got}", "应答应为{expected}，实际为 {got}",
                        expected=bad.expected, got=_describe(bad.got))
        elif bad.got is _MISSING:
            detail = tr("field {field} is missing", "缺少字段 {field}", field=field)
        else:
            detail = tr("field {field} should be {expected}, not {got}", "字段 {field} 应为{expected}，实际为 {got}",
                        field=field, expected=bad.expected, got=_describe(bad.got))
        raise UnexpectedReply(
            tr("unexpected reply from {function}: {detail}", "{function} 的应答异常：{detail}",
               function=function, detail=detail),
            function=function, errorcode="badreply", field=bad.where(),
            hint=tr("The site answers, but not as Moodle and the certbridge plugin do: check that the URL is the "
                    "Moodle site root, that no proxy rewrites the replies, and that local_certbridge is the version "
                    "this certbridge expects (certbridge doctor).",
                    "站点有应答，但格式与 Moodle 及 certbridge 插件不符：请确认地址为 Moodle 站点根地址、没有代理改写应答，"
                    "并且 local_certbridge 的版本与本程序相符（certbridge doctor）。"),
        ) from None
    return body
