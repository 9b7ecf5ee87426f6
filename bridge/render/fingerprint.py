"""Content fingerprints.

Moodle-side fingerprints are SHA-1 (a stored file's ``contenthash`` is the SHA-1 of its
bytes, see docs/plugin-api.md); the build manifest also carries SHA-256. Both come from
one pass over the bytes. File hashing is cached by (path, size, mtime) so a no-op sync
does not re-read every file.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Digest:
    sha1: str
    sha256: str
    size: int


def digest_bytes(data: bytes) -> Digest:
    return Digest(hashlib.sha1(data).hexdigest(), hashlib.sha256(data).hexdigest(), len(data))


def digest_file(path: Path) -> Digest:
    sha1, sha256, size = hashlib.sha1(), hashlib.sha256(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            sha1.update(chunk)
            sha256.update(chunk)
            size += len(chunk)
    return Digest(sha1.hexdigest(), sha256.hexdigest(), size)


class DigestCache(Protocol):
    """Where file digests are remembered between runs (the sync state implements it)."""

    def get(self, key: tuple[str, int, int]) -> Digest | None: ...

    def put(self, key: tuple[str, int, int], digest: Digest) -> None: ...


class MemoryDigestCache:
    def __init__(self) -> None:
        self._data: dict[tuple[str, int, int], Digest] = {}
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            return self._data.get(key)

    def put(self, key, digest):
        with self._lock:
            self._data[key] = digest


class FileHasher:
    """Digests files, consulting ``cache`` keyed by (path, size, mtime_ns)."""

    def __init__(self, cache: DigestCache | None = None):
        self.cache = cache or MemoryDigestCache()
        self.files_read = 0

    def digest(self, path: Path) -> Digest:
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        digest = digest_file(path)
        self.files_read += 1
        self.cache.put(key, digest)
        return digest
