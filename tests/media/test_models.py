"""The StoredFile table, built on its own database.

It runs in a fresh interpreter: until the lead's migration adds stored_files, importing
the model into this test session would put a table on the shared metadata that the
migrated test database does not have.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

CHECK = '''
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.models import Account, Child
from portal.db import Base, make_engine
from portal.media.models import StoredFile

engine = make_engine("sqlite://")
Base.metadata.create_all(engine)
table = Base.metadata.tables["stored_files"]
assert {c.name for c in table.columns} == {
    "id", "child_id", "kind", "name", "thumbnail_name", "content_type", "size_bytes", "width",
    "height", "duration_seconds", "source_format", "sha256", "created_at", "created_by_id"}
with Session(engine) as db:
    isro = Account(username="isro", role="isro", display_name="Sam")
    child = Child(preferred_name="A", date_of_birth=date(2014, 1, 1),
                  looked_after_since=date(2020, 1, 1))
    db.add_all([isro, child])
    db.flush()
    picture = StoredFile(child_id=child.id, kind="image", name="a" * 32 + ".jpg",
                         thumbnail_name="b" * 32 + ".jpg", content_type="image/jpeg",
                         size_bytes=10, width=4, height=3, source_format="HEIF",
                         sha256="0" * 64, created_by_id=isro.id)
    db.add(picture)
    db.commit()
    assert picture.created_at.tzinfo is not None and picture.kind_enum == "image"
    db.add(StoredFile(child_id=child.id, kind="video", name="c" * 32 + ".mp4",
                      content_type="video/mp4", size_bytes=1, source_format="mp4", sha256="0"))
    try:
        db.commit()
        raise SystemExit("a video kind was accepted")
    except IntegrityError:
        db.rollback()
    db.execute(sa.delete(Account).where(Account.id == isro.id))
    db.commit()
    assert db.scalar(sa.select(StoredFile.created_by_id)) is None
    db.execute(sa.delete(Child).where(Child.id == child.id))
    db.commit()
    assert db.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 0
print("ok")
'''


def test_stored_file_rows_keep_their_rules_and_go_with_the_child():
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=PROJECT, capture_output=True,
                            text=True, timeout=60, check=False)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
