"""A library of packs: discovery, standards, cross-pack references, validation.

``resource_packs/`` is the library. Loading a set of packs also loads their siblings
so that ``use = "<pack>:<resource>"`` references can be resolved and checked.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from bridge.i18n import tr
from bridge.pack.checks import DEFAULT_MAX_FILE_BYTES, check_pack_content
from bridge.pack.load import PACK_FILE, load_pack
from bridge.pack.model import Pack, Resource
from bridge.pack.problems import Problem
from bridge.pack.standard import find_standard, load_standard
from bridge.safefile import is_inside

STANDARDS_DIR = "standards"


@dataclass
class Catalog:
    """Packs by id, with every problem found while loading them."""

    packs: dict[str, Pack] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)  # ids of the packs asked for, in order
    standards_checked: list[Path] = field(default_factory=list)
    #: Sibling packs that could not be loaded, by folder name, with their first problem.
    broken: dict[str, Problem | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def selected(self) -> list[Pack]:
        return [self.packs[i] for i in self.requested if i in self.packs]


def discover(paths: list[Path]) -> tuple[list[Path], list[Path], list[Problem]]:
    """Split command-line paths into pack files and standard files.

    A path may be a pack folder, a ``pack.toml``, a folder of packs, or a standards
    folder / file (validated on its own).
    """
    packs: list[Path] = []
    standards: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_file() and path.name == PACK_FILE:
            packs.append(path)
        elif path.is_file() and path.suffix == ".toml":
            standards.append(path)
        elif (path / PACK_FILE).is_file():
            packs.append(path / PACK_FILE)
        elif path.is_dir() and (path.name == STANDARDS_DIR or path.parent.name == STANDARDS_DIR):
            standards.extend(sorted(path.glob("*.toml")))
        elif path.is_dir() and (found := pack_files_in(path)):
            packs.extend(found)
            if (path / STANDARDS_DIR).is_dir():
                standards.extend(sorted((path / STANDARDS_DIR).glob("*.toml")))
        else:
            problems.append(Problem(str(path), None, "file-missing",
                                    tr("No pack here: expected a folder with pack.toml, a pack.toml, or a folder of packs.",
                                       "这里没有资源包：需要包含 pack.toml 的目录、pack.toml 文件或存放资源包的目录。")))
    return list(dict.fromkeys(p.resolve() for p in packs)), list(dict.fromkeys(s.resolve() for s in standards)), problems


def pack_files_in(folder: Path) -> list[Path]:
    """The ``*/pack.toml`` of a folder of packs, except those that leave it through a
    symlink: a pack folder linked from elsewhere is not part of this library."""
    return sorted(f for f in folder.glob(f"*/{PACK_FILE}") if is_inside(f, folder))


def load_catalog(paths: list[Path], *, check_content: bool = True,
                 max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Catalog:
    """Load the packs named by ``paths`` (plus their siblings, for references) and check them.

    Problems are reported for the requested packs and standard files only.
    """
    catalog = Catalog()
    pack_files, standard_files, problems = discover(paths)
    catalog.problems.extend(problems)
    requested_files = set(pack_files)
    siblings = {f.resolve() for folder in {pf.parent.parent for pf in pack_files} for f in pack_files_in(folder)}
    standards_cache: dict[Path, tuple] = {}

    for file in sorted(requested_files) + sorted(siblings - requested_files):
        wanted = file in requested_files
        pack, pack_problems = _load_guarded(file)
        if pack is None:
            if wanted:
                catalog.problems.extend(pack_problems)
            else:  # reported only to the packs that reference it
                catalog.broken[file.parent.name] = next(iter(pack_problems), None)
            continue
        if pack.id in catalog.packs:
            if wanted:
                other = catalog.packs[pack.id].file
                pack_problems.append(Problem(str(file), None, "duplicate-id",
                                             tr("Pack id '{id}' is also used by {other}; pack ids must be unique.",
                                                "资源包 id“{id}”已被 {other} 使用；资源包 id 必须唯一。", id=pack.id, other=other)))
                catalog.problems.extend(pack_problems)
            continue
        _attach_standard(pack, standards_cache, pack_problems)
        catalog.packs[pack.id] = pack
        if wanted:
            catalog.requested.append(pack.id)
            catalog.problems.extend(pack_problems)

    for pack in list(catalog.packs.values()):
        _resolve_references(pack, catalog, report=pack.id in catalog.requested)
    if check_content:
        for pack_id in catalog.requested:
            catalog.problems.extend(check_pack_content(catalog.packs[pack_id], max_file_bytes=max_file_bytes))
    for file in standard_files:
        if file not in standards_cache:
            standards_cache[file] = load_standard(file)
        catalog.problems.extend(standards_cache[file][1])
        catalog.standards_checked.append(file)
    catalog.requested.sort(key=lambda i: str(catalog.packs[i].file))
    # A standard's problems come once per pack using it and once for the file itself.
    catalog.problems = sorted(dict.fromkeys(catalog.problems), key=Problem.sort_key)
    return catalog


def _load_guarded(file: Path) -> tuple[Pack | None, list[Problem]]:
    """``load_pack`` that turns anything a hostile file provokes into a problem about that
    file, so one bad pack never stops the others."""
    try:
        return load_pack(file)
    except (RecursionError, MemoryError, ValueError, TypeError) as err:
        return None, [Problem(str(file), None, "toml-syntax",
                              tr("The file cannot be loaded ({kind}); simplify it.",
                                 "无法加载该文件（{kind}）；请简化其内容。", kind=type(err).__name__))]


def _attach_standard(pack: Pack, cache: dict, problems: list[Problem]) -> None:
    cert = pack.certificate
    if cert is None:
        return
    ref = cert.standard_ref
    if not ref:
        return
    path = find_standard(ref, pack.root, [pack.root.parent / STANDARDS_DIR, pack.root / STANDARDS_DIR])
    if path is None:
        problems.append(Problem(str(pack.file), cert.spot.line("standard") if cert.spot else None, "standard-missing",
                                tr("Standard '{ref}' not found: put {ref}.toml in {dir}, or give a .toml path inside the pack.",
                                   "找不到标准“{ref}”：请将 {ref}.toml 放在 {dir}，或填写资源包内的 .toml 路径。",
                                   ref=ref, dir=pack.root.parent / STANDARDS_DIR)))
        return
    path = path.resolve()
    if path not in cache:
        cache[path] = load_standard(path)
    standard, std_problems = cache[path]
    problems.extend(std_problems)
    cert.standard = standard
    if standard is not None and cert.level and cert.level not in standard.levels:
        problems.append(Problem(str(pack.file), cert.spot.line("level") if cert.spot else None, "bad-level",
                                tr("Standard '{s}' has no table for level {l}.", "标准“{s}”中没有{l}等级的要求表。",
                                   s=standard.id, l=cert.level)))


def _broken_note(catalog: Catalog) -> str:
    """Which sibling packs could not be read: the reference may point into one of them."""
    if not catalog.broken:
        return ""
    names = ", ".join(sorted(catalog.broken)[:5]) + (" …" if len(catalog.broken) > 5 else "")
    first = next((p for p in catalog.broken.values() if p is not None), None)
    return tr(" Packs beside it that could not be read: {names}{why}.", "同目录下无法读取的资源包：{names}{why}。",
              names=names, why=f" ({first.code}: {first.message})" if first else "")


def _resolve_references(pack: Pack, catalog: Catalog, *, report: bool) -> None:
    for section in pack.sections:
        for index, resource in enumerate(section.resources):
            if resource.use is None:
                continue
            resolved, problem = _follow(pack, resource, catalog)
            if problem and report:
                catalog.problems.append(problem)
            if resolved is not None:
                section.resources[index] = resolved


def _follow(pack: Pack, resource: Resource, catalog: Catalog) -> tuple[Resource | None, Problem | None]:
    """Follow a ``use`` chain to the authored resource; apply this entry's overrides."""
    seen = [f"{pack.id}:{resource.id}"]
    current = resource
    while current.use is not None:
        ref = current.use
        pack_id, _, res_id = ref.partition(":")
        home = catalog.packs.get(pack_id)
        target = home.resource(res_id) if home else None
        if target is None:
            return None, Problem(str(pack.file), resource.line_of("use"), "reference-unknown",
                                 tr("'{ref}' names no known resource: use \"<pack id>:<resource id>\" of an existing pack.",
                                    "“{ref}”没有对应的资源：请写成 \"<资源包 id>:<资源 id>\"，并指向已有的资源包。", ref=ref)
                                 + (_broken_note(catalog) if home is None else ""))
        if ref in seen:
            return None, Problem(str(pack.file), resource.line_of("use"), "reference-cycle",
                                 tr("'use' references form a cycle: {chain}. Point one of them at the authored resource.",
                                    "use 引用形成了循环：{chain}。请让其中一个指向实际编写的资源。",
                                    chain=" → ".join(seen + [ref])))
        seen.append(ref)
        current = target
    resolved = dataclasses.replace(
        current, id=resource.id, section=resource.section, position=resource.position, spot=resource.spot,
        keys=resource.keys, use=resource.use, memo={},  # rendered per using course, never shared
        title=resource.title or current.title,
        visible=resource.visible if "visible" in resource.keys else current.visible,
        description=resource.description if "description" in resource.keys else current.description,
        skills=resource.skills if "skills" in resource.keys else current.skills,
        status=resource.status if "status" in resource.keys else current.status,
        home_root=current.home_root or catalog.packs[current.home_pack].root)
    if resolved.ready and not current.ready:
        return resolved, Problem(str(pack.file), resource.line_of("use"), "reference-planned",
                                 tr("'{ref}' is still planned in its home pack, so it cannot count as ready here. "
                                    "Mark this entry status = \"planned\" or produce the source first.",
                                    "“{ref}”在其所属资源包中仍为 planned，这里不能算作 ready。请将此条目标为 status = \"planned\"，或先完成源资源。",
                                    ref=resource.use))
    return resolved, None


def pack_paths(names: list[str | Path], folders: list[Path]) -> list[Path]:
    """Command-line pack names as paths: a path that exists stays as it is; anything else
    is a pack id, looked up among the packs in ``folders`` (the config's pack folders).
    An unknown id is a ``BridgeError`` (exit 2) listing the known ones."""
    from bridge.errors import BridgeError, ExitCode

    paths = [Path(n) for n in names]
    ids = [str(n) for n, p in zip(names, paths) if not p.exists()]
    if not ids:
        return paths
    catalog = load_catalog(list(folders), check_content=False)
    unknown = [i for i in ids if i not in catalog.packs]
    if unknown:
        raise BridgeError(
            tr("Unknown pack(s): {ids}: neither a folder nor a pack id in {where}. Known ids: {known}.",
               "未知的资源包：{ids}：既不是目录，也不是 {where} 中的资源包 id。已有 id：{known}。",
               ids=", ".join(unknown), where=", ".join(str(f) for f in folders) or "-",
               known=", ".join(sorted(catalog.packs)) or "-"),
            exit_code=ExitCode.INVALID_INPUT)
    return [p if p.exists() else catalog.packs[str(n)].root for n, p in zip(names, paths)]
