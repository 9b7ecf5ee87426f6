"""Keep Moodle's version of a hand-edited module before a sync overwrites it (or, under
the ``protect`` policy, instead of overwriting it).

One ``local_certbridge_export_module`` call per module gives what Moodle stores: page
HTML, label text, URL, the file's address (then downloaded as it is) and a quiz's
questions as Moodle XML from Moodle's own exporter. A keep that fails raises
``KeepFailed``: the executor then leaves that module alone in this run.
"""
from __future__ import annotations

import hashlib
import time
from pathlib import Path, PurePosixPath

from bridge.drift import store
from bridge.drift.store import DriftRecord
from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr
from bridge.moodle.errors import MoodleError
from bridge.sync import planner as P

#: The extension of the kept copy, per module type (a file resource keeps its own).
EXTENSIONS = {"page": "html", "label": "html", "url": "txt", "quiz": "xml"}
#: What ``local_certbridge_export_module`` answers for a quiz whose questions were all removed.
EMPTY_QUIZ = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n</quiz>\n'


class KeepFailed(BridgeError):
    """Moodle's version could not be kept: the module is not overwritten in this run."""

    exit_code = ExitCode.FAILURES


class Keeper:
    """Keeps hand edits of one site under ``root`` (``<state_dir>/drift``)."""

    def __init__(self, client, root: Path, site: str, *, run_id: str = "", policy: str = P.RESTORE,
                 pack_dirs: dict[str, Path] | None = None, clock=time.time):
        self.client = client
        self.pack_dirs = pack_dirs or {}  # pack id -> its folder, recorded so adopt finds the pack
        self.root = Path(root)
        self.site = site
        self.run_id = run_id
        self.policy = policy
        self.clock = clock

    def keep(self, course: str, pack: str, courseid: int, action: P.Action) -> DriftRecord:
        """Keep what Moodle holds for ``action``'s module; raise ``KeepFailed`` if that fails.

        When the newest record of the module already holds this very version (a write that
        failed after its keep, a conflict still open), that record is returned again."""
        d, r = action.module, action.remote
        assert d is not None and r is not None
        changed = [f for f in action.drifted if f in P.KEPT_FIELDS]
        folder = store.module_dir(self.root, self.site, course, d.idnumber)
        previous = store.latest(folder)
        if (previous is not None and previous.adopted_at is None and not previous.overwritten
                and previous.cmid == r.cmid and previous.moodle.get("fingerprint") == r.fingerprint
                and previous.moodle.get("name") == r.name):
            if previous.policy != self.policy or previous.run_id != self.run_id:
                previous.policy, previous.run_id = self.policy, self.run_id
                store.save(previous)
            return previous
        try:
            export = self.client.export_module(r.cmid)
        except MoodleError as err:
            raise KeepFailed(_failed(d.idnumber, err.message), hint=_hint(err)) from None
        if export.idnumber and export.idnumber != d.idnumber:
            raise KeepFailed(_failed(d.idnumber, tr("module {cmid} now has the idnumber {other}",
                                                    "模块 {cmid} 的 idnumber 已变为 {other}",
                                                    cmid=r.cmid, other=export.idnumber)))
        now = self.clock()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            stamp = store.new_stamp(folder, now)
            record = DriftRecord(
                id=store.record_id(self.site, course, d.idnumber, stamp), site=self.site, course=course, pack=pack,
                resource=d.resource_id, idnumber=d.idnumber, modname=d.modname, cmid=r.cmid, courseid=courseid,
                changed=changed + (["description"] if d.modname != "label" and export.intro != d.intro else []),
                kept_at=now,
                moodle={"name": export.name or r.name, "intro": export.intro, "fingerprint": r.fingerprint,
                        "timemodified": export.timemodified or r.timemodified, "modifiedby": export.modifiedby,
                        "modifiedbyid": export.modifiedbyid, "filename": export.filename,
                        "questioncount": export.questioncount},
                certbridge={"name": d.name, "fingerprint": d.fingerprint or ""},
                policy=self.policy, run_id=self.run_id, pack_dir=str(self.pack_dirs.get(pack, "")),
                path=folder / f"{stamp}.json")
            if P.CONTENT in changed:
                self._keep_content(record, export, folder, stamp)
            store.save(record)
        except OSError as err:
            raise KeepFailed(_failed(d.idnumber, tr("cannot write in {dir}: {err}", "无法写入 {dir}：{err}",
                                                    dir=folder, err=err.strerror or err)),
                             hint=tr("Free some disk space or fix the state folder's permissions; the next run "
                                     "keeps it and then restores the module.",
                                     "请释放磁盘空间或修正状态目录的权限；下次运行会先保留再恢复该模块。")) from None
        return record

    def _keep_content(self, record: DriftRecord, export, folder: Path, stamp: str) -> None:
        if record.modname == "resource":
            if not export.fileurl:
                raise KeepFailed(_failed(record.idnumber, tr("Moodle reports no file for it", "Moodle 显示它没有文件")))
            suffix = PurePosixPath(export.filename).suffix.lstrip(".").lower()
            record.file = f"{stamp}.{store.safe_part(suffix) if suffix else 'bin'}"
            dest = folder / record.file
            temp = folder / f".{record.file}.tmp"
            try:
                sha1 = self.client.download_file(export.fileurl, temp)
            except MoodleError as err:
                temp.unlink(missing_ok=True)
                raise KeepFailed(_failed(record.idnumber, err.message), hint=_hint(err)) from None
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
            if export.contenthash and sha1 != export.contenthash:
                temp.unlink(missing_ok=True)
                raise KeepFailed(_failed(record.idnumber, tr("the downloaded file does not match Moodle's "
                                                             "(SHA-1 {got}, expected {want})",
                                                             "下载的文件与 Moodle 中的不一致（SHA-1 {got}，应为 {want}）",
                                                             got=sha1, want=export.contenthash)))
            temp.replace(dest)
            record.sha1, record.size = sha1, dest.stat().st_size
            return
        if record.modname == "page":
            text = export.content
        elif record.modname == "label":
            text = export.intro
        elif record.modname == "url":
            text = export.externalurl
        else:  # quiz
            text = export.questionsxml or EMPTY_QUIZ
        data = text.encode("utf-8")
        record.file = f"{stamp}.{EXTENSIONS[record.modname]}"
        store.atomic_write(folder / record.file, data)
        record.sha1, record.size = hashlib.sha1(data).hexdigest(), len(data)

    @staticmethod
    def overwritten(record: DriftRecord, fingerprint: str) -> None:
        """The sync replaced Moodle's version: say so in the record."""
        record.overwritten = True
        record.certbridge["fingerprint"] = fingerprint or record.certbridge.get("fingerprint", "")
        try:
            store.save(record)
        except OSError:
            pass  # the copy is kept; only the flag is stale, and list shows it as still in Moodle


def _failed(idnumber: str, why: str) -> str:
    return tr("{idnumber}: edited by hand in Moodle, and Moodle's version could not be kept ({why}); "
              "it was not overwritten.", "{idnumber}：在 Moodle 中被手工修改，且无法保留 Moodle 中的版本（{why}）；未覆盖它。",
              idnumber=idnumber, why=why)


def _hint(err: MoodleError) -> str:
    return err.hint or tr("Check that local_certbridge is 1.1 or later (certbridge doctor); the next run tries again.",
              "请确认 local_certbridge 为 1.1 或更高版本（certbridge doctor）；下次运行会再试。")
