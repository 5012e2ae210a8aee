"""The file store: uploads on disk under names we make, never under a name someone sent.

Files live outside static/, in folders sharded by the first two characters of the name
(``ab/ab12…ef.jpg``), readable by the portal's own user only. A write goes to a
temporary file in the same folder, is flushed to disk, then renamed into place, so a
crash never leaves a half-written file under a real name; its ``.tmp-*`` leftovers are
removed by ``sweep_temporaries``.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

TEMPORARY_PREFIX = ".tmp-"
# 32 hex characters (128 random bits), a dot, a short lower-case extension.
NAME = re.compile(r"[0-9a-f]{32}\.[a-z0-9]{1,5}")
EXTENSION = re.compile(r"[a-z0-9]{1,5}")


class StoreUnavailable(OSError):
    """The disk is full or read-only: nothing was written."""


@dataclass(frozen=True)
class StoredInfo:
    """What serving needs to know of a stored file before reading it."""

    size: int
    modified: float  # seconds since the epoch
    etag: str


class FileStore:
    """The folder store (the default). ``portal.media.s3store.S3Store`` has the same methods."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)

    def path(self, name: str) -> Path:
        """Where a stored file lives. Anything but a name this store made is a ValueError."""
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise ValueError("not a stored file name")
        path = self.root / name[:2] / name
        if path.resolve().parent.parent != self.root:
            raise ValueError("stored file path leaves the store")  # a symlinked shard
        return path

    def save(self, data: bytes, extension: str) -> str:
        """Write the bytes under a new generated name, atomically; returns the name."""
        if not EXTENSION.fullmatch(extension):
            raise ValueError("not a stored file extension")
        # 128 random bits: a clash is not a real possibility, so os.replace may overwrite.
        name = f"{secrets.token_hex(16)}.{extension}"
        final = self.path(name)
        folder = final.parent
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, dir=folder)
        except OSError as exc:
            raise StoreUnavailable(str(exc)) from exc
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, final)
        except BaseException as exc:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            if isinstance(exc, OSError):
                raise StoreUnavailable(str(exc)) from exc
            raise
        _fsync_folder(folder)  # the rename itself survives a power cut
        return name

    def open(self, name: str, *, size: int | None = None) -> BinaryIO:
        """The file, for reading (``size`` is for the object store; unused here)."""
        return self.path(name).open("rb")

    def stat(self, name: str) -> StoredInfo:
        """Size, time and tag of a stored file; FileNotFoundError if it is not there."""
        path = self.path(name)
        if not path.is_file():
            raise FileNotFoundError(name)
        found = path.stat()
        return StoredInfo(found.st_size, found.st_mtime,
                          f"{found.st_mtime}-{found.st_size}-{name.split('.')[0][:16]}")

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def delete(self, name: str) -> None:
        """Remove a stored file; one that is already gone is fine."""
        self.path(name).unlink(missing_ok=True)

    def orphans(self, known: set[str]) -> list[str]:
        """Files in the folder no database row names (left by a crash between write and
        commit), as paths for ``remove_orphan``."""
        return [str(p) for p in sorted(self.root.rglob("*"))
                if p.is_file() and p.name not in known and not p.name.startswith(".")]

    def remove_orphan(self, found: str) -> None:
        path = Path(found).resolve()
        if self.root in path.parents:
            path.unlink(missing_ok=True)

    def sweep_temporaries(self, older_than_seconds: float) -> int:
        """Remove temporary files left by interrupted writes; returns how many went."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for temporary in self.root.glob(f"*/{TEMPORARY_PREFIX}*"):
            with contextlib.suppress(FileNotFoundError):
                if temporary.is_file() and temporary.stat().st_mtime < cutoff:
                    temporary.unlink()
                    removed += 1
        return removed


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
