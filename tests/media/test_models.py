"""The StoredFile table, as the migrations build it."""
import pytest
from sqlalchemy.exc import IntegrityError

from portal import db
from portal.media.models import StoredFile


def test_a_stored_file_is_kept_with_a_timezone_and_only_known_kinds(app, make):
    child = make.child(9)
    with app.app_context():
        picture = StoredFile(child_id=child.id, kind="image", name="a" * 32 + ".jpg",
                             thumbnail_name="b" * 32 + ".jpg", content_type="image/jpeg",
                             size_bytes=10, width=4, height=3, source_format="HEIF",
                             sha256="0" * 64)
        db.session().add(picture)
        db.session().commit()
        assert picture.created_at.tzinfo is not None and picture.kind_enum == "image"
        db.session().add(StoredFile(child_id=child.id, kind="video", name="c" * 32 + ".mp4",
                                    content_type="video/mp4", size_bytes=1,
                                    source_format="mp4", sha256="0"))
        with pytest.raises(IntegrityError):
            db.session().commit()
        db.session().rollback()
