"""``certbridge new``: a pack started from the certificate standard.

One section per 工作领域 of the level, one planned page per 职业技能要求 carrying its code,
Chinese comments saying what to do next. Nothing is typed by hand from the standard, and
the first report shows every requirement uncovered at 0%.
"""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr
from bridge.pack.catalog import STANDARDS_DIR
from bridge.pack.levels import canonical_level
from bridge.pack.load import PACK_FILE
from bridge.pack.model import Standard
from bridge.pack.standard import group_requirements, load_standard

_PACK_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
_TITLE_CHARS = 40


class ScaffoldError(BridgeError):
    exit_code = ExitCode.INVALID_INPUT


@dataclass
class Scaffold:
    file: Path
    standard: Standard
    level: str
    sections: int
    resources: int
    copied_standard: Path | None


def standard_dirs(target: Path) -> list[Path]:
    """Where a new pack's standard is looked for: beside the pack (as sync will), then
    the ``resource_packs/standards`` of the working folder and of the project."""
    project = Path(__file__).resolve().parents[2] / "resource_packs" / STANDARDS_DIR
    dirs = [target.parent / STANDARDS_DIR, Path.cwd() / "resource_packs" / STANDARDS_DIR, project]
    return list(dict.fromkeys(d.resolve() for d in dirs if d.is_dir()))


def _standards(dirs: list[Path]) -> dict[str, tuple[Path, Standard]]:
    found: dict[str, tuple[Path, Standard]] = {}
    for directory in dirs:
        for path in sorted(directory.glob("*.toml")):
            standard, problems = load_standard(path)
            if standard is not None and not problems and standard.id not in found:
                found[standard.id] = (path, standard)
    return found


def _choices(found: dict[str, tuple[Path, Standard]]) -> str:
    return "\n".join(f"  {sid}  {std.certificate}（{'、'.join(std.levels)}）" for sid, (_, std) in sorted(found.items()))


def create_pack(target: Path, standard_id: str, level: str, *, pack_id: str | None = None,
                shortname: str | None = None, fullname: str | None = None) -> Scaffold:
    """Write ``target/pack.toml``; raises ScaffoldError (exit 2) on a bad request."""
    pack_id = pack_id or target.name
    if not _PACK_ID.match(pack_id):
        raise ScaffoldError(
            tr("The pack id '{id}' (the folder name) must be lowercase letters, digits, '.', '_' or '-', "
               "at most 40 characters.", "资源包 id“{id}”（即目录名）只能使用小写字母、数字、“.”、“_”、“-”，不超过 40 个字符。",
               id=pack_id),
            hint=tr("Name the folder like net-ops-basic, or give --id.", "请把目录命名为 net-ops-basic 这样的名字，或用 --id 指定。"))
    if (target / PACK_FILE).exists() or (target.exists() and any(target.iterdir())):
        raise ScaffoldError(tr("{d} already exists and is not empty; nothing was written.",
                               "{d} 已存在且不为空，未写入任何内容。", d=target),
                            hint=tr("Choose a new folder.", "请换一个新目录。"))
    dirs = standard_dirs(target)
    found = _standards(dirs)
    if standard_id not in found:
        raise ScaffoldError(tr("Unknown standard '{s}'. Standards found:\n{list}",
                               "未知的标准“{s}”。已有的标准：\n{list}", s=standard_id,
                               list=_choices(found) or tr("  (none)", "  （无）")),
                            hint=tr("Put the standard file in {d}.", "请把标准文件放在 {d}。",
                                    d=target.parent / STANDARDS_DIR))
    path, standard = found[standard_id]
    canonical = canonical_level(level)
    if canonical not in standard.levels:
        raise ScaffoldError(tr("Standard '{s}' has no level '{l}'. Its levels: {levels}.",
                               "标准“{s}”中没有等级“{l}”。可用的等级：{levels}。", s=standard_id, l=level,
                               levels="、".join(standard.levels)))
    copied = None
    if path.parent not in (target.parent.resolve() / STANDARDS_DIR, target.resolve() / STANDARDS_DIR):
        # Sync looks beside the pack or inside it: bring the standard along.
        copied = target / STANDARDS_DIR / path.name
    areas = group_requirements(standard.requirements(canonical))
    text = _pack_toml(pack_id, standard, canonical, areas, shortname, fullname)
    target.mkdir(parents=True, exist_ok=True)
    if copied is not None:
        copied.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, copied)
    (target / PACK_FILE).write_text(text, "utf-8")
    return Scaffold(target / PACK_FILE, standard, canonical, len(areas),
                    sum(a.size for a in areas), copied)


def _q(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _short(text: str) -> str:
    text = text.rstrip("。；; ")
    return text if len(text) <= _TITLE_CHARS else text[:_TITLE_CHARS - 1] + "…"


def _pack_toml(pack_id: str, standard: Standard, level: str, areas, shortname: str | None,
               fullname: str | None) -> str:
    shortname = shortname or pack_id.upper()
    fullname = fullname or f"{standard.certificate}（1+X {level}）"
    lines = [
        f"# {standard.certificate}（{level}）课程资源包，由 certbridge new 按标准 {standard.id} 生成。",
        "# 接下来：",
        "#   1. 修改 [pack] 的 owners、[course] 的 category（Moodle 课程类别，用 \" / \" 分级）；",
        "#   2. 每完成一个资源：设置 type、source（或 template/url），把 status 改为 \"ready\"；",
        "#      一个资源可对应多个技能要求（skills），不需要的占位资源可以删除；",
        "#   3. 运行 certbridge validate 检查，certbridge report 查看上线比例和技能覆盖。",
        "# 格式说明见 docs/pack-format.md。",
        "",
        "[pack]",
        f"id = {_q(pack_id)}",
        f"title = {_q(f'{standard.certificate}（{level}）课程资源包')}",
        'version = "0.1.0"',
        'owners = ["课程负责人 <teacher@example.edu.cn>"]   # 请改为负责人姓名和邮箱',
        "",
        "[certificate]",
        f"name = {_q(standard.certificate)}",
        f"issuer = {_q(standard.issuer)}",
        f"level = {_q(level)}",
        f"standard = {_q(standard.id)}",
        "",
        "[course]",
        f"{'shortname = ' + _q(shortname):<42} # Moodle 中的课程简称，发布后不要再改",
        f"fullname = {_q(fullname)}",
        f"{'category = ' + _q('1+X 证书课程'):<42} # 请改为实际的课程类别，如 \"信息工程学院 / 计算机网络技术\"",
        f"{'target = 0.5':<42} # 上线目标：50% 以上",
    ]
    for area in areas:
        lines += ["", "[[sections]]", f"title = {_q(f'工作领域 {area.code}：{area.name}')}"]
        for task in area.tasks:
            lines += ["", f"  # 工作任务 {task.code}：{task.name}"]
            for req in task.requirements:
                lines += [
                    "",
                    "  [[sections.resources]]",
                    f"  id = {_q('skill-' + req.code)}",
                    f"{'  type = ' + _q('page'):<42} # 可改为 file、url、quiz",
                    f"  title = {_q(req.code + ' ' + _short(req.text))}",
                    f"  skills = [{_q(req.code)}]",
                    f"{'  status = ' + _q('planned'):<42} # 完成后改为 \"ready\"",
                    f"  # 职业技能要求 {req.code}：{req.text}",
                ]
    return "\n".join(lines) + "\n"

