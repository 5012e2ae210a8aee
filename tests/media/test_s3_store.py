"""Uploads kept in S3-compatible object storage, tested against a real SeaweedFS server.

A second app is built with PORTAL_STORAGE_URL pointing at the server (the session's
``app`` shares its database); pictures and voice notes go through the real forms and
come back through the one serving path, with the folder store's headers.
"""
from __future__ import annotations

import io
import secrets
import wave
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal import clock, create_app, db
from portal.accounts.models import Role
from portal.config import ConfigError
from portal.consultations.models import Submission
from portal.media.models import StoredFile
from portal.media.s3store import S3Store, parse_url
from portal.media.serving import SANDBOX_POLICY
from portal.media.storage import StoreUnavailable
from tests.helpers import png_bytes, post_form, sign_in

PREFIX = "uploads/"


@pytest.fixture(scope="module")
def bucket(seaweedfs) -> str:
    _endpoint, client = seaweedfs
    name = f"portal-{secrets.token_hex(4)}"
    client.create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="module")
def s3_app(app, seaweedfs, bucket, s3_credentials):
    endpoint, _client = seaweedfs
    config = replace(app.config["PORTAL"], storage_url=f"s3://{bucket}/uploads",
                     s3_endpoint_url=endpoint)
    application = create_app(config)
    yield application
    application.extensions["portal.engine"].dispose()
    from portal.security import limiter

    limiter.init_app(app)  # the limiter is shared: give it back to the suite's app


@pytest.fixture
def objects(app, s3_app, seaweedfs, bucket):
    """objects() -> the names in the bucket; the bucket is emptied after each test."""
    _endpoint, client = seaweedfs

    def _names() -> set[str]:
        listed = client.list_objects_v2(Bucket=bucket, Prefix=PREFIX).get("Contents", [])
        return {item["Key"][len(PREFIX):] for item in listed}

    yield _names
    for name in _names():
        client.delete_object(Bucket=bucket, Key=PREFIX + name)


@pytest.fixture
def child(make):
    isro = make.account(Role.ISRO)
    return {"isro": isro, "child": make.child(11, isro=isro, username="artist11")}


def _wav(seconds=1) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(8000)
        w.writeframes(bytes(range(256)) * (8000 * seconds // 256))
    return buffer.getvalue()


def _send(s3_app, kind: str, data: bytes, name: str):
    client = s3_app.test_client()
    sign_in(client, "artist11")
    fields = {"file": (io.BytesIO(data), name), "title": "Mine", "visibility": "isro"}
    if kind == "picture":
        fields["words"] = "My room"
    return post_form(client, f"/my-say/{kind}", fields, content_type="multipart/form-data")


def _stored(s3_app) -> StoredFile:
    with s3_app.app_context():
        stored = db.session().scalars(select(StoredFile)).one()
        db.session().expunge(stored)
        return stored


def _submission_id(s3_app) -> int:
    with s3_app.app_context():
        return db.session().scalars(select(Submission.id)).one()


def _staff(s3_app, isro):
    client = s3_app.test_client()
    assert sign_in(client, isro).status_code == 302
    return client


def test_a_picture_is_kept_in_the_bucket_and_served_with_the_same_headers(
        s3_app, child, objects, seaweedfs, bucket):
    assert _send(s3_app, "picture", png_bytes((200, 150)), "me.png").status_code == 302

    stored = _stored(s3_app)
    assert objects() == {stored.name, stored.thumbnail_name}
    kept = seaweedfs[1].get_object(Bucket=bucket, Key=PREFIX + stored.name)["Body"].read()
    response = _staff(s3_app, child["isro"]).get(f"/files/{_submission_id(s3_app)}/full")
    assert response.status_code == 200
    assert response.data == kept and len(kept) == stored.size_bytes
    assert response.mimetype == stored.content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == SANDBOX_POLICY
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response.headers["Content-Disposition"].startswith("inline; filename=my-say-")
    assert response.headers["Accept-Ranges"] == "bytes" and response.headers["ETag"]


def test_a_voice_note_is_served_back_whole_and_in_ranges(s3_app, child, objects):
    assert _send(s3_app, "voice", _wav(), "note.wav").status_code == 302
    stored = _stored(s3_app)
    assert objects() == {stored.name}
    staff = _staff(s3_app, child["isro"])
    url = f"/files/{_submission_id(s3_app)}/full"

    whole = staff.get(url)
    part = staff.get(url, headers={"Range": "bytes=100-199"})
    tail = staff.get(url, headers={"Range": f"bytes={stored.size_bytes - 10}-"})

    assert whole.status_code == 200 and whole.mimetype == "audio/wav"
    assert len(whole.data) == stored.size_bytes
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-199/{stored.size_bytes}"
    assert part.data == whole.data[100:200]
    assert tail.status_code == 206 and tail.data == whole.data[-10:]
    assert part.headers["Content-Security-Policy"] == SANDBOX_POLICY
    assert staff.get(url, headers={"If-None-Match": whole.headers["ETag"]}).status_code == 304
    # Past the end: werkzeug's 416, which the portal's error pages answer as a plain 400.
    assert staff.get(url, headers={"Range": f"bytes={stored.size_bytes + 5}-"}
                     ).status_code == 400


def test_a_failed_commit_leaves_no_object(s3_app, child, objects, monkeypatch):
    from portal.consultations import operations

    def fails(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(operations, "send", fails)
    with pytest.raises(RuntimeError, match="went away"):
        _send(s3_app, "picture", png_bytes(), "me.png")
    assert objects() == set()
    with s3_app.app_context():
        assert db.session().scalars(select(StoredFile)).all() == []


def test_sweep_uploads_lists_an_orphan_object_and_delete_removes_it(
        s3_app, child, objects, seaweedfs, bucket):
    assert _send(s3_app, "picture", png_bytes(), "me.png").status_code == 302
    orphan = "ab" + "0" * 30 + ".jpg"
    seaweedfs[1].put_object(Bucket=bucket, Key=PREFIX + orphan, Body=b"left by a crash")
    runner = s3_app.test_cli_runner()

    listed = runner.invoke(args=["sweep-uploads"])
    assert listed.exit_code == 0, listed.output
    assert f"orphan {PREFIX}{orphan}" in listed.output and "1 orphan file(s)" in listed.output
    assert orphan in objects()

    deleted = runner.invoke(args=["sweep-uploads", "--delete"])
    assert deleted.exit_code == 0, deleted.output
    stored = _stored(s3_app)
    assert objects() == {stored.name, stored.thumbnail_name}  # the picture stays


def test_retention_deletes_the_objects_with_the_row(s3_app, child, objects):
    assert _send(s3_app, "picture", png_bytes(), "me.png").status_code == 302
    stored = _stored(s3_app)
    assert objects() == {stored.name, stored.thumbnail_name}
    with s3_app.app_context():
        db.session().execute(update(Submission).values(
            exported_at=clock.now() - timedelta(days=120)))
        db.session().commit()

    result = s3_app.test_cli_runner().invoke(args=["retention", "--apply"])

    assert result.exit_code == 0, result.output
    assert objects() == set()
    with s3_app.app_context():
        assert db.session().scalars(select(StoredFile)).all() == []


def test_a_store_that_cannot_be_reached_is_unavailable_not_a_crash(s3_credentials):
    store = S3Store("s3://nowhere/uploads", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(StoreUnavailable):
        store.save(b"bytes", "jpg")


@pytest.mark.parametrize(("url", "expected"), [
    ("s3://bucket/some/prefix", ("bucket", "some/prefix/")),
    ("s3://bucket", ("bucket", "")),
    ("s3://bucket/", ("bucket", "")),
])
def test_storage_urls_name_a_bucket_and_a_prefix(url, expected):
    assert parse_url(url) == expected


@pytest.mark.parametrize("url", ["/srv/uploads", "https://bucket/x", "s3:///prefix"])
def test_a_storage_url_that_is_not_s3_is_refused_at_start(url, test_config):
    with pytest.raises(ConfigError, match="PORTAL_STORAGE_URL"):
        replace(test_config, storage_url=url).resolved()


def test_the_storage_settings_come_from_the_environment(tmp_path):
    from portal.config import Config

    config = Config.from_env({"PORTAL_STORAGE_URL": "s3://b/p",
                              "PORTAL_S3_ENDPOINT_URL": "http://127.0.0.1:8333",
                              "PORTAL_INSTANCE_DIR": str(tmp_path)})
    assert (config.storage_url, config.s3_endpoint_url) == ("s3://b/p",
                                                            "http://127.0.0.1:8333")
    assert Config.from_env({"PORTAL_INSTANCE_DIR": str(tmp_path)}).storage_url is None


def test_retention_finds_an_old_orphan_object_and_removes_only_it(
        s3_app, child, objects, seaweedfs, bucket, monkeypatch):
    """Retention's "files no record names" looks in the bucket when uploads are objects,
    not only in the upload folder: an object left by a crash an hour ago is planned and
    removed; the picture a row names stays."""
    from portal import retention

    assert _send(s3_app, "picture", png_bytes(), "me.png").status_code == 302
    orphan = "cd" + "1" * 30 + ".jpg"
    seaweedfs[1].put_object(Bucket=bucket, Key=PREFIX + orphan, Body=b"left by a crash")
    runner = s3_app.test_cli_runner()
    fresh = runner.invoke(args=["retention"])  # just written: too new to be a leftover
    assert fresh.exit_code == 0 and "no record names: 0" in fresh.output, \
        fresh.output
    monkeypatch.setattr(retention, "ORPHAN_AFTER_SECONDS", -60)  # now it is "old enough"
    planned = runner.invoke(args=["retention"])
    assert "no record names: 1" in planned.output, planned.output
    applied = runner.invoke(args=["retention", "--apply"])
    assert applied.exit_code == 0, applied.output
    stored = _stored(s3_app)
    assert objects() == {stored.name, stored.thumbnail_name}
