"""Content-addressed blob storage under ``$VANTHU_HOME/blobs``.

A blob's name is the sha256 of its bytes; it lives at ``blobs/ab/cd/<sha>`` (the first two
pairs of hex digits shard the directories). :func:`put` writes a temporary file in the target
directory, fsyncs it and renames it into place with ``os.replace``, so readers never see a
partial blob and concurrent writers of the same bytes are harmless. Blobs are never modified.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

from store.config import home

_SHA256 = re.compile(r"[0-9a-f]{64}")


class BlobNotFound(FileNotFoundError):
    """No blob with this sha256 is stored."""

    def __init__(self, sha: str, where: Path) -> None:
        super().__init__(f"blob {sha} not found (expected at {where})")
        self.sha = sha
        self.path = where


def root() -> Path:
    """The blob directory ``$VANTHU_HOME/blobs``."""
    return home() / "blobs"


def path(sha: str) -> Path:
    """Where the blob ``sha`` (64 lower-case hex digits) is or would be stored."""
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise ValueError(f"not a sha256 hex digest: {sha!r}")
    return root() / sha[:2] / sha[2:4] / sha


def put(data: bytes) -> str:
    """Store ``data`` (idempotent) and return its sha256 hex digest."""
    data = bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    target = path(sha)
    if target.is_file():
        return sha
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{sha[:16]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)
    return sha


def get(sha: str) -> bytes:
    """The bytes of blob ``sha``; :class:`BlobNotFound` (a ``FileNotFoundError``) when absent."""
    where = path(sha)
    try:
        return where.read_bytes()
    except FileNotFoundError:
        raise BlobNotFound(sha, where) from None


def exists(sha: str) -> bool:
    return path(sha).is_file()


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
