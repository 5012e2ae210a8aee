"""Stored files go back out with their own type, no sniffing, no scripts and no caching."""
from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from portal.media.serving import SANDBOX_POLICY, safe_download_name, send_stored
from portal.media.storage import FileStore


@pytest.fixture
def store(tmp_path):
    return FileStore(tmp_path / "uploads")


def test_picture_is_sent_inline_with_defensive_headers(app, store):
    name = store.save(b"\xff\xd8\xff jpeg bytes", "jpg")

    with app.test_request_context(f"/files/{name}"):
        response = send_stored(store, name, "image/jpeg", download_name="My drawing.png")
        response.direct_passthrough = False
        body = response.get_data()
        response = app.process_response(response)  # the app's own after_request hooks too

    assert body == b"\xff\xd8\xff jpeg bytes"
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; media-src 'self'; img-src 'self'; sandbox") == SANDBOX_POLICY
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response.headers["Content-Disposition"] == "inline; filename=My-drawing.jpg"


def test_voice_note_can_be_fetched_in_ranges_for_seeking(app, store):
    name = store.save(bytes(range(100)), "webm")

    with app.test_request_context(headers={"Range": "bytes=10-19"}):
        response = send_stored(store, name, "audio/webm")
        response.direct_passthrough = False

    assert response.status_code == 206
    assert response.headers["Content-Range"] == "bytes 10-19/100"
    assert response.get_data() == bytes(range(10, 20))
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Security-Policy"] == SANDBOX_POLICY


def test_download_is_an_attachment_with_a_safe_ascii_name(app, store):
    name = store.save(b"RIFF....WAVE", "wav")

    with app.test_request_context():
        response = send_stored(store, name, "audio/wav", download_name="../صوت Amira's\r\n.exe",
                               as_attachment=True)

    assert response.headers["Content-Disposition"] == "attachment; filename=Amira-s.wav"


def test_a_type_that_could_run_script_is_only_ever_downloaded(app, store):
    name = store.save(b"<script>alert(1)</script>", "jpg")

    with app.test_request_context():
        response = send_stored(store, name, "text/html")

    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_missing_or_made_up_file_is_not_found(app, store):
    with app.test_request_context(), pytest.raises(NotFound):
        send_stored(store, "0" * 32 + ".jpg", "image/jpeg")
    with app.test_request_context(), pytest.raises(NotFound):
        send_stored(store, "../../etc/passwd", "image/jpeg")


@pytest.mark.parametrize(("wanted", "expected"), [
    (None, "file.jpg"),
    ("Amira's drawing <script>.png", "Amira-s-drawing-script.jpg"),
    ("دارا.jpg", "file.jpg"),
    ("C:\\Users\\kid\\été.JPG", "ete.jpg"),
    ("a" * 200 + ".jpg", "a" * 60 + ".jpg"),
])
def test_download_names_are_plain_ascii_with_the_stored_extension(wanted, expected):
    assert safe_download_name(wanted, "0" * 32 + ".jpg") == expected
