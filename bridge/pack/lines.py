"""Line numbers for TOML entries.

``tomllib`` gives values but no positions, and errors in a pack must name a line. This
scanner walks the raw text once and records the line of every table header and key,
keyed by the same path ``tomllib`` produces: ``("sections", 0, "resources", 2, "type")``.
It understands what pack files use — tables, arrays of tables, dotted and quoted keys,
multi-line strings and arrays — and falls back to the nearest enclosing entry.
"""
from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")


def _split_key(dotted: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", dotted)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


class LineIndex:
    """Maps TOML paths to 1-based line numbers."""

    def __init__(self, text: str):
        # Scanned on the first look-up: lines are only needed when there is a problem,
        # and loading a large library must not pay for them.
        self._text: str | None = text
        self._lines: dict[tuple, int] = {}

    def _ensure(self) -> None:
        if self._text is not None:
            text, self._text = self._text, None
            self._scan(text)

    def _scan(self, text: str) -> None:
        counters: dict[tuple, int] = {}  # array-of-tables name path -> next index
        current: tuple = ()
        in_string: str | None = None
        depth = 0  # open brackets of a multi-line array value
        array: tuple = ()  # path of that array; its inline-table elements get indices
        element = 0
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string:
                if in_string in line:
                    in_string = None
                continue
            if depth > 0:
                if depth == 1 and line.lstrip().startswith("{"):
                    self._lines.setdefault(array + (element,), number)
                    element += 1
                depth += _bracket_balance(line)
                continue
            header = _HEADER.match(line)
            if header:
                names = _split_key(header.group(2))
                current = self._resolve(names, header.group(1) == "[[", counters)
                self._lines.setdefault(current, number)
                continue
            key = _KEY.match(line)
            if not key:
                continue
            path = current + tuple(_split_key(key.group(1)))
            self._lines.setdefault(path, number)
            rest = line[key.end():]
            for quote in ('"""', "'''"):
                if rest.count(quote) == 1:
                    in_string = quote
            if not in_string:
                depth = max(0, _bracket_balance(rest))
                array, element = path, 0

    def _resolve(self, names: list[str], is_array: bool, counters: dict[tuple, int]) -> tuple:
        # Rebuild the concrete path, putting in the current index of every array of
        # tables met on the way (``sections.resources`` lives in the latest section).
        path: tuple = ()
        name_path: tuple = ()
        for i, name in enumerate(names):
            name_path += (name,)
            path += (name,)
            last = i == len(names) - 1
            if last and is_array:
                index = counters.get(name_path, 0)
                counters[name_path] = index + 1
                # a new element resets the counters of arrays nested below it
                for key in [k for k in counters if k[: len(name_path)] == name_path and k != name_path]:
                    del counters[key]
                path += (index,)
            elif name_path in counters:
                path += (counters[name_path] - 1,)
        return path

    def line(self, *path: object) -> int | None:
        """The line of ``path`` or of its nearest recorded ancestor."""
        self._ensure()
        p = tuple(path)
        while p:
            if p in self._lines:
                return self._lines[p]
            p = p[:-1]
        return None


def _bracket_balance(text: str) -> int:
    text = re.sub(r'"(?:\\.|[^"\\])*"|\'[^\']*\'', "", text)
    text = text.split("#", 1)[0]
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")
