"""The keys each table of ``pack.toml`` and of a standard file may hold.

A typo such as ``titel`` must be an error, not silently ignored, so every table is
checked against its key list. Types are Python types from ``tomllib``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterable

from bridge.i18n import tr
from bridge.pack.lines import LineIndex
from bridge.pack.problems import ProblemList


@dataclass(frozen=True)
class Key:
    type: type | tuple[type, ...]
    required: bool = False


PACK = {
    "id": Key(str, True), "title": Key(str, True), "version": Key(str, True),
    "owners": Key(list, True), "description": Key(str), "kind": Key(str),
}
CERTIFICATE = {"name": Key(str, True), "issuer": Key(str, True), "level": Key(str, True),
               "standard": Key(str, True)}
COURSE = {"shortname": Key(str, True), "fullname": Key(str, True), "category": Key(str, True),
          "target": Key((float, int)), "summary": Key(str)}
SECTION = {"title": Key(str, True), "summary": Key(str), "resources": Key(list)}
RESOURCE = {
    "id": Key(str, True), "type": Key(str), "title": Key(str), "skills": Key(list),
    "status": Key(str), "visible": Key(bool), "description": Key(str), "source": Key(str),
    "template": Key(str), "vars": Key(dict), "url": Key(str), "text": Key(str), "use": Key(str),
}
#: What a ``use`` entry may set besides ``id`` and ``use``.
USE_OVERRIDES = {"id", "use", "title", "visible", "description", "skills", "status"}
TOP = {"pack": Key(dict, True), "certificate": Key(dict), "course": Key(dict), "sections": Key(list)}

STANDARD_TOP = {"standard": Key(dict, True), "levels": Key(list, True)}
STANDARD = {"id": Key(str, True), "certificate": Key(str, True), "issuer": Key(str, True),
            "version": Key(str), "source": Key(str)}
STANDARD_LEVEL = {"level": Key(str, True), "areas": Key(list, True)}
STANDARD_AREA = {"code": Key(str, True), "name": Key(str, True), "tasks": Key(list, True)}
STANDARD_TASK = {"code": Key(str, True), "name": Key(str, True), "requirements": Key(list, True)}
STANDARD_REQUIREMENT = {"code": Key(str, True), "text": Key(str, True)}

_TYPE_NAMES = {str: ("string", "字符串（加双引号）"), list: ("array", "数组 [ … ]"), dict: ("table", "表"),
               bool: ("boolean", "布尔值 true/false"), float: ("number", "数字"), int: ("integer", "整数")}


def _type_name(t: type | tuple[type, ...]) -> str:
    first = t[0] if isinstance(t, tuple) else t
    en, zh = _TYPE_NAMES.get(first, (first.__name__, first.__name__))
    return tr(en, zh)


def did_you_mean(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to a misspelt ``name``, if one is close enough (ties go to
    the greater name, so the order of ``known`` does not matter)."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def check_table(table: Any, keys: dict[str, Key], path: tuple, where: str,
                problems: ProblemList, lines: LineIndex) -> bool:
    """Check one table's keys and value types; return False when it is not a table."""
    if not isinstance(table, dict):
        problems.add(lines.line(*path), "bad-value",
                     tr("{where} must be a table.", "{where} 必须是一个表（table）。", where=where))
        return False
    misspelt: set[str] = set()  # required keys written wrongly: not also "missing"
    for name, value in table.items():
        key = keys.get(name)
        if key is None:
            guess = did_you_mean(name, [k for k in keys if k not in table])
            if guess:
                misspelt.add(guess)
                problems.add(lines.line(*path, name), "unknown-key",
                             tr("Unknown key '{name}' in {where}: did you mean '{guess}'?",
                                "{where} 中有未知的键“{name}”：是否应为“{guess}”？",
                                name=name, where=where, guess=guess))
                continue
            known = ", ".join(sorted(keys))
            problems.add(lines.line(*path, name), "unknown-key",
                         tr("Unknown key '{name}' in {where}. Known keys: {known}. Check the spelling.",
                            "{where} 中有未知的键“{name}”。可用的键：{known}。请检查拼写。",
                            name=name, where=where, known=known))
        elif not isinstance(value, key.type) or (key.type is int and isinstance(value, bool)):
            problems.add(lines.line(*path, name), "bad-value",
                         tr("'{name}' in {where} must be a {type}.", "{where} 中的“{name}”必须是{type}。",
                            name=name, where=where, type=_type_name(key.type)))
    for name, key in keys.items():
        if key.required and name not in table and name not in misspelt:
            problems.add(lines.line(*path), "missing-field",
                         tr("{where} needs '{name}'. Add it.", "{where} 缺少必填项“{name}”，请补上。",
                            name=name, where=where))
    return True
