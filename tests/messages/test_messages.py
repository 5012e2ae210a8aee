"""A child and their ISRO talk in My Say; a child who may be unsafe goes to the top."""
import html
import io
import re

import pytest

from portal import db
from portal.accounts.models import Role
from tests.helpers import png_bytes, post_form, sign_in


@pytest.fixture
def people(make):
    isro = make.account(Role.ISRO, name="Priya Shah", email="priya@council.example")
    carer = make.account(Role.CARER)
    child = make.child(12, isro=isro, username="writer12", name="Mia")
    calm = make.child(13, isro=isro, username="calm13", name="Leo")
    make.link(carer, child)
    return {"isro": isro, "carer": carer, "child": child, "calm": calm}


def _child_client(app, username="writer12"):
    client = app.test_client()
    sign_in(client, username)
    return client


def _write(client, child_id, body, **extra):
    data = {"body": body, **extra}
    return post_form(client, f"/messages/about/{child_id}", data,
                     content_type="multipart/form-data")


def test_a_child_sends_a_drawing_the_isro_replies_and_the_unread_count_clears(
        app, people, signed_in):
    kid = _child_client(app)
    response = _write(kid, people["child"].id, "Here is my drawing",
                      attachment=(io.BytesIO(png_bytes()), "me.png"))
    assert response.status_code == 302
    staff = signed_in(people["isro"])
    inbox = staff.get("/inbox").get_data(as_text=True)
    assert "Mia" in inbox and "1 new" in inbox
    conversation = re.search(r'href="/conversations/(\d+)"', inbox).group(1)
    page = staff.get(f"/conversations/{conversation}").get_data(as_text=True)
    assert "Here is my drawing" in page and "<img" in page and "Written in English" in page
    post_form(staff, f"/conversations/{conversation}", {"body": "Thank you, I love it"})
    home = kid.get("/").get_data(as_text=True)
    assert "1 new reply" in home
    thread = kid.get(f"/messages/about/{people['child'].id}").get_data(as_text=True)
    assert "Thank you, I love it" in thread
    assert "new reply" not in kid.get("/").get_data(as_text=True)


@pytest.mark.parametrize("words", ["I'm scared to go home", "أنا خائف من البيت"])
def test_worrying_words_in_english_or_arabic_put_the_child_first(app, people, signed_in, words):
    _write(_child_client(app, "calm13"), people["calm"].id, "Football was good today")
    _write(_child_client(app), people["child"].id, words)
    _write(_child_client(app, "calm13"), people["calm"].id, "And I got a goal")
    staff = signed_in(people["isro"])
    inbox = staff.get("/inbox").get_data(as_text=True)
    rows = re.findall(r"<tr[^>]*>.*?</tr>", inbox, re.S)[1:]
    assert "Mia" in rows[0] and "Flagged" in rows[0] and "Flagged" not in rows[1]
    page = staff.get(f"/children/{people['child'].id}").get_data(as_text=True)
    assert "1 safety flag" in page
    assert words in html.unescape(staff.get(re.search(r'href="(/conversations/\d+)"', inbox)
                                            .group(1)).get_data(as_text=True))  # unchanged


def test_a_child_can_tick_i_dont_feel_safe(app, people, make):
    _write(_child_client(app), people["child"].id, "Can we talk", feels_unsafe="y")
    assert len(make.open_flag_ids(people["child"])) == 1


def test_a_flag_clears_only_with_a_note(app, people, make, signed_in):
    make.message(people["child"], "he hits me")
    flag_id = make.open_flag_ids(people["child"])[0]
    staff = signed_in(people["isro"])
    post_form(staff, f"/flags/{flag_id}/clear", {"note": "   "},
              page=f"/children/{people['child'].id}")
    assert make.open_flag_ids(people["child"]) == [flag_id]
    post_form(staff, f"/flags/{flag_id}/clear", {"note": "Phoned Mia and her social worker"},
              page=f"/children/{people['child'].id}")
    assert make.open_flag_ids(people["child"]) == []


def test_a_form_answer_with_worrying_words_is_flagged(app, people, make):
    kid = _child_client(app)
    post_form(kid, "/my-say/form/start", {}, page="/my-say")
    post_form(kid, "/my-say/form/worries", {"answer": "Someone at home hurts me",
                                            "action": "next"})
    post_form(kid, "/my-say/form/send", {}, page="/my-say/form/check")
    assert len(make.open_flag_ids(people["child"])) == 1


def test_a_carer_cannot_read_the_childs_private_conversation(app, people, make, signed_in):
    message = make.message(people["child"], "Only for my ISRO")
    carer = signed_in(people["carer"])
    assert carer.get(f"/conversations/{message.conversation_id}").status_code == 403
    assert carer.get(f"/message-files/{message.conversation_id}/{message.id}").status_code == 404
    own_thread = carer.get(f"/messages/about/{people['child'].id}").get_data(as_text=True)
    assert "Only for my ISRO" not in own_thread


def test_an_isro_not_allocated_cannot_read_it_and_after_reallocation_the_new_one_can(
        app, people, make, signed_in):
    message = make.message(people["child"], "Hello Priya")
    newcomer = make.account(Role.ISRO)
    url = f"/conversations/{message.conversation_id}"
    assert signed_in(newcomer).get(url).status_code == 404
    with app.app_context():
        from portal.accounts.models import Child

        db.session().get(Child, people["child"].id).isro_id = newcomer.id
        db.session().commit()
    page = signed_in(newcomer).get(url)
    assert page.status_code == 200 and "Hello Priya" in page.get_data(as_text=True)
    assert signed_in(people["isro"]).get(url).status_code == 404


def test_markup_in_a_message_shows_as_text(app, people, make, signed_in):
    message = make.message(people["child"], "<img src=x onerror=alert(1)>")
    page = signed_in(people["isro"]).get(f"/conversations/{message.conversation_id}")
    html = page.get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    assert re.search(r'<bdi dir="auto"[^>]*>&lt;img', html)


def test_the_email_to_staff_has_no_childs_name_or_words(app, people, make):
    make.message(people["child"], "I am scared of Mr Brown")
    outbox = app.config["PORTAL"].instance_dir / "outbox"
    emails = [p.read_text() for p in outbox.glob("*.eml")]
    assert emails, "an email was written to the outbox"
    latest = emails[-1]
    assert "priya@council.example" in latest and "a child may be unsafe" in latest.lower()
    for secret in ("Mia", "scared", "Brown"):
        assert secret not in latest


def test_sending_is_throttled_with_a_friendly_page(app, people):
    kid = _child_client(app)
    for n in range(10):
        assert _write(kid, people["child"].id, f"message {n}").status_code == 302
    response = _write(kid, people["child"].id, "one too many")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "You have sent a lot in a short time" in page
    assert "one too many</textarea>" in page  # what the child typed is still there


def test_every_messaging_page_says_what_to_do_in_danger(app, people, make, signed_in):
    message = make.message(people["child"], "hi")
    kid_page = _child_client(app).get(f"/messages/about/{people['child'].id}")
    for page in (kid_page.get_data(as_text=True),
                 signed_in(people["carer"]).get("/messages").get_data(as_text=True)):
        assert "Call 999" in page and "0800 1111" in page and "at weekends" in page
    assert message


def test_messages_record_their_language(app, people, make, signed_in):
    message = make.message(people["child"], "مرحبا", language="ar")
    page = signed_in(people["isro"]).get(f"/conversations/{message.conversation_id}")
    assert "Written in العربية" in page.get_data(as_text=True)


def test_meet_your_isro(app, people, signed_in):
    staff = signed_in(people["isro"])
    response = post_form(staff, "/profile", {
        "about": "I help children be heard at their reviews.", "working_hours": "Mon–Thu",
        "photo": (io.BytesIO(png_bytes((300, 300))), "me.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    page = _child_client(app).get("/meet-your-isro").get_data(as_text=True)
    assert "Priya Shah" in page and "I help children be heard" in page and "Mon–Thu" in page
    photo = re.search(r'src="(/isro/\d+/photo)"', page).group(1)
    assert _child_client(app).get(photo).status_code == 200
