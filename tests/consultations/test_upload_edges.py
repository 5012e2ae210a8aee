"""Every upload takes one path: limited per person, a full disk a clear message on every
form (message attachments and the ISRO's photo too), and nothing typed is lost."""
import io

import pytest
from sqlalchemy import func, select

from portal import db
from portal.accounts.models import Role
from portal.media import storage
from portal.media.models import StoredFile
from tests.helpers import png_bytes, post_form, sign_in


@pytest.fixture
def people(make):
    isro = make.account(Role.ISRO, name="Priya Shah")
    child = make.child(11, isro=isro, username="artist11", name="Mia")
    return {"isro": isro, "child": child}


def _kid(app):
    client = app.test_client()
    sign_in(client, "artist11")
    return client


def _poem(client, text, title="Poem"):
    return post_form(client, "/my-say/poem", {"title": title, "text": text,
                                               "visibility": "isro"})


def _picture(client, title="My room"):
    return post_form(client, "/my-say/picture", {
        "file": (io.BytesIO(png_bytes()), "me.png"), "title": title, "words": "my room",
        "visibility": "isro"}, content_type="multipart/form-data")


def test_poems_are_limited_and_the_throttled_one_is_kept_on_the_page(app, people):
    kid = _kid(app)
    answers = [_poem(kid, f"poem number {n}") for n in range(12)]
    assert [a.status_code for a in answers[:10]] == [302] * 10
    assert answers[10].status_code == 429
    page = answers[10].get_data(as_text=True)
    assert "You have sent a lot in a short time" in page and "poem number 10</textarea>" in page


def test_a_throttled_poem_with_safety_words_still_goes_through_and_flags(app, people, make):
    kid = _kid(app)
    for n in range(10):
        _poem(kid, f"poem number {n}")
    assert _poem(kid, "nobody knows he hits me at night").status_code == 302
    assert make.open_flag_ids(people["child"])


def test_pictures_are_limited_too(app, people):
    kid = _kid(app)
    answers = [_picture(kid, f"drawing {n}") for n in range(11)]
    assert [a.status_code for a in answers] == [302] * 10 + [429]
    assert 'value="drawing 10"' in answers[10].get_data(as_text=True)


def _full_disk(monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.tempfile, "mkstemp", full)


def test_a_full_disk_while_attaching_to_a_message_keeps_the_message_text(app, people,
                                                                        monkeypatch):
    kid = _kid(app)
    _full_disk(monkeypatch)
    response = post_form(kid, f"/messages/about/{people['child'].id}", {
        "body": "here is my drawing", "attachment": (io.BytesIO(png_bytes()), "me.png")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "We could not save that just now" in page and "here is my drawing</textarea>" in page
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(StoredFile)) == 0


def test_a_full_disk_while_saving_the_isro_photo_is_a_clear_message(app, people, signed_in,
                                                                    monkeypatch):
    isro = signed_in(people["isro"])
    _full_disk(monkeypatch)
    response = post_form(isro, "/profile", {
        "about": "I help children be heard", "working_hours": "Mon-Thu",
        "photo": (io.BytesIO(png_bytes((300, 300))), "me.png")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "We could not save that just now" in page and "I help children be heard" in page


def test_a_commit_that_fails_after_the_file_is_written_leaves_no_file(app, people,
                                                                     monkeypatch):
    from portal.messages import operations

    kid = _kid(app)

    def fails(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(operations, "_write", fails)
    with pytest.raises(RuntimeError, match="went away"):  # tests see the error itself
        post_form(kid, f"/messages/about/{people['child'].id}", {
            "body": "with a picture", "attachment": (io.BytesIO(png_bytes()), "me.png")},
            content_type="multipart/form-data")
    files = [p for p in app.config["PORTAL"].upload_dir.rglob("*") if p.is_file()]
    assert files == []
