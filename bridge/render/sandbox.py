"""The Jinja2 environment for page templates, which come from packs and are untrusted.

Three layers keep a template inside its page:

1. It sees plain data only (``bridge.render.context``): no ``Path``, no project objects.
2. ``PageSandbox`` is Jinja's immutable sandbox with an allow-list on top: a method is
   callable only if it is on ``ALLOWED_METHODS`` (string formatting, ``dict.get`` and the
   like), filters are an allow-list, the only globals are ``range`` and ``dict``, and
   sizes are capped (``range``, string repetition, filter arguments, results, the page).
3. It runs in a separate, resource-limited process (``bridge.render.worker``) without the
   token in its environment, so whatever slips past 1 and 2 meets a memory cap, a time
   limit and no secret.
"""
from __future__ import annotations

import functools
import os
import re
import stat
import types
from typing import Any, Callable

import jinja2
from jinja2.runtime import BlockReference, LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

#: A rendered page may hold at most this many bytes (UTF-8).
MAX_PAGE_BYTES = 5 * 2**20
#: Longest string or list an expression may build (repetition, a method's or filter's result).
MAX_VALUE_LENGTH = MAX_PAGE_BYTES
#: Largest ``range()`` and largest number given to a filter (``batch``, ``indent``, …).
MAX_RANGE = 100_000
#: Largest template file read from a pack.
MAX_TEMPLATE_BYTES = 2**20
#: ``a ** b`` may produce a number of at most this many bits.
MAX_POWER_BITS = 100_000

_STR_METHODS = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "format", "format_map", "index", "isalnum",
    "isalpha", "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper", "join",
    "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex",
    "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title",
    "upper", "striptags", "unescape",
})
#: Methods a template may call, by the type of the object they belong to.
ALLOWED_METHODS: dict[type, frozenset[str]] = {
    str: _STR_METHODS,
    dict: frozenset({"get", "items", "keys", "values"}),
    list: frozenset({"count", "index"}),
    tuple: frozenset({"count", "index"}),
    LoopContext: frozenset({"cycle", "changed"}),
}

#: Filters a template may use (Jinja's built-ins minus those that reach attributes by
#: name, are random, or print Python internals).
ALLOWED_FILTERS = frozenset({
    "abs", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape", "filesizeformat",
    "first", "float", "forceescape", "format", "groupby", "indent", "int", "items", "join", "last", "length",
    "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "safe",
    "select", "selectattr", "slice", "sort", "string", "striptags", "sum", "title", "tojson", "trim",
    "truncate", "unique", "upper", "urlencode", "urlize", "wordcount", "wordwrap", "xmlattr",
})

# A format width or precision of five digits or more ("{:>99999999}", "%099999999d").
_HUGE_FORMAT_WIDTH = re.compile(r"(?:\{[^{}]*:[^{}]*|%[-+ #0]*)\d{5,}")


class TemplateLimit(SecurityError):
    """A template went past one of the size limits; ``what`` names which."""

    def __init__(self, what: str, detail: str):
        super().__init__(detail)
        self.what = what


def check_length(value: Any) -> Any:
    if isinstance(value, (str, list, tuple, dict)) and len(value) > MAX_VALUE_LENGTH:
        raise TemplateLimit("size", f"a value of {len(value):,} items/characters is over the limit "
                                    f"of {MAX_VALUE_LENGTH:,}")
    return value


def _check_number(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_RANGE:
        raise TemplateLimit("size", f"the number {value} given to a filter is over the limit of {MAX_RANGE:,}")


def _check_format(spec: Any) -> None:
    if isinstance(spec, str) and _HUGE_FORMAT_WIDTH.search(spec):
        raise TemplateLimit("size", "a format width or precision of 10,000 or more")


def _check_replace(text: Any, old: Any = "", new: Any = "", *_: Any) -> None:
    """Refuse a ``replace`` whose result would be over the limit, before building it."""
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str) and len(new) > len(old):
        hits = text.count(old) if old else len(text) + 1
        if len(text) + hits * (len(new) - len(old)) > MAX_VALUE_LENGTH:
            raise TemplateLimit("size", f"replace() would make a string longer than {MAX_VALUE_LENGTH:,}")


#: Filters whose number arguments are sizes: each item a loop, a space or a column.
_SIZED_FILTERS = frozenset({"batch", "slice", "indent", "center", "wordwrap", "truncate"})


def _guarded_filter(name: str, func: Callable) -> Callable:
    sized = name in _SIZED_FILTERS

    @functools.wraps(func)  # keeps jinja's pass_context/pass_environment marker
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if sized:
            for arg in (*args[1:], *kwargs.values()):
                _check_number(arg)
        if func.__name__ == "do_format" and args:
            _check_format(args[0])
        if func.__name__ == "do_replace":  # (eval_ctx, s, old, new, count)
            _check_replace(*(str(a) if isinstance(a, Markup) else a for a in args[1:4]))
        return check_length(func(*args, **kwargs))
    return guarded


def safe_range(*args: int) -> range:
    """``range`` with at most ``MAX_RANGE`` items."""
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise TemplateLimit("range", f"range() of {len(rng):,} items is over the limit of {MAX_RANGE:,}")
    return rng


class PageSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, narrowed to an allow-list and bounded in size."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, loader: jinja2.BaseLoader):
        super().__init__(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                         keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
        self.globals = {"range": safe_range, "dict": dict}
        self.filters = {name: _guarded_filter(name, f) for name, f in self.filters.items() if name in ALLOWED_FILTERS}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(value, (types.MethodType, types.BuiltinMethodType, types.MethodWrapperType)):
            return any(isinstance(obj, kind) and attr in names for kind, names in ALLOWED_METHODS.items())
        return not callable(value) or isinstance(value, (Macro, BlockReference))

    def is_safe_callable(self, obj: Any) -> bool:
        if obj is safe_range or obj is dict or isinstance(obj, (Macro, BlockReference)):
            return True
        if getattr(obj, "certbridge_format", False):
            return True
        owner, name = getattr(obj, "__self__", None), getattr(obj, "__name__", "")
        return owner is not None and any(isinstance(owner, kind) and name in names
                                         for kind, names in ALLOWED_METHODS.items())

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (jinja's signature)
        if getattr(__obj, "__name__", "") == "replace" and isinstance(getattr(__obj, "__self__", None), str):
            _check_replace(__obj.__self__, *args[:2])
        return check_length(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        _check_format(value.__self__)
        wrapper.certbridge_format = True  # type: ignore[attr-defined]
        return wrapper

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            seq, times = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_VALUE_LENGTH:
                raise TemplateLimit("size", f"repeating a value {times:,} times makes it longer than "
                                            f"{MAX_VALUE_LENGTH:,}")
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0 \
                    and max(abs(left), 2).bit_length() * right > MAX_POWER_BITS:
                raise TemplateLimit("size", f"{left} ** {right} is too large a number")
        elif operator == "%":
            _check_format(left)
        return check_length(super().call_binop(context, operator, left, right))


class PackTemplateLoader(jinja2.BaseLoader):
    """Finds ``name`` in the pack's own ``templates/`` first, then the project's folders.

    A template found in the pack must really lie inside the pack (no symlink out), and
    every template is read as a regular file of bounded size: a FIFO or device there
    cannot block or flood the renderer. ``..`` segments never resolve.
    """

    def __init__(self, own: str | None, shared: list[str]):
        self.own = own
        self.pack = os.path.realpath(os.path.dirname(own)) if own else None
        self.searchpath = ([own] if own else []) + shared

    def get_source(self, environment: jinja2.Environment, template: str):
        pieces = jinja2.loaders.split_template_path(template)  # refuses ".."
        for folder in self.searchpath:
            path = os.path.join(folder, *pieces)
            try:
                info = os.stat(path)
            except OSError:
                continue
            if folder == self.own and not _inside(path, self.pack):
                raise TemplateOutsidePack(template)
            if not stat.S_ISREG(info.st_mode):
                raise TemplateNotRegular(template)
            if info.st_size > MAX_TEMPLATE_BYTES:
                raise TemplateLimit("template-size", f"template '{template}' is over {MAX_TEMPLATE_BYTES:,} bytes")
            from bridge.safefile import read_regular
            source = read_regular(path, MAX_TEMPLATE_BYTES).decode("utf-8-sig")
            mtime = info.st_mtime
            return source, path, lambda: _mtime(path) == mtime
        raise jinja2.TemplateNotFound(template)


class TemplateOutsidePack(jinja2.TemplateNotFound):
    """A pack's template resolves (through a symlink) to a file outside the pack."""


class TemplateNotRegular(jinja2.TemplateNotFound):
    """A template name resolves to a FIFO, device, socket or folder."""


def _inside(path: str, folder: str) -> bool:
    real = os.path.realpath(path)
    return real.startswith(folder.rstrip(os.sep) + os.sep)


def _mtime(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


__all__ = ["PageSandbox", "PackTemplateLoader", "TemplateLimit", "TemplateOutsidePack", "TemplateNotRegular",
           "MAX_PAGE_BYTES", "MAX_RANGE", "MAX_VALUE_LENGTH", "Markup"]
