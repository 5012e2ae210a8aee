"""A child's own file: everything they sent and everything written to them, as one zip
with an index.html that works offline; and a manager's export of it for a subject access
request, with the reason in the audit trail."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from html.parser import HTMLParser
from posixpath import dirname, join, normpath

import pytest
from markupsafe import escape
from PIL import Image
from sqlalchemy import select

from portal import clock, db
from portal.accounts.models import Account, Child, Role
from portal.audit import AuditEvent
from portal.consultations import operations as consultations
from portal.consultations.models import Kind, Submission, Visibility
from portal.consultations.questionnaires import QUESTIONNAIRES, TEXT
from portal.media.serving import app_store
from portal.messages import operations as messages
from portal.messages import queries as conversations
from portal.reviews import operations as reviews
from portal.reviews.models import Letter
from tests.helpers import csrf_token, png_bytes, post_form
from tests.media import builders

POEM_TITLE = "Me & <my> cat"
POEM = "Roses <b>are</b> red &lt; blue\n  & my \"cat\" is 'grey'\n<script>alert(1)</script>"
CAPTION = "This is <i>my</i> room"
MESSAGE = "Hello <u>ISRO</u> &amp; hi"
REPLY = "Thanks for writing, <Sam>."
FORM_ANSWER = "Living here is <em>good</em> & calm"
LETTER_V1 = "First version of the letter."
LETTER_V2 = "You told me about <school> & your friends."
PLAN = "Sam goes to <football> on Saturdays"
OTHER_POEM = "Leo's own secret poem"
OTHER_MESSAGE = "Leo's own message to the ISRO"


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, 0)


def _form_question_ids() -> tuple[str, str]:
    questions = QUESTIONNAIRES["8-12"].questions
    text = next(q for q in questions if q.kind == TEXT and q.show_if is None)
    choice = next(q for q in questions if q.id == "where")
    return text.id, choice.id


def _send_everything(app, make, child: Child, isro: Account) -> None:
    """A poem, a picture, a voice note, a form, a message with a reply, a letter (two
    versions) and the plans agreed: each on its own day in November 2026."""
    with clock.fixed(at(3)), app.app_context():
        child = db.session().merge(child)
        consultations.add_poem(child, child.account, POEM_TITLE, POEM, Visibility.ISRO, "en")
        db.session().commit()
    with clock.fixed(at(3, 11)), app.app_context():
        child = db.session().merge(child)
        consultations.add_file(child, child.account, Kind.PICTURE,
                               builders.jpeg(builders.photo((640, 480))),
                               title="My room", words=CAPTION)
    with clock.fixed(at(4)), app.app_context():
        child = db.session().merge(child)
        consultations.add_file(child, child.account, Kind.VOICE, builders.wav(1.5),
                               title="Hello from me")
    with clock.fixed(at(5)), app.app_context():
        child = db.session().merge(child)
        form = consultations.start_form(child, child.account, "8-12")
        text_id, choice_id = _form_question_ids()
        questionnaire = QUESTIONNAIRES["8-12"]
        consultations.save_answer(form, questionnaire.question(text_id), FORM_ANSWER,
                                  "answered")
        consultations.save_answer(form, questionnaire.question(choice_id), "online",
                                  "answered")
        consultations.send(form)
        db.session().commit()
    with clock.fixed(at(6)):
        message = make.message(child, MESSAGE, attachment=png_bytes())
    with clock.fixed(at(6, 12)), app.app_context():
        conversation = conversations.conversation(message.conversation_id)
        messages.send(conversation, db.session().merge(isro), REPLY)
    with clock.fixed(at(10)), app.app_context():
        child, isro = db.session().merge(child), db.session().merge(isro)
        review = reviews.add_review(child, date(2026, 11, 10))
        letter = reviews.record(review, isro, held_on=date(2026, 11, 10), child_attended=True,
                                attended="", code="PN1")
        db.session().flush()
        reviews.save_letter(letter, isro, sections={"told_me": LETTER_V1}, actions=[],
                            shared_with_carer=False, lock_version=letter.lock_version)
        reviews.publish_letter(letter, isro, "en")
        reviews.publish_plans(review, [PLAN], isro)
        db.session().commit()
    with clock.fixed(at(12)), app.app_context():
        letter = db.session().get(Letter, letter.id)
        reviews.save_letter(letter, letter.updated_by, sections={"told_me": LETTER_V2},
                            actions=[{"who": "Your <carer>", "what": "Book football",
                                      "by": "2026-12-01"}],
                            shared_with_carer=False, lock_version=letter.lock_version)
        reviews.publish_letter(letter, letter.updated_by, "en")
        db.session().commit()


@pytest.fixture
def family(app, make):
    isro = make.account(Role.ISRO)
    manager = make.account(Role.MANAGER)
    sam = make.child(12, isro=isro, username="sam.child")
    leo = make.child(13, isro=isro, username="leo.child", name="Leo")
    _send_everything(app, make, sam, isro)
    with clock.fixed(at(7)), app.app_context():
        leo = db.session().merge(leo)
        consultations.add_poem(leo, leo.account, "", OTHER_POEM, Visibility.ISRO, "en")
        db.session().commit()
    with clock.fixed(at(7)):
        make.message(leo, OTHER_MESSAGE)
    return {"isro": isro, "manager": manager, "sam": sam, "leo": leo}


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.targets


EXPECTED_NAMES = {
    "index.html",
    "01-poem-2026-11-03.txt",
    "pictures/02-2026-11-03.jpg",
    "voice/03-2026-11-04.wav",
    "04-form-2026-11-05.html",
    "messages/01-2026-11-06.jpg",
    "letters/01-letter-2026-11-12.html",
}


def test_a_childs_file_holds_everything_they_sent_and_everything_written_to_them(
        app, family, signed_in):
    client = signed_in(family["sam"].account)

    response = client.get("/my-things/my-say.zip")

    # Expected: one zip, a download never kept by a cache, with generated names only.
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-say.zip"'
    assert response.headers["Cache-Control"] == "private, no-store"
    archive = _zip(response)
    assert set(archive.namelist()) == EXPECTED_NAMES
    poem = archive.read("01-poem-2026-11-03.txt").decode("utf-8")
    assert poem == f"{POEM_TITLE}\n\n{POEM}"  # exactly as typed, nothing escaped or stripped
    # The picture at full size, the very bytes stored; the voice note as stored too.
    with app.app_context():
        stored = {s.kind: s.file for s in db.session().scalars(select(Submission).where(
            Submission.child_id == family["sam"].id, Submission.file_id.is_not(None)))}
        store = app_store()
        with store.open(stored[Kind.PICTURE].name) as picture:
            assert archive.read("pictures/02-2026-11-03.jpg") == picture.read()
        with store.open(stored[Kind.VOICE].name) as voice:
            assert archive.read("voice/03-2026-11-04.wav") == voice.read()
    assert Image.open(io.BytesIO(archive.read("pictures/02-2026-11-03.jpg"))).size == (640, 480)


def test_index_links_every_file_and_shows_words_exactly_as_typed(family, signed_in):
    archive = _zip(signed_in(family["sam"].account).get("/my-things/my-say.zip"))
    index = archive.read("index.html").decode("utf-8")

    # Expected: every file in the zip is linked from index.html, and every link or
    # picture on each page points at a file in the zip or a place on the same page.
    linked = {normpath(t) for t in _links(index) if not t.startswith("#")}
    assert linked == EXPECTED_NAMES - {"index.html"}
    for name in archive.namelist():
        if name.endswith(".html"):
            for target in _links(archive.read(name).decode("utf-8")):
                if not target.startswith("#"):
                    assert normpath(join(dirname(name), target)) in archive.namelist(), (
                        name, target)
    # Words as typed, escaped: the markup a child typed shows as text, never as markup.
    assert str(escape(POEM)) in index and str(escape(POEM_TITLE)) in index
    assert str(escape(CAPTION)) in index
    assert str(escape(MESSAGE)) in index and str(escape(REPLY)) in index
    assert "<b>are</b>" not in index and "&lt;b&gt;are&lt;/b&gt;" in index
    assert "&amp;lt; blue" in index
    assert str(escape(PLAN)) in index
    form = archive.read("04-form-2026-11-05.html").decode("utf-8")
    assert str(escape(FORM_ANSWER)) in form and "<em>good</em>" not in form
    assert "Online, on a video call" in form  # the choice, as the child saw it
    letter = archive.read("letters/01-letter-2026-11-12.html").decode("utf-8")
    assert str(escape(LETTER_V2)) in letter and LETTER_V1 not in letter  # the newest version
    assert "&lt;carer&gt;" in letter
    # Readable offline in any browser: no scripts, nothing from another site.
    for name in archive.namelist():
        if name.endswith(".html"):
            page = archive.read(name).decode("utf-8")
            assert "<script" not in page and "://" not in page, name
            assert "<style>" in page and 'rel="stylesheet"' not in page, name
            assert page.startswith("<!doctype html>\n<html lang=\"en-GB\" dir=\"ltr\">"), name


def test_a_childs_file_has_no_other_childs_things(family, signed_in):
    archive = _zip(signed_in(family["sam"].account).get("/my-things/my-say.zip"))
    everything = b"".join(archive.read(name) for name in archive.namelist())
    # Expected: Leo's poem and message are in Leo's file, and nowhere in Sam's.
    assert OTHER_POEM.encode() not in everything and OTHER_MESSAGE.encode() not in everything
    assert b"Leo" not in everything

    leos = _zip(signed_in(family["leo"].account).get("/my-things/my-say.zip"))
    leo_index = leos.read("index.html").decode("utf-8")
    assert str(escape(OTHER_POEM)) in leo_index and str(escape(OTHER_MESSAGE)) in leo_index
    assert str(escape(POEM)) not in leo_index and str(escape(MESSAGE)) not in leo_index
    assert sorted(leos.namelist()) == ["01-poem-2026-11-07.txt", "index.html"]


def test_my_things_links_to_the_download(family, signed_in):
    page = signed_in(family["sam"].account).get("/my-things").get_data(as_text=True)
    assert 'href="/my-things/my-say.zip"' in page


def test_the_file_is_in_the_childs_language(app, family, signed_in):
    with app.app_context():
        db.session().get(Account, family["sam"].account.id).language = "ar"
        db.session().commit()
    archive = _zip(signed_in(family["sam"].account).get("/my-things/my-say.zip"))
    # Expected: Arabic, right to left, on every page of the file.
    for name in archive.namelist():
        if name.endswith(".html"):
            assert '<html lang="ar" dir="rtl">' in archive.read(name).decode("utf-8"), name


def test_a_file_missing_from_the_store_is_listed_not_a_failure(app, family, signed_in):
    with app.app_context():
        picture = db.session().scalars(select(Submission).where(
            Submission.child_id == family["sam"].id, Submission.kind == Kind.PICTURE)).one()
        app_store().delete(picture.file.name)

    response = signed_in(family["sam"].account).get("/my-things/my-say.zip")

    # Expected: the rest of the file, and a line saying that picture could not be found.
    assert response.status_code == 200
    archive = _zip(response)
    assert set(archive.namelist()) == EXPECTED_NAMES - {"pictures/02-2026-11-03.jpg"}
    index = archive.read("index.html").decode("utf-8")
    assert "could not be found" in index and "pictures/02-2026-11-03.jpg" not in index


def test_a_child_cannot_use_the_staff_export_for_anyone(family, signed_in):
    client = signed_in(family["sam"].account)
    # Expected: refused for another child, and for their own record too (it is for staff).
    assert client.get(f"/children/{family['leo'].id}/export").status_code == 403
    assert client.get(f"/children/{family['sam'].id}/export").status_code == 403
    page = client.get(f"/children/{family['leo'].id}/export")
    assert page.mimetype != "application/zip"


def test_an_isro_cannot_export_a_childs_file(family, signed_in):
    client = signed_in(family["isro"])
    url = f"/children/{family['sam'].id}/export"
    token = csrf_token(client.get("/settings").get_data(as_text=True))
    # Expected: 403, even for a child on their own caseload.
    assert client.get(url).status_code == 403
    assert client.post(url, data={"csrf_token": token, "reason": "curious"}).status_code == 403


def _exports(app) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session().scalars(select(AuditEvent).where(
            AuditEvent.action == "staff.exported_child_file")))


def test_a_manager_export_needs_a_reason(app, family, signed_in):
    client = signed_in(family["manager"])
    url = f"/children/{family['sam'].id}/export"

    response = post_form(client, url, {"reason": "   "})

    # Expected: the form again with a clear message, no file, nothing in the audit trail.
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "<title>Error:" in html and "Enter why you are making this export" in html
    assert _exports(app) == []


def test_a_manager_export_writes_the_reason_to_the_audit_trail(app, family, signed_in):
    client = signed_in(family["manager"])
    url = f"/children/{family['sam'].id}/export"
    page = client.get(url)
    assert page.status_code == 200 and "Why are you making this export?" in page.get_data(
        as_text=True)
    reason = "Subject access request from Sam, received 1 December <by post>"

    response = post_form(client, url, {"reason": reason})

    # Expected: the same file the child gets, and one audit event with the reason.
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-say.zip"'
    assert response.headers["Cache-Control"] == "private, no-store"
    assert set(_zip(response).namelist()) == EXPECTED_NAMES
    events = _exports(app)
    with app.app_context():
        manager_id = db.session().scalar(select(Account.id).where(
            Account.username == family["manager"].username))
    assert [(e.actor_id, e.child_id, e.detail) for e in events] == [
        (manager_id, family["sam"].id, {"reason": reason})]


def test_a_manager_export_is_in_the_childs_language(app, family, make, signed_in):
    with app.app_context():
        db.session().get(Account, family["sam"].account.id).language = "ar"
        db.session().commit()
    # A child too young for a sign-in: the language on their record.
    ruby = make.child(2, isro=family["isro"], name="Ruby", language="ar")
    client = signed_in(family["manager"])

    for child in (family["sam"], ruby):
        response = post_form(client, f"/children/{child.id}/export",
                             {"reason": "Subject access request"})
        archive = _zip(response)
        # Expected: Arabic, right to left; Ruby's file has nothing yet, and says so.
        index = archive.read("index.html").decode("utf-8")
        assert '<html lang="ar" dir="rtl">' in index, child.preferred_name
    assert archive.namelist() == ["index.html"]


def test_the_childs_page_links_the_export_for_managers_only(family, signed_in):
    url = f"/children/{family['sam'].id}"
    link = f'href="/children/{family["sam"].id}/export"'
    assert link in signed_in(family["manager"]).get(url).get_data(as_text=True)
    assert link not in signed_in(family["isro"]).get(url).get_data(as_text=True)


def test_a_file_bigger_than_the_memory_limit_is_written_to_disk_and_still_whole(
        family, signed_in, monkeypatch):
    from portal.exports import builder

    monkeypatch.setattr(builder, "IN_MEMORY_BYTES", 1024)
    made = []
    real = builder.tempfile.SpooledTemporaryFile

    def spy(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(builder.tempfile, "SpooledTemporaryFile", spy)

    response = signed_in(family["sam"].account).get("/my-things/my-say.zip")

    # Expected: the zip went to a temporary file on disk, and nothing in it is cut short.
    assert made and made[0]._rolled
    archive = _zip(response)
    assert set(archive.namelist()) == EXPECTED_NAMES and archive.testzip() is None
