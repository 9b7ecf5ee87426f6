"""A small streaming ``multipart/form-data`` reader: file parts go straight to temp files
(hashed with SHA-1 on the way), so uploads never sit in memory."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

CHUNK = 64 * 1024
MAX_FIELD_BYTES = 1024 * 1024
MAX_HEADER_BYTES = 16 * 1024
_PARAM = re.compile(r';\s*([a-zA-Z0-9_*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')
_BAD_FILENAME = re.compile(r'[\x00-\x1f/\\:*?"<>|]')


class MultipartError(ValueError):
    """The request body is not well-formed multipart data."""


@dataclass
class UploadedFile:
    field: str
    filename: str
    path: Path
    size: int = 0
    sha1: str = ""


@dataclass
class MultipartForm:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[UploadedFile] = field(default_factory=list)

    def discard(self) -> None:
        """Remove the temp files that were not moved into storage."""
        for f in self.files:
            f.path.unlink(missing_ok=True)


def boundary_of(content_type: str) -> bytes:
    for name, value in _PARAM.findall(";" + content_type.split(";", 1)[-1]):
        if name.lower() == "boundary":
            value = value.strip()
            return (value[1:-1] if value.startswith('"') else value).encode("latin-1")
    raise MultipartError("multipart body without a boundary")


def clean_filename(name: str) -> str:
    """Moodle's PARAM_FILE, roughly: no path, no control or reserved characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return _BAD_FILENAME.sub("", name).strip()


def _disposition(headers: dict[str, str]) -> tuple[str, str | None]:
    value = headers.get("content-disposition", "")
    params = {}
    for name, raw in _PARAM.findall(";" + value.split(";", 1)[-1] if ";" in value else ""):
        raw = raw.strip()
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        params[name.lower()] = raw.replace("%22", '"')
    if "name" not in params:
        raise MultipartError("multipart part without a name")
    return params["name"], params.get("filename")


class _Reader:
    """Reads at most ``remaining`` bytes from the socket, in chunks."""

    def __init__(self, stream: BinaryIO, length: int):
        self.stream, self.remaining = stream, length

    def read(self) -> bytes:
        if self.remaining <= 0:
            return b""
        data = self.stream.read(min(CHUNK, self.remaining))
        if not data:
            raise MultipartError("request body ended early")
        self.remaining -= len(data)
        return data


def read_multipart(stream: BinaryIO, length: int, content_type: str, tempdir: Path) -> MultipartForm:
    """Parse a multipart body of ``length`` bytes; file parts are written under ``tempdir``."""
    delimiter = b"--" + boundary_of(content_type)
    separator = b"\r\n" + delimiter
    reader = _Reader(stream, length)
    form = MultipartForm()
    buf = b""
    try:
        # Preamble up to the first delimiter line.
        while True:
            at = buf.find(delimiter)
            if at >= 0:
                buf = buf[at + len(delimiter):]
                break
            chunk = reader.read()
            if not chunk:
                raise MultipartError("no multipart delimiter")
            buf = buf[-len(delimiter):] + chunk
        while True:
            while len(buf) < 2:
                chunk = reader.read()
                if not chunk:
                    raise MultipartError("truncated multipart body")
                buf += chunk
            if buf.startswith(b"--"):
                break  # closing delimiter
            if not buf.startswith(b"\r\n"):
                raise MultipartError("malformed multipart delimiter")
            buf = buf[2:]
            while b"\r\n\r\n" not in buf:
                if len(buf) > MAX_HEADER_BYTES:
                    raise MultipartError("multipart headers too long")
                chunk = reader.read()
                if not chunk:
                    raise MultipartError("truncated multipart headers")
                buf += chunk
            head, buf = buf.split(b"\r\n\r\n", 1)
            headers = {}
            for line in head.decode("utf-8", "replace").split("\r\n"):
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            name, filename = _disposition(headers)
            sink, upload, hasher, size = None, None, None, 0
            value = bytearray()
            if filename is not None:
                fd, temp = tempfile.mkstemp(dir=tempdir, prefix="upload-")
                sink = os.fdopen(fd, "wb")
                upload = UploadedFile(name, clean_filename(filename), Path(temp))
                form.files.append(upload)
                hasher = hashlib.sha1()
            try:
                while True:
                    at = buf.find(separator)
                    done = at >= 0
                    keep = len(separator) - 1
                    if done:
                        data, buf = buf[:at], buf[at + len(separator):]
                    elif len(buf) > keep:
                        data, buf = buf[:-keep], buf[-keep:]
                    else:
                        data = b""
                    if data:
                        size += len(data)
                        if sink is not None:
                            sink.write(data)
                            hasher.update(data)
                        else:
                            if size > MAX_FIELD_BYTES:
                                raise MultipartError(f"form field {name} too large")
                            value += data
                    if done:
                        break
                    chunk = reader.read()
                    if not chunk:
                        raise MultipartError("truncated multipart part")
                    buf += chunk
            finally:
                if sink is not None:
                    sink.close()
            if upload is not None:
                upload.size, upload.sha1 = size, hasher.hexdigest()
            else:
                form.fields[name] = value.decode("utf-8", "replace")
        # Drain what follows the closing delimiter (epilogue).
        while reader.read():
            pass
    except BaseException:
        form.discard()
        raise
    return form
