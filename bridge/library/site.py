"""The static HTML catalogue of the library (``certbridge library site``).

Layout (every link relative, so the folder works opened from disk)::

    index.html                          certificates, levels, packs
    levels/<standard>/<level>.html      工作领域 → 工作任务 → 职业技能要求, resources and gaps
    packs/<pack>.html                   a pack's sections and resources
    resources/<pack>/<resource>.html    one authored resource: preview, courses using it
    style.css

All pages are rendered with one Jinja environment (autoescape, StrictUndefined).
"""
from __future__ import annotations

import mimetypes
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from bridge import __version__
from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr
from bridge.library.index import LibraryIndex, LibraryResource, Placement
from bridge.library.labels import names
from bridge.library.table import human_size
from bridge.pack.levels import ENGLISH
from bridge.pack.model import Requirement, Standard
from bridge.pack.standard import Area, group_requirements
from bridge.render.templates import report_environment

MARKER = ".certbridge-library"  # marks a folder this command owns and may clear
_GENERATED = ("index.html", "style.css", "levels", "packs", "resources")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass
class RequirementRow:
    """One requirement and the resources serving it, each with the courses placing it."""

    requirement: Requirement
    serving: list[tuple[LibraryResource, list[Placement]]] = field(default_factory=list)

    @property
    def gap(self) -> bool:
        return not self.serving

    @property
    def planned_only(self) -> bool:
        return bool(self.serving) and not any(p.resource.ready for _, ps in self.serving for p in ps)


@dataclass
class LevelView:
    """One certificate level: its requirement tree with the resources serving each."""

    standard: Standard
    level: str
    areas: list[Area[RequirementRow]] = field(default_factory=list)

    @property
    def rows(self) -> list[RequirementRow]:
        return [row for area in self.areas for task in area.tasks for row in task.requirements]

    @property
    def gaps(self) -> list[RequirementRow]:
        return [row for row in self.rows if row.gap]

    @property
    def covered(self) -> int:
        return sum(1 for row in self.rows if not row.gap)


@dataclass
class SiteSummary:
    out: Path
    pages: int
    resources: int
    levels: int
    gaps: int
    linked: int  # activities linked to Moodle


def level_views(index: LibraryIndex) -> list[LevelView]:
    """Every level of every standard the course packs follow, with its resources."""
    serving: dict[tuple[str, str, str], dict[str, tuple[LibraryResource, list[Placement]]]] = {}
    for entry in index.resources:
        for placement in entry.placements:
            if placement.standard is None:
                continue
            for code in placement.resource.skills:
                by_entry = serving.setdefault((placement.standard.id, placement.level, code), {})
                by_entry.setdefault(entry.key, (entry, []))[1].append(placement)
    views = []
    for standard in index.standards():
        for level, requirements in standard.levels.items():
            def row(req: Requirement) -> RequirementRow:
                return RequirementRow(req, list(serving.get((standard.id, level, req.code), {}).values()))

            views.append(LevelView(standard, level, group_requirements(requirements, row)))
    return views


class SiteLinks:
    """Paths from one page of the catalogue to the others (``root`` leads back to the
    top folder), the Moodle activity links, and size formatting. Templates get it as ``site``."""

    def __init__(self, root: str = "", moodle: dict[str, str] | None = None):
        self.root = root
        self.moodle = moodle or {}
        self.home = root + "index.html"
        self.css = root + "style.css"

    @staticmethod
    def slug(value: str) -> str:
        """``value`` as one file name: valid pack and resource ids stay as they are; an
        invalid one (the catalogue is built from broken packs too) cannot name a folder
        above it (``..``) or a path (``/``)."""
        value = _UNSAFE.sub("_", value)
        return "_" + value[1:] if value.startswith(".") else value or "_"

    def resource(self, entry: LibraryResource) -> str:
        return f"{self.root}resources/{self.slug(entry.pack.id)}/{self.slug(entry.resource.id)}.html"

    def pack(self, pack_id: str) -> str:
        return f"{self.root}packs/{self.slug(pack_id)}.html"

    @staticmethod
    def external(url: str | None) -> str | None:
        """``url`` when it is a web address (http, https); anything else (``javascript:``,
        ``data:``) is shown as text, never linked."""
        return url if url and urlsplit(url.strip()).scheme.lower() in ("http", "https") else None

    def level(self, standard_id: str, level: str) -> str:
        return f"{self.root}levels/{self.slug(standard_id)}/{ENGLISH.get(level, self.slug(level))}.html"

    def requirement(self, standard_id: str, level: str, code: str) -> str:
        return f"{self.level(standard_id, level)}#req-{code}"

    def activity(self, placement: Placement) -> str | None:
        idnumber = placement.idnumber
        return self.moodle.get(idnumber) if idnumber else None

    size = staticmethod(human_size)


QuizReader = Callable[[Path], dict[str, int]]


def quiz_reader() -> tuple[QuizReader | None, str | None]:
    """A function giving a quiz file's ``{qtype: count}``, or ``(None, why)`` when the
    quiz package cannot be imported (the catalogue is still built, without summaries)."""
    try:
        from bridge.quiz import load_questions, summarize
    except ImportError as err:
        return None, str(err)
    return (lambda path: dict(summarize(load_questions(path)))), None


def quiz_summary(entry: LibraryResource, reader: QuizReader | None) -> tuple[dict[str, int] | None, str | None]:
    """``({qtype: count}, None)``, or ``(None, why)`` when the quiz cannot be read."""
    source = entry.resource.source
    if source is None or not entry.resource.ready or reader is None:
        return None, None
    try:
        return reader(source), None
    except Exception as err:  # a broken quiz must not stop the catalogue; validate reports it
        return None, str(err)


def file_info(entry: LibraryResource) -> dict[str, str] | None:
    source = entry.resource.source
    if entry.type != "file" or source is None:
        return None
    return {"name": source.name, "type": mimetypes.guess_type(source.name)[0] or source.suffix.lstrip(".") or "—"}


def prepare_out(out: Path) -> None:
    """Make ``out`` ready: create it, or accept what an earlier build wrote. A non-empty
    folder that this command did not create is refused rather than overwritten."""
    if out.exists() and not out.is_dir():
        raise BridgeError(tr("{out} is a file; give a folder for the catalogue.", "{out} 是文件；请给出用于存放目录站点的文件夹。",
                             out=out), exit_code=ExitCode.INVALID_INPUT)
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise BridgeError(tr("{out} is not empty and was not made by 'certbridge library site'; choose an empty folder.",
                             "{out} 不是空目录，且不是由 certbridge library site 生成的；请选择一个空目录。", out=out),
                          exit_code=ExitCode.INVALID_INPUT)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("certbridge library site\n", encoding="utf-8")


def _replace_generated(staging: Path, out: Path) -> None:
    """Put the freshly built entries in place of the old ones (a rename each)."""
    for name in _GENERATED:
        path = out / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        if (staging / name).exists():
            os.replace(staging / name, path)


def build_site(index: LibraryIndex, out: Path, moodle_links: dict[str, str] | None = None) -> SiteSummary:
    """Write the catalogue of ``index`` into ``out``; ``moodle_links`` maps idnumber → activity URL.

    The pages are built in a hidden folder inside ``out`` and moved into place at the
    end: a build that fails leaves the previous catalogue as it was.
    """
    prepare_out(out)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=out))
    try:
        summary = _build(index, staging, moodle_links)
        _replace_generated(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary.out = out
    return summary


def _build(index: LibraryIndex, out: Path, moodle_links: dict[str, str] | None) -> SiteSummary:
    env = report_environment()
    top = SiteLinks("", moodle_links)
    by_depth = {depth: SiteLinks("../" * depth, moodle_links) for depth in range(3)}
    common = {"N": names(), "version": __version__}
    css, _, _ = env.loader.get_source(env, "library/style.css")
    (out / "style.css").write_text(css, encoding="utf-8")
    pages = 0

    def write(rel: str, template, **context) -> None:
        nonlocal pages
        site = by_depth[rel.count("/")]
        _write(out / rel, template.render(site=site, **common, **context))
        pages += 1

    views = level_views(index)
    packs = index.packs
    homes = {f"{p.pack.id}:{p.resource.id}": e for e in index.resources for p in e.placements}

    write("index.html", env.get_template("library/index.html"), views=views, packs=packs,
          resources=len(index.resources), reused=sum(len(e.placements) - 1 for e in index.resources),
          title="资源库 Resource library")
    level_tpl = env.get_template("library/level.html")
    for view in views:
        rel = top.level(view.standard.id, view.level)
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        write(rel, level_tpl, view=view, title=f"{view.standard.certificate}（{view.level}）")
    (out / "packs").mkdir(exist_ok=True)
    pack_tpl = env.get_template("library/pack.html")
    for pack in packs:
        write(top.pack(pack.id), pack_tpl, pack=pack, homes=homes, title=pack.title)
    resource_tpl = env.get_template("library/resource.html")
    reader, reader_error = quiz_reader()
    for pack in packs:
        (out / "resources" / top.slug(pack.id)).mkdir(parents=True, exist_ok=True)
    for entry in index.resources:
        quiz, quiz_error = None, None
        if entry.type == "quiz":
            quiz, quiz_error = quiz_summary(entry, reader)
            quiz_error = quiz_error or reader_error
        write(top.resource(entry), resource_tpl, entry=entry, title=entry.title, quiz=quiz, quiz_error=quiz_error,
              file=file_info(entry), requirements=_requirements(entry),
              home_section=entry.placements[0].section_title)
    linked = sum(1 for e in index.resources for p in e.used_by if top.activity(p))
    return SiteSummary(out, pages, len(index.resources), len(views), sum(len(v.gaps) for v in views), linked)


def _write(path: Path, text: str) -> None:
    # Plain os calls: for 10,000 pages, Path.write_text's text-mode wrapper costs twice the time.
    data = memoryview(text.encode("utf-8"))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        while data:  # os.write may write less than asked
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)


def _requirements(entry: LibraryResource) -> list[tuple[Standard, str, Requirement]]:
    """The requirements the resource serves, across every placement, without repeats."""
    seen: dict[tuple[str, str, str], tuple[Standard, str, Requirement]] = {}
    for placement in entry.placements:
        for req in placement.requirements():
            seen.setdefault((placement.standard.id, placement.level, req.code), (placement.standard, placement.level, req))
    return list(seen.values())
