"""An in-memory index of the resource library: every authored resource of every pack,
where it is defined, which courses use it, and its searchable text.

Built once per command from a loaded ``Catalog``. A resource is *authored* in one pack
(its home); each ``use`` of it in a course pack is another *placement*. Page rendering
is lazy: search without a query and the site's level pages never render a page.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bridge.pack import Catalog, Pack, Resource, load_catalog
from bridge.pack.model import Requirement, Standard

_DROP = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")


def fold(text: str) -> str:
    """The form text is compared in: NFKC (full-width ``ＣＳＳ`` → ``css``), case-folded,
    runs of whitespace made one space. CJK text is unchanged, so ``in`` finds substrings."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def html_to_text(markup: str) -> str:
    """The visible text of an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub(" ", _DROP.sub(" ", markup)))


@dataclass(frozen=True, eq=False)
class Placement:
    """One place a resource appears: its home pack, or a course pack that uses it."""

    pack: Pack
    resource: Resource  # as resolved in that pack (overrides applied)
    reused: bool  # True when placed by ``use``

    @property
    def pack_id(self) -> str:
        return self.pack.id

    @property
    def course(self) -> str | None:
        return self.pack.course.shortname if self.pack.course else None

    @property
    def idnumber(self) -> str | None:
        """The Moodle idnumber, for placements in course packs."""
        return self.pack.idnumber(self.resource) if self.pack.course else None

    @property
    def standard(self) -> Standard | None:
        cert = self.pack.certificate
        return cert.standard if cert else None

    @property
    def level(self) -> str:
        return self.pack.certificate.level if self.pack.certificate else ""

    @property
    def certificate(self) -> str:
        return self.pack.certificate.name if self.pack.certificate else ""

    @property
    def section_title(self) -> str:
        return next((s.title for s in self.pack.sections if s.number == self.resource.section), "")

    def requirements(self) -> list[Requirement]:
        """The skill requirements this placement serves, as its pack's standard states them."""
        if self.standard is None:
            return []
        table = self.standard.requirement_map(self.level)
        return [table[c] for c in self.resource.skills if c in table]


@dataclass(eq=False)
class LibraryResource:
    """An authored resource and every placement of it (home first)."""

    pack: Pack
    resource: Resource
    placements: list[Placement] = field(default_factory=list)
    _html: str | None = field(default=None, repr=False)
    _render_error: str | None = field(default=None, repr=False)
    _text: str | None = field(default=None, repr=False)

    @property
    def key(self) -> str:
        return f"{self.pack.id}:{self.resource.id}"

    @property
    def title(self) -> str:
        return self.resource.title or self.resource.id

    @property
    def type(self) -> str:
        return self.resource.type

    @property
    def status(self) -> str:
        return self.resource.status

    @property
    def skills(self) -> tuple[str, ...]:
        return self.resource.skills

    @property
    def used_by(self) -> list[Placement]:
        """Placements in course packs: the courses (and activities) this resource reaches."""
        return [p for p in self.placements if p.course is not None]

    @property
    def preview_placement(self) -> Placement:
        """Where a page is rendered for preview and search: its home course, else the
        first course that uses it (a library pack has no course for templates), else home."""
        home = self.placements[0]
        if home.course is not None:
            return home
        return next(iter(self.used_by), home)

    def page_html(self) -> str | None:
        """The HTML a page or label shows (rendered once, cached); None for other types,
        for planned resources without content, and when rendering fails (see ``render_error``)."""
        if self._html is None and self._render_error is None:
            self._html, self._render_error = _render(self)
        return self._html

    @property
    def render_error(self) -> str | None:
        self.page_html()
        return self._render_error

    @property
    def size(self) -> int | None:
        """Bytes: the file (file, quiz, page/label source), or the rendered HTML."""
        r = self.resource
        if r.type in ("page", "label") and (r.template is not None or r.text is not None):
            markup = self.page_html()
            return len(markup.encode("utf-8")) if markup is not None else None
        if r.source is not None:
            try:
                return r.source.stat().st_size
            except OSError:
                return None
        return None

    @property
    def text(self) -> str:
        """Folded searchable text: every title it is shown under, and its page text."""
        if self._text is None:
            titles = dict.fromkeys(p.resource.title for p in self.placements if p.resource.title)
            markup = self.page_html() or ""
            self._text = fold(" ".join([*titles, html_to_text(markup)]))
        return self._text


def _render(entry: LibraryResource) -> tuple[str | None, str | None]:
    from bridge.render.pages import RenderError, read_text, render_page

    placement = entry.preview_placement
    r = placement.resource
    if r.type not in ("page", "label"):
        return None, None
    try:
        if r.type == "label":
            if r.text is not None:
                return r.text, None
            if "text" in r.memo:  # already read while validating
                return r.memo["text"], None
            return (read_text(r.source), None) if r.source is not None else (None, None)
        if r.template is None and r.source is None:
            return None, None
        if "page" in r.memo:  # already rendered while validating
            return r.memo["page"], None
        return render_page(placement.pack, r, r.home_root), None
    except (RenderError, OSError) as err:
        return None, str(err)


@dataclass
class LibraryIndex:
    """All authored resources of a catalog, each with its placements."""

    catalog: Catalog
    resources: list[LibraryResource] = field(default_factory=list)
    by_key: dict[str, LibraryResource] = field(default_factory=dict)

    @property
    def packs(self) -> list[Pack]:
        return [self.catalog.packs[i] for i in self.catalog.requested]

    def standards(self) -> list[Standard]:
        """Standards the course packs follow, by id."""
        found: dict[str, Standard] = {}
        for pack in self.packs:
            if pack.certificate and pack.certificate.standard:
                found.setdefault(pack.certificate.standard.id, pack.certificate.standard)
        return sorted(found.values(), key=lambda s: s.id)


def is_unresolved(pack: Pack, resource: Resource) -> bool:
    """A ``use`` entry the catalog could not resolve (unknown target or a cycle): it still
    names itself as its home. ``certbridge validate`` reports why."""
    return resource.use is not None and (resource.home_pack, resource.home_id) == (pack.id, resource.id)


def build_index(catalog: Catalog) -> LibraryIndex:
    """Index every resource of the catalog's requested packs (the library's packs)."""
    index = LibraryIndex(catalog)
    packs = index.packs
    for pack in packs:
        for resource in pack.resources:
            if resource.use is None:
                entry = LibraryResource(pack, resource, [Placement(pack, resource, reused=False)])
                index.resources.append(entry)
                index.by_key[entry.key] = entry
    for pack in packs:
        for resource in pack.resources:
            if resource.use is None or is_unresolved(pack, resource):
                continue
            home = index.by_key.get(f"{resource.home_pack}:{resource.home_id}")
            if home is not None:
                home.placements.append(Placement(pack, resource, reused=True))
    return index


def load_index(paths: list[Path]) -> LibraryIndex:
    """Load the packs under ``paths`` (without content checks) and index them."""
    return build_index(load_catalog(paths, check_content=False))
