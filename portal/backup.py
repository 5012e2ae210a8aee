"""Backup and restore for SQLite installs: the database and the upload folder, together.

PostgreSQL installs use pg_dump/pg_restore for the database (docs/operations.md) and
copy the upload folder on the same schedule.
"""
from __future__ import annotations

import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    pass


def _sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise BackupError("backup and restore are for SQLite; use pg_dump for PostgreSQL")
    return Path(url.database)


def backup(database_url: str, upload_dir: Path, out: Path) -> None:
    """A consistent copy of the database (SQLite's online backup) and every upload."""
    source = _sqlite_path(database_url)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "portal.sqlite3"
        _copy_database(source, copy)
        out.touch(mode=0o600)
        out.chmod(0o600)  # children's words and pictures: the portal's user only
        with tarfile.open(out, "w:gz") as archive:
            archive.add(copy, arcname="portal.sqlite3")
            archive.add(upload_dir, arcname="uploads")


def restore(database_url: str, upload_dir: Path, archive_path: Path) -> None:
    """Replace the database and the upload folder with a backup's. Stop the site first."""
    target = _sqlite_path(database_url)
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(tmp, filter="data")  # refuses absolute paths and ".."
        restored_db = Path(tmp) / "portal.sqlite3"
        restored_uploads = Path(tmp) / "uploads"
        if not restored_db.exists() or not restored_uploads.is_dir():
            raise BackupError("that file is not a My Say backup")
        # Through SQLite itself, page by page, so WAL files and locks stay consistent.
        _copy_database(restored_db, target)
        if upload_dir.exists():
            shutil.rmtree(upload_dir)
        shutil.copytree(restored_uploads, upload_dir)
        for folder in [upload_dir, *[p for p in upload_dir.rglob("*") if p.is_dir()]]:
            folder.chmod(0o700)


def _copy_database(source: Path, target: Path) -> None:
    """SQLite's online backup from one database file into another (created if need be)."""
    reader = sqlite3.connect(source)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def orphans(upload_dir: Path, known: set[str]) -> list[Path]:
    """Stored files no database row names (left by a crash between write and commit)."""
    return [p for p in upload_dir.rglob("*")
            if p.is_file() and p.name not in known and not p.name.startswith(".")]
