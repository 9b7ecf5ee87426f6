"""``drift show``: one kept hand edit, and for text (page, label, URL, quiz XML) a unified
diff from the pack's version to Moodle's."""
from __future__ import annotations

import difflib
import time
from pathlib import Path

from bridge.drift.adopt import locate
from bridge.drift.store import DriftError, DriftRecord, changed_words
from bridge.errors import BridgeError
from bridge.i18n import tr
from bridge.render.desired import build_payload
from bridge.render.fingerprint import FileHasher

TEXT_KINDS = ("page", "label", "url", "quiz")


def pack_version(record: DriftRecord, pack_folders: list[Path]) -> str | None:
    """The pack's current content for the record's module, as certbridge sends it (None
    when it cannot be had: pack moved, resource gone, not text)."""
    if record.modname not in TEXT_KINDS:
        return None
    try:
        where, _ = locate(record, pack_folders)
        payload = build_payload(where.pack, where.resource, FileHasher())
    except (BridgeError, OSError):
        return None
    return (payload.data or b"").decode("utf-8", errors="replace")


def diff(record: DriftRecord, pack_text: str | None) -> str:
    """Unified diff pack → Moodle ("" when there is nothing to compare)."""
    copy = record.copy_path
    if pack_text is None or copy is None or not copy.is_file():
        return ""
    moodle = copy.read_bytes().decode("utf-8", errors="replace")
    lines = difflib.unified_diff(pack_text.splitlines(keepends=True), moodle.splitlines(keepends=True),
                                 fromfile=tr("pack", "资源包"), tofile=tr("Moodle (hand edit)", "Moodle（手工修改）"))
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def describe(record: DriftRecord) -> list[str]:
    """The record as lines of text."""
    def when(ts) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else tr("unknown", "未知")

    moodle = record.moodle
    status = {"adopted": tr("adopted into the pack", "已写回资源包"),
              "overwritten": tr("overwritten in Moodle by the pack's version", "Moodle 中已被资源包的版本覆盖"),
              "in-moodle": tr("still in Moodle (not overwritten)", "仍在 Moodle 中（未被覆盖）")}[record.status]
    lines = [
        f"{record.id}  {record.course}  {record.resource}  ({record.modname})",
        tr("title in Moodle: {t}", "Moodle 中的标题：{t}", t=moodle.get("name", "")),
        tr("title in the pack: {t}", "资源包中的标题：{t}", t=record.certbridge.get("name", "")),
        tr("changed by hand: {what}", "手工修改：{what}", what=changed_words(record.changed)),
        tr("modified in Moodle: {when}{who}", "Moodle 中的修改时间：{when}{who}", when=when(moodle.get("timemodified")),
           who=tr(" by {w}", "，修改人 {w}", w=moodle["modifiedby"]) if moodle.get("modifiedby") else ""),
        tr("kept: {when} (policy {policy})", "保存时间：{when}（策略 {policy}）", when=when(record.kept_at),
           policy=record.policy),
        tr("status: {s}", "状态：{s}", s=status),
        tr("kept copy: {p}", "保留副本：{p}", p=record.copy_path or tr("(title/description only)", "（仅标题/描述）")),
        tr("record: {p}", "记录：{p}", p=record.path),
    ]
    if record.file:
        lines.append(tr("size {n} bytes, SHA-1 {sha1}", "大小 {n} 字节，SHA-1 {sha1}", n=record.size, sha1=record.sha1))
    if record.modname == "resource" and moodle.get("filename"):
        lines.append(tr("file name in Moodle: {f}", "Moodle 中的文件名：{f}", f=moodle["filename"]))
    if record.adopted_into:
        lines.append(tr("adopted into: {f}", "已写回：{f}", f=", ".join(record.adopted_into)))
    return lines


__all__ = ["DriftError", "describe", "diff", "pack_version"]
