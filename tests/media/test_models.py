"""The StoredFile table, as the migrations build it."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from portal import db
from portal.media.models import FileKind, StoredFile


def test_a_stored_file_is_kept_with_a_timezone_and_only_known_kinds(app, make):
    child = make.child(9)
    with app.app_context():
        picture = StoredFile(child_id=child.id, kind="image", name="a" * 32 + ".jpg",
                             thumbnail_name="b" * 32 + ".jpg", content_type="image/jpeg",
                             size_bytes=10, width=4, height=3, source_format="HEIF",
                             sha256="0" * 64)
        db.session().add(picture)
        db.session().commit()
        assert picture.created_at.tzinfo is not None and picture.kind is FileKind.IMAGE
        with pytest.raises(ValueError, match="'video' is not a valid FileKind"):
            StoredFile(child_id=child.id, kind="video", name="c" * 32 + ".mp4",
                       content_type="video/mp4", size_bytes=1, source_format="mp4", sha256="0")
        # The database refuses it too, whatever writes to it.
        with pytest.raises(IntegrityError):
            db.session().execute(text(
                "INSERT INTO stored_files (child_id, kind, name, content_type, size_bytes, "
                "source_format, sha256, created_at) VALUES (:child, 'video', 'x.mp4', "
                "'video/mp4', 1, 'mp4', '0', CURRENT_TIMESTAMP)"), {"child": child.id})
        db.session().rollback()
