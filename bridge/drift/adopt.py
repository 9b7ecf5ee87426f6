"""``drift adopt``: write Moodle's version of a hand edit back into the pack, in place, so
the next sync keeps it instead of restoring the pack's.

Where the content comes from decides what is written: a page's or label's ``source`` file,
a file resource's file or a quiz's XML file is replaced by the kept copy; a label's
``text``, a URL's ``url`` and a title are edited in pack.toml where they stand, keeping
every other line and comment. A page rendered from a template becomes a static page only
with ``as_static`` (the template line is commented out, not deleted). A GIFT quiz gets an
``.xml`` file beside it (Moodle's export is Moodle XML) and ``source`` points to it.

All changes are checked together: if the pack no longer validates afterwards, every file
is put back as it was and the problems are reported.
"""
from __future__ import annotations

import dataclasses
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from bridge.drift import store, tomledit
from bridge.drift.store import DriftError, DriftRecord
from bridge.i18n import tr
from bridge.pack import load_catalog
from bridge.pack.catalog import Catalog
from bridge.pack.model import Pack, Resource
from bridge.sync.lock import SiteLock, lock_path
from bridge.sync.state import StateStore

QUIZ_XML = ".xml"


@dataclass
class Located:
    """The pack entry a record belongs to, and the one its content is authored in."""

    pack: Pack
    resource: Resource
    home: Pack
    home_resource: Resource


@dataclass
class Adoption:
    record: DriftRecord
    written: list[str] = field(default_factory=list)  # "what: where", for people
    files: list[Path] = field(default_factory=list)
    shared: bool = False  # the content is authored in another pack (``use``)
    state_updated: bool = False


def pack_folders(record: DriftRecord, given: list[Path], configured: list[Path]) -> list[Path]:
    """Where to look for the record's pack: the folders given, else the pack's folder when it
    was kept (if it is still there), else the config's pack folders."""
    if given:
        return given
    if record.pack_dir and (Path(record.pack_dir) / "pack.toml").is_file():
        return [Path(record.pack_dir)]
    return configured


def locate(record: DriftRecord, pack_folders: list[Path]) -> tuple[Located, Catalog]:
    """Find the record's pack and resource among ``pack_folders``."""
    catalog = load_catalog(pack_folders, check_content=False)
    pack = catalog.packs.get(record.pack)
    if pack is None:
        raise DriftError(tr("The pack {pack} is not in {where}.", "{where} 中没有资源包 {pack}。", pack=record.pack,
                            where=", ".join(str(p) for p in pack_folders)),
                         hint=tr("Give its folder with --packs.", "请用 --packs 指定其所在目录。"))
    resource = pack.resource(record.resource)
    if resource is None:
        raise DriftError(tr("{pack} has no resource {res} any more; the kept copy is {path}.",
                            "{pack} 中已没有资源 {res}；保留的副本在 {path}。", pack=record.pack, res=record.resource,
                            path=record.copy_path or record.path))
    home, home_resource = pack, resource
    if resource.use:
        home = catalog.packs.get(resource.home_pack, pack)
        home_resource = home.resource(resource.home_id) or resource
    return Located(pack, resource, home, home_resource), catalog


def adopt(record: DriftRecord, pack_folders: list[Path], state_dir: Path, *, as_static: bool = False,
          clock=time.time) -> Adoption:
    """Write the kept version into the pack; see the module docstring."""
    if record.adopted_at is not None:
        raise DriftError(tr("{id} was already adopted into {into}.", "{id} 已写回 {into}。", id=record.id,
                            into=", ".join(record.adopted_into) or record.pack))
    where, _ = locate(record, pack_folders)
    result = Adoption(record, shared=where.home is not where.pack)
    plan = _Edits()
    if "content" in record.changed:
        _content(record, where, plan, result, as_static)
    if "title" in record.changed and record.modname != "label":
        title = record.moodle.get("name") or ""
        r = where.resource
        line = r.spot.line("title") if "title" in r.keys else r.line_of("id")
        plan.toml(where.pack.file, lambda text: tomledit.set_string(text, r.spot.path, line, "title", title))
        result.written.append(tr("title “{t}”: {f}", "标题“{t}”：{f}", t=title, f=where.pack.file))
    if not plan.changes:
        raise DriftError(tr("{id}: nothing to adopt (what changed: {what}).", "{id}：没有可写回的内容（改动：{what}）。",
                            id=record.id, what=", ".join(record.changed) or "-"))
    with SiteLock(lock_path(Path(state_dir) / f"{record.site}.sqlite")):
        plan.apply([where.pack.root] + ([where.home.root] if result.shared else []))
        result.files = list(plan.changes)
        record.adopted_at = clock()
        record.adopted_into = [str(p) for p in result.files]
        store.save(record)
        if not record.overwritten:
            result.state_updated = _accept_in_state(record, Path(state_dir))
    return result


def _content(record: DriftRecord, where: Located, plan: _Edits, result: Adoption, as_static: bool) -> None:
    copy = record.copy_path
    if copy is None or not copy.is_file():
        raise DriftError(tr("The kept copy of {id} is missing ({path}).", "{id} 的保留副本不存在（{path}）。",
                            id=record.id, path=copy or record.path))
    data = copy.read_bytes()
    if record.sha1 and hashlib.sha1(data).hexdigest() != record.sha1:
        raise DriftError(tr("The kept copy {path} was changed since it was kept (SHA-1 differs); adopt refuses it.",
                            "保留副本 {path} 在保存后被改动过（SHA-1 不同）；拒绝写回。", path=copy))
    r, home = where.home_resource, where.home
    kind = r.type
    text = data.decode("utf-8") if kind in ("page", "label", "url", "quiz") else ""
    if kind == "page" and r.template is not None:
        if not as_static:
            raise DriftError(
                tr("{res} is rendered from the template {t}: adopting Moodle's version makes it a static page (the "
                   "template and its vars are no longer used). Run again with --as-static to do that, or copy what you "
                   "need from {path}.", "{res} 由模板 {t} 渲染：写回 Moodle 的版本会把它变为静态页面（不再使用模板及其 vars）。"
                   "如确需如此，请加 --as-static 重新运行；或从 {path} 中复制所需内容。", res=record.resource,
                   t=r.template, path=copy))
        target = _free_name(home.root / "pages" / f"{r.id}.html")
        plan.file(target, data)
        relative = target.relative_to(home.root).as_posix()
        line = r.spot.line("template")
        plan.toml(home.file, lambda t: tomledit.replace_key_line(
            t, r.spot.path, line, "template", tr("replaced by Moodle's version (certbridge drift adopt {id})",
                                                 "已由 Moodle 中的版本取代（certbridge drift adopt {id}）", id=record.id),
            "source", relative))
        result.written.append(tr("page, now static: {f} (source in {toml})", "页面，改为静态：{f}（{toml} 中的 source）",
                                 f=target, toml=home.file))
    elif kind in ("page", "file") or (kind == "label" and r.text is None):
        assert r.source is not None
        plan.file(r.source, data)
        result.written.append(tr("{kind}: {f}", "{kind}：{f}", kind=kind, f=r.source))
    elif kind == "label":
        plan.toml(home.file, lambda t: tomledit.set_string(t, r.spot.path, r.spot.line("text"), "text", text))
        result.written.append(tr("label text: {f}", "标签文本：{f}", f=home.file))
    elif kind == "url":
        plan.toml(home.file, lambda t: tomledit.set_string(t, r.spot.path, r.spot.line("url"), "url", text.strip()))
        result.written.append(tr("URL: {f}", "链接：{f}", f=home.file))
    elif kind == "quiz":
        if not record.moodle.get("questioncount"):
            raise DriftError(tr("The quiz in Moodle had no questions when it was kept: nothing to adopt. Restore the "
                                "pack's questions with: certbridge sync --drift restore",
                                "保存时 Moodle 中的测验没有任何题目：没有可写回的内容。可用 certbridge sync --drift restore "
                                "恢复资源包中的题目。"))
        assert r.source is not None
        if r.source.suffix.lower() == QUIZ_XML:
            plan.file(r.source, data)
            result.written.append(tr("quiz (Moodle XML): {f}", "测验（Moodle XML）：{f}", f=r.source))
        else:
            target = _free_name(r.source.with_suffix(QUIZ_XML))
            plan.file(target, data)
            relative = target.relative_to(home.root).as_posix()
            plan.toml(home.file, lambda t: tomledit.set_string(t, r.spot.path, r.spot.line("source"), "source", relative))
            result.written.append(tr("quiz as Moodle XML: {f} (source in {toml}; {old} is no longer used)",
                                     "测验（Moodle XML）：{f}（{toml} 中的 source；{old} 不再使用）",
                                     f=target, toml=home.file, old=r.source.name))
    else:
        raise DriftError(tr("{res}: a {kind} cannot be adopted.", "{res}：{kind} 类型无法写回。", res=record.resource,
                            kind=kind))


def _free_name(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-moodle{'' if n == 2 else n - 1}{path.suffix}")
    return candidate


class _Edits:
    """File writes and pack.toml edits, applied together and undone together."""

    def __init__(self) -> None:
        self.changes: dict[Path, bytes] = {}

    def file(self, path: Path, data: bytes) -> None:
        self.changes[path] = data

    def toml(self, path: Path, edit) -> None:
        current = self.changes.get(path)
        text = current.decode("utf-8") if current is not None else path.read_bytes().decode("utf-8")
        bom = text.startswith("\ufeff")
        new = edit(text[1:] if bom else text)
        self.changes[path] = (("\ufeff" if bom else "") + new).encode("utf-8")

    def apply(self, roots: list[Path]) -> None:
        before = {p: (p.read_bytes() if p.exists() else None) for p in self.changes}
        problems_before = {str(p) for p in _errors(roots)}
        try:
            for path, data in self.changes.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                store.atomic_write(path, data)
            new_problems = [p for p in _errors(roots) if str(p) not in problems_before]
        except BaseException:
            _restore(before)
            raise
        if new_problems:
            _restore(before)
            raise DriftError(tr("The pack would no longer validate, so nothing was changed:\n{problems}",
                                "写回后资源包将无法通过校验，因此未做任何更改：\n{problems}",
                                problems="\n".join(f"  {p}" for p in new_problems[:5])))


def _errors(roots: list[Path]) -> list:
    return [p for p in load_catalog(roots).problems if p.severity == "error"]


def _restore(before: dict[Path, bytes | None]) -> None:
    for path, data in before.items():
        if data is None:
            path.unlink(missing_ok=True)
        else:
            store.atomic_write(path, data)


def _accept_in_state(record: DriftRecord, state_dir: Path) -> bool:
    """Moodle still holds the adopted version: remember it as the one last synced, so the
    next sync sees no hand edit there (only, for a quiz, the pack's new file to import)."""
    path = state_dir / f"{record.site}.sqlite"
    if not path.is_file():
        return False
    with StateStore(path) as state:
        row = state.module_rows(record.pack).get(record.idnumber)
        if row is None or row.cmid != record.cmid:
            return False
        changes = {}
        if "content" in record.changed:
            changes["fingerprint"] = record.moodle.get("fingerprint", row.fingerprint)
        if "title" in record.changed:
            changes["name"] = record.moodle.get("name", row.name)
        state.save_modules([dataclasses.replace(row, **changes)])
    return True
