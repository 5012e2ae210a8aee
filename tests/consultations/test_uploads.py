"""Drawings, photos and voice notes through the one upload pipeline, shown only to those
allowed."""
import io
import wave

import pytest
from PIL import Image
from sqlalchemy import func, select

from portal import db
from portal.accounts.models import Role
from portal.consultations.models import Submission
from portal.media.models import StoredFile
from tests.helpers import post_form, sign_in


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (800, 600), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 27.0, 0.0), "W", (2.0, 35.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def _wav(seconds=2) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(8000)
        w.writeframes(b"\x80" * 8000 * seconds)
    return buffer.getvalue()


@pytest.fixture
def family(make):
    isro = make.account(Role.ISRO)
    carer = make.account(Role.CARER)
    other_carer = make.account(Role.CARER)
    child = make.child(11, isro=isro, username="artist11", name="Mia")
    other = make.child(12, isro=isro, username="other12", name="Leo")
    make.link(carer, child)
    make.link(other_carer, other)
    return {"isro": isro, "carer": carer, "other_carer": other_carer, "child": child,
            "other": other}


def _send_picture(client, data, name="photo.jpg", **fields):
    return post_form(client, "/my-say/picture", {
        "file": (io.BytesIO(data), name), "title": fields.get("title", "My room"),
        "words": fields.get("words", "This is my room"),
        "visibility": fields.get("visibility", "isro")},
        content_type="multipart/form-data")


def _counts(app):
    with app.app_context():
        files = db.session().scalar(select(func.count()).select_from(StoredFile))
        items = db.session().scalar(select(func.count()).select_from(Submission))
    stored = [p for p in app.config["PORTAL"].upload_dir.rglob("*") if p.is_file()]
    return files, items, len(stored)


def test_a_photo_with_gps_is_stored_with_no_exif_at_all(app, family):
    client = app.test_client()
    sign_in(client, "artist11")
    response = _send_picture(client, _jpeg_with_gps())
    assert response.status_code == 302
    with app.app_context():
        stored = db.session().scalars(select(StoredFile)).one()
        path = app.config["PORTAL"].upload_dir
        data = next(p for p in path.rglob("*") if p.name == stored.name).read_bytes()
    assert Image.open(io.BytesIO(data)).getexif() == {}
    assert b"Exif" not in data and b"PhoneMaker" not in data


@pytest.mark.parametrize(("name", "data"), [
    ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("photo.jpg", b"<!doctype html><html><script>alert(1)</script></html>"),
    ("photo.jpg", _jpeg_with_gps()[:2000]),
    ("photo.jpg", b""),
])
def test_refused_uploads_say_what_works_keep_the_words_and_leave_nothing(app, family, name, data):
    client = app.test_client()
    sign_in(client, "artist11")
    before = _counts(app)
    response = _send_picture(client, data, name, title="Keep this title")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "JPEG" in page and "HEIC" in page
    assert 'value="Keep this title"' in page
    assert _counts(app) == before


def test_a_huge_image_is_refused(app, family):
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, "PNG")
    client = app.test_client()
    sign_in(client, "artist11")
    response = _send_picture(client, buffer.getvalue(), "big.png")
    assert response.status_code == 200 and "too big" in response.get_data(as_text=True)
    assert _counts(app)[0] == 0


def test_a_database_failure_leaves_no_orphan_file(app, family, monkeypatch):
    from portal.consultations import operations

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(operations, "send", broken)
    client = app.test_client()
    sign_in(client, "artist11")
    app.testing = False
    try:
        response = _send_picture(client, _jpeg_with_gps())
    finally:
        app.testing = True
    assert response.status_code == 500
    assert _counts(app) == (0, 0, 0)


def test_only_the_people_allowed_can_fetch_a_picture(app, family, make, signed_in):
    client = app.test_client()
    sign_in(client, "artist11")
    _send_picture(client, _jpeg_with_gps(), visibility="isro")
    with app.app_context():
        item = db.session().scalars(select(Submission)).one()
    url = f"/files/{item.id}/full"
    assert client.get(url).status_code == 200
    assert client.get(url + "?download=1").headers["Content-Disposition"].startswith("attachment")
    other_child = app.test_client()
    sign_in(other_child, "other12")
    assert other_child.get(url).status_code == 404
    assert signed_in(family["carer"]).get(url).status_code == 404  # not shared with carers
    assert signed_in(family["other_carer"]).get(url).status_code == 404
    assert app.test_client().get(url).status_code == 302  # signed out: to sign-in
    staff = signed_in(family["isro"])
    response = staff.get(url)
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.mimetype == "image/jpeg"
    not_allocated = signed_in(make.account(Role.ISRO))
    assert not_allocated.get(url).status_code == 404


def test_a_carer_sees_a_picture_only_when_the_child_shares_it(app, family, signed_in):
    client = app.test_client()
    sign_in(client, "artist11")
    _send_picture(client, _jpeg_with_gps(), visibility="isro_and_carer")
    with app.app_context():
        item = db.session().scalars(select(Submission)).one()
    assert signed_in(family["carer"]).get(f"/files/{item.id}/thumb").status_code == 200


def test_the_isro_sees_the_picture_and_the_view_is_audited(app, family, signed_in):
    from portal.audit import AuditEvent

    client = app.test_client()
    sign_in(client, "artist11")
    _send_picture(client, _jpeg_with_gps())
    staff = signed_in(family["isro"])
    page = staff.get(f"/children/{family['child'].id}").get_data(as_text=True)
    assert "My room" in page and "/thumb" in page
    thing = page.split('href="/things/')[1].split('"')[0]
    assert "This is my room" in staff.get(f"/things/{thing}").get_data(as_text=True)
    assert staff.get(f"/files/{thing}/thumb").status_code == 200
    with app.app_context():
        actions = db.session().scalars(select(AuditEvent.action)).all()
    assert "staff.viewed_submission" in actions and "staff.viewed_file" in actions


def test_a_voice_note_is_sent_and_played_in_the_page(app, family, signed_in):
    client = app.test_client()
    sign_in(client, "artist11")
    response = post_form(client, "/my-say/voice", {
        "file": (io.BytesIO(_wav()), "note.wav"), "title": "Hello", "visibility": "isro"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    staff = signed_in(family["isro"])
    page = staff.get(f"/children/{family['child'].id}").get_data(as_text=True)
    thing = page.split('href="/things/')[1].split('"')[0]
    html = staff.get(f"/things/{thing}").get_data(as_text=True)
    assert "<audio controls" in html
    audio = staff.get(f"/files/{thing}/full")
    assert audio.status_code == 200 and audio.mimetype.startswith("audio/")


def test_a_text_file_is_not_a_voice_note(app, family):
    client = app.test_client()
    sign_in(client, "artist11")
    response = post_form(client, "/my-say/voice", {
        "file": (io.BytesIO(b"hello, this is not audio"), "note.mp3"), "visibility": "isro"},
        content_type="multipart/form-data")
    assert response.status_code == 200 and "<title>Error:" in response.get_data(as_text=True)


def test_my_things_lists_what_i_sent_and_who_sees_it(app, family):
    client = app.test_client()
    sign_in(client, "artist11")
    _send_picture(client, _jpeg_with_gps(), visibility="isro_and_carer")
    post_form(client, "/my-say/poem", {"text": "Roses", "visibility": "isro"})
    page = client.get("/my-things").get_data(as_text=True)
    assert "A picture" in page and "A poem or story" in page
    # Who can see each thing, and (until someone opens it) that nobody has read it yet;
    # for an 11-year-old, in plain words: the ISRO's first name, not "your ISRO".
    officer = family["isro"].display_name.split()[0]
    assert f"{officer} and your carer can see this. {officer} has not read it yet." in page
    assert f"{officer} can see this. Nobody has read it yet." in page
    assert "ISRO" not in page.split("<main")[1].split("</main>")[0]
