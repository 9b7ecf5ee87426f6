"""Typed results of the client's calls (see docs/plugin-api.md for the fields)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any

from bridge.moodle.errors import MoodleWarning


@cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def _known(cls: type, data: dict) -> dict:
    """The keys of ``data`` that ``cls`` declares, so newer sites may add fields."""
    names = _field_names(cls)  # a listing turns thousands of modules per call
    return {k: v for k, v in data.items() if k in names}


def _warnings(data: dict) -> tuple[MoodleWarning, ...]:
    return tuple(MoodleWarning.from_json(w) for w in data.get("warnings") or [])


@dataclass(frozen=True)
class PluginInfo:
    """``local_certbridge_get_info``."""

    component: str
    plugin_version: int
    plugin_release: str
    api_version: int
    moodle_version: int
    moodle_release: str
    modtypes: tuple[str, ...] = ()
    qtypes: tuple[str, ...] = ()
    maxbytes: int = 0

    @classmethod
    def from_json(cls, data: dict) -> PluginInfo:
        d = _known(cls, data)
        d["modtypes"] = tuple(d.get("modtypes") or ())
        d["qtypes"] = tuple(d.get("qtypes") or ())
        for key in ("plugin_version", "api_version", "moodle_version", "maxbytes"):
            d[key] = int(d.get(key) or 0)
        d.setdefault("component", "")
        d.setdefault("plugin_release", "")
        d.setdefault("moodle_release", "")
        return cls(**d)


@dataclass(frozen=True)
class RemoteSection:
    """One course section after ``local_certbridge_ensure_sections``."""

    number: int
    id: int
    name: str
    visible: bool


@dataclass(frozen=True)
class RemoteModule:
    """One module of ``local_certbridge_get_modules``: every field of the contract."""

    idnumber: str
    cmid: int
    instance: int
    modname: str
    name: str
    section: int
    sectionvisible: bool
    position: int
    visible: bool
    visibleoncoursepage: bool
    stealth: bool
    deletioninprogress: bool
    timemodified: int
    fingerprint: str

    @classmethod
    def from_json(cls, data: dict) -> RemoteModule:
        d = _known(cls, data)
        for key in ("sectionvisible", "visible", "visibleoncoursepage", "stealth", "deletioninprogress"):
            d[key] = bool(int(d.get(key) or 0))
        for key in ("cmid", "instance", "section", "position", "timemodified"):
            d[key] = int(d.get(key) or 0)
        d["fingerprint"] = d.get("fingerprint") or ""
        return cls(**d)


@dataclass(frozen=True)
class ModuleListing:
    """``local_certbridge_get_modules``: the modules and the stored plan's fingerprint
    (``""``: no plan stored; ``None``: a plugin older than course plans)."""

    modules: list[RemoteModule]
    plan_fingerprint: str | None = None


@dataclass(frozen=True)
class UpsertResult:
    """``local_certbridge_upsert_module``."""

    cmid: int
    instance: int
    created: bool
    fingerprint: str
    warnings: tuple[MoodleWarning, ...] = ()

    @classmethod
    def from_json(cls, data: dict) -> UpsertResult:
        return cls(cmid=int(data["cmid"]), instance=int(data["instance"]), created=bool(data["created"]),
                   fingerprint=data.get("fingerprint") or "", warnings=_warnings(data))


@dataclass(frozen=True)
class ImportResult:
    """``local_certbridge_import_questions``."""

    cmid: int
    questioncount: int
    sumgrades: float
    fingerprint: str
    warnings: tuple[MoodleWarning, ...] = ()

    @classmethod
    def from_json(cls, data: dict) -> ImportResult:
        return cls(cmid=int(data["cmid"]), questioncount=int(data["questioncount"]),
                   sumgrades=float(data["sumgrades"]), fingerprint=data.get("fingerprint") or "",
                   warnings=_warnings(data))


@dataclass(frozen=True)
class ModuleExport:
    """``local_certbridge_export_module``: a module's content as Moodle stores it."""

    cmid: int
    idnumber: str
    modname: str
    name: str
    intro: str = ""
    content: str = ""  # page
    externalurl: str = ""  # url
    filename: str = ""  # resource: the main file
    filesize: int = 0
    contenthash: str = ""  # its SHA-1
    fileurl: str = ""  # webservice/pluginfile.php address (no token)
    questionsxml: str = ""  # quiz: qformat_xml's export of its questions
    questioncount: int = 0
    timemodified: int = 0  # last change Moodle knows of (0: unknown)
    modifiedby: str = ""  # who made it, where Moodle logged it
    modifiedbyid: int = 0
    fingerprint: str = ""

    @classmethod
    def from_json(cls, data: dict) -> ModuleExport:
        d = _known(cls, data)
        for key in ("cmid", "filesize", "questioncount", "timemodified", "modifiedbyid"):
            d[key] = int(d.get(key) or 0)
        for key in ("idnumber", "modname", "name"):
            d[key] = d.get(key) or ""
        return cls(**d)


@dataclass(frozen=True)
class UploadedFile:
    """One file stored by ``webservice/upload.php`` in a draft area."""

    filename: str
    filepath: str
    itemid: int
    filesize: int
    contextid: int
    component: str = "user"
    filearea: str = "draft"

    @classmethod
    def from_json(cls, data: dict) -> UploadedFile:
        return cls(filename=data["filename"], filepath=data.get("filepath", "/"), itemid=int(data["itemid"]),
                   filesize=int(data.get("filesize", 0)), contextid=int(data.get("contextid", 0)),
                   component=data.get("component", "user"), filearea=data.get("filearea", "draft"))


@dataclass(frozen=True)
class UploadResult:
    """All files of one upload request: they share one draft ``itemid``."""

    itemid: int
    files: tuple[UploadedFile, ...]


@dataclass
class CallStats:
    """Counters of the calls a client made (each logical call once, retries apart)."""

    reads: int = 0
    writes: int = 0
    retries: int = 0
    http_requests: int = 0
    by_function: Counter = field(default_factory=Counter)

    @property
    def calls(self) -> int:
        return self.reads + self.writes

    def count(self, function: str, *, write: bool) -> None:
        if write:
            self.writes += 1
        else:
            self.reads += 1
        self.by_function[function] += 1

    def reset(self) -> None:
        self.reads = self.writes = self.retries = self.http_requests = 0
        self.by_function.clear()

    def as_dict(self) -> dict[str, Any]:
        return {"reads": self.reads, "writes": self.writes, "retries": self.retries,
                "http_requests": self.http_requests, "by_function": dict(self.by_function)}
