"""The desired state of a course: what Moodle should hold for one pack.

This is the seam between packs and the sync/report code: each resource becomes a
``DesiredModule`` with its idnumber, placement, settings, payload and the fingerprint
Moodle will report once it holds that content (docs/plugin-api.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bridge.pack.model import Pack, Resource
from bridge.render.fingerprint import Digest, FileHasher, digest_bytes
from bridge.render.pages import render_page
from bridge.render.plan import course_plan


@dataclass(frozen=True)
class Payload:
    """What is uploaded or sent for a module: bytes in memory, or a file streamed from disk."""

    filename: str
    digest: Digest
    data: bytes | None = None
    path: Path | None = None


@dataclass
class DesiredModule:
    idnumber: str
    resource_id: str
    type: str  # pack type: file | page | url | quiz | label
    modname: str  # Moodle module: resource | page | url | quiz | label
    section: int
    position: int
    name: str
    intro: str
    visible: bool
    status: str  # ready | planned
    skills: tuple[str, ...]
    fingerprint: str | None = None  # sha1 Moodle will report; None when planned
    payload: Payload | None = None
    content: str = ""  # page HTML
    externalurl: str = ""

    @property
    def ready(self) -> bool:
        return self.status == "ready"


@dataclass
class DesiredCourse:
    pack_id: str
    prefix: str
    shortname: str
    fullname: str
    category: list[str]
    summary: str
    target: float
    sections: list[tuple[int, str]]
    modules: list[DesiredModule] = field(default_factory=list)
    #: What ``local_certbridge_set_course_plan`` stores (bridge.render.plan); None: not built
    plan: dict | None = None

    def module(self, idnumber: str) -> DesiredModule | None:
        return next((m for m in self.modules if m.idnumber == idnumber), None)


def build_payload(pack: Pack, resource: Resource, hasher: FileHasher) -> Payload:
    """The bytes (or file) a ready resource pushes. Raises RenderError / QuizError on bad content."""
    if resource.type == "file":
        assert resource.source is not None
        return Payload(resource.source.name, hasher.digest(resource.source), path=resource.source)
    if resource.type == "page":
        html = resource.memo.get("page")
        data = (html if html is not None else render_page(pack, resource, resource.home_root)).encode("utf-8")
        return Payload(f"{resource.id}.html", digest_bytes(data), data=data)
    if resource.type == "quiz":
        from bridge.quiz import load_questions, to_moodle_xml  # heavy (lxml); only when needed

        assert resource.source is not None
        bank = resource.memo.get("quiz") or load_questions(resource.source)
        data = to_moodle_xml(bank)
        return Payload(f"{resource.id}.xml", digest_bytes(data), data=data)
    if resource.type == "url":
        data = (resource.url or "").encode("utf-8")
        return Payload("", digest_bytes(data), data=data)
    if resource.type == "label":
        text = resource.text if resource.text is not None else render_page_source(resource)
        data = text.encode("utf-8")
        return Payload("", digest_bytes(data), data=data)
    raise ValueError(f"unknown resource type {resource.type!r}")


def render_page_source(resource: Resource) -> str:
    from bridge.render.pages import read_text

    assert resource.source is not None
    text = resource.memo.get("text")
    return text if text is not None else read_text(resource.source)


def desired_module(pack: Pack, resource: Resource, hasher: FileHasher) -> DesiredModule:
    module = DesiredModule(
        idnumber=pack.idnumber(resource), resource_id=resource.id, type=resource.type,
        modname=resource.modname, section=resource.section, position=resource.position,
        name=resource.title or resource.id, intro=resource.description, visible=resource.visible,
        status=resource.status, skills=resource.skills)
    if not resource.ready:
        return module
    payload = build_payload(pack, resource, hasher)
    module.payload = payload
    module.fingerprint = payload.digest.sha1
    if resource.type == "page":
        module.content = (payload.data or b"").decode("utf-8")
    elif resource.type == "url":
        module.externalurl = resource.url or ""
    elif resource.type == "label":
        module.intro = (payload.data or b"").decode("utf-8")
    return module


def desired_course(pack: Pack, hasher: FileHasher | None = None) -> DesiredCourse:
    """Everything Moodle should hold for ``pack``. The pack must have validated cleanly."""
    assert pack.course is not None, "library packs have no course"
    hasher = hasher or FileHasher()
    course = DesiredCourse(
        pack_id=pack.id, prefix=pack.prefix, shortname=pack.course.shortname,
        fullname=pack.course.fullname, category=pack.course.category, summary=pack.course.summary,
        target=pack.course.target, sections=[(s.number, s.title) for s in pack.sections])
    course.modules = [desired_module(pack, r, hasher) for r in pack.resources]
    course.plan = course_plan(pack, course.modules)
    return course
