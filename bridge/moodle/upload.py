"""Streamed uploads to ``webservice/upload.php`` (the token user's draft area).

Files are read from disk while the request is sent (``MultipartEncoder``), so memory
does not grow with file size. All files of one request land in one draft item id.
"""
from __future__ import annotations

import contextlib
import mimetypes
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from requests_toolbelt.multipart.encoder import MultipartEncoder

from bridge.i18n import tr
from bridge.moodle.errors import (
    FileNameExists,
    FileTooLarge,
    InvalidParameter,
    UnexpectedResponse,
    UploadFailed,
    clip,
    error_for,
)
from bridge.moodle.requester import Requester
from bridge.moodle.shapes import INT, STR, check_reply
from bridge.moodle.types import UploadedFile, UploadResult

FUNCTION = "webservice/upload.php"
#: urllib3 asks for 16 KiB per read; bigger reads make large uploads ~1.5x faster for
#: a fixed, small amount of memory.
READ_SIZE = 256 * 1024

#: What a stored file's entry must carry (``shapes.SHAPES`` checks the list itself).
STORED_FILE = {"filename": STR, "itemid": INT}

#: A file to upload: its path (uploaded under its own name) or (name in Moodle, path).
FileSpec = Path | str | tuple[str, Path | str]

def normalise(files: Sequence[FileSpec]) -> list[tuple[str, Path]]:
    """``[(name in Moodle, local path)]``, checking each file exists."""
    out = []
    for spec in files:
        name, path = (spec[0], Path(spec[1])) if isinstance(spec, tuple) else (Path(spec).name, Path(spec))
        if not path.is_file():
            raise FileNotFoundError(tr("No such file: {path}", "文件不存在：{path}", path=path))
        out.append((name, path))
    return out


class StreamingEncoder(MultipartEncoder):
    """A ``MultipartEncoder`` read in ``READ_SIZE`` blocks."""

    def read(self, size: int = -1) -> bytes:
        return super().read(size if size is None or size < 0 else max(size, READ_SIZE))


@contextlib.contextmanager
def multipart(token: str, files: list[tuple[str, Path]], *, itemid: int, filepath: str = "/") -> Iterator[StreamingEncoder]:
    """The multipart body upload.php expects; file handles close on exit."""
    with contextlib.ExitStack() as stack:
        fields: list[tuple[str, object]] = [
            ("token", token), ("filearea", "draft"), ("itemid", str(itemid)), ("filepath", filepath),
        ]
        for index, (name, path) in enumerate(files, start=1):
            handle = stack.enter_context(open(path, "rb"))
            mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            fields.append((f"file_{index}", (name, handle, mimetype)))
        yield StreamingEncoder(fields=fields)


def upload_files(requester: Requester, files: Sequence[FileSpec], *, itemid: int = 0,
                 max_bytes: int = 0) -> UploadResult:
    """Upload ``files`` into one draft area (``itemid`` 0 lets Moodle allocate one).

    ``max_bytes`` (> 0) refuses oversized files before sending them.
    """
    pairs = normalise(files)
    if not pairs:
        raise ValueError("upload_files needs at least one file")
    if max_bytes > 0:
        for name, path in pairs:
            size = os.path.getsize(path)
            if size > max_bytes:
                raise FileTooLarge(
                    tr("{name}: {size} bytes is over the site's limit of {limit} bytes",
                       "{name}：{size} 字节，超过站点上限 {limit} 字节", name=name, size=size, limit=max_bytes),
                    function=FUNCTION, errorcode="fileoversized",
                )
    requester.stats.count(FUNCTION, write=True)

    def send():
        # A fresh encoder per attempt: a stream cannot be rewound after a failed send.
        with multipart(requester.token(), pairs, itemid=itemid) as encoder:
            return requester.session.post(
                requester.upload_url, data=encoder, headers={"Content-Type": encoder.content_type},
                timeout=requester.timeout, verify=requester.verify, allow_redirects=False)

    response = requester.send(FUNCTION, write=True, send=send)
    try:
        body = requester.decode(FUNCTION, response)
    except InvalidParameter as err:
        if err.errorcode != "missingparam":
            raise
        # We always send the token, so "token missing" means PHP threw the whole body
        # away: the request exceeded post_max_size (seen on Moodle 5.1 with a 64 MiB file).
        total = sum(os.path.getsize(path) for _, path in pairs)
        raise FileTooLarge(
            tr("{function}: the site discarded the upload ({size} bytes): it is larger than PHP's "
               "post_max_size", "{function}：站点丢弃了上传内容（{size} 字节）：超过了 PHP 的 post_max_size",
               function=FUNCTION, size=total),
            function=FUNCTION, errorcode=err.errorcode, remote_message=err.remote_message,
            debuginfo=err.debuginfo,
            hint=tr("Raise post_max_size and upload_max_filesize in php.ini (and the proxy's body limit), "
                    "or make the file smaller.",
                    "请调大 php.ini 中的 post_max_size 与 upload_max_filesize（以及代理的请求体上限），或减小文件。"),
        ) from None
    return parse_upload_reply(check_reply(FUNCTION, body), [name for name, _ in pairs])


def parse_upload_reply(body: object, names: list[str]) -> UploadResult:
    """Turn upload.php's list into an ``UploadResult``; raise the first per-file error."""
    if not isinstance(body, list) or len(body) != len(names):
        raise UnexpectedResponse(
            tr("{function}: expected {n} file entries, got {body}", "{function}：应返回 {n} 个文件条目，实际为 {body}",
               function=FUNCTION, n=len(names), body=clip(str(body))),
            function=FUNCTION,
        )
    stored = [UploadedFile.from_json(check_reply(FUNCTION, entry, STORED_FILE)) for entry in body
              if "errortype" not in entry]
    for entry in body:
        if "errortype" in entry:
            error = error_for(FUNCTION, entry)
            if not isinstance(error, (FileTooLarge, FileNameExists)):
                error = UploadFailed(error.message, function=FUNCTION, errorcode=error.errorcode,
                                     remote_message=error.remote_message)
            error.filename = entry.get("filename", "")
            error.uploaded = tuple(stored)
            raise error
    itemids = {f.itemid for f in stored}
    if len(itemids) != 1:
        raise UnexpectedResponse(
            tr("{function}: files landed in several draft areas: {ids}", "{function}：文件落在多个草稿区：{ids}",
               function=FUNCTION, ids=sorted(itemids)), function=FUNCTION)
    return UploadResult(itemid=itemids.pop(), files=tuple(stored))
