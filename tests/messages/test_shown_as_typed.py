"""A child's words reach staff exactly as typed: nothing hidden, nothing changed, on every
staff page and in the PDF bundle."""
import html
import io
import re

import pytest
from pypdf import PdfReader

from portal.accounts.models import Role

TRICKY = "mum <!-- dad hits me &lt;3"


@pytest.fixture
def people(make):
    isro = make.account(Role.ISRO, name="Priya Shah", email="priya@council.example")
    child = make.child(13, isro=isro, username="sam13", name="Sam")
    return {"isro": isro, "child": child}


def _text(page_html: str) -> str:
    """What a person reads: tags gone, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page_html))


def _staff_pages(client, people, message):
    child_id = people["child"].id
    return {
        "conversation": client.get(f"/conversations/{message.conversation_id}"),
        "child's page": client.get(f"/children/{child_id}"),
        "safety page": client.get("/safety"),
    }


def test_a_comment_opener_and_an_entity_show_exactly_as_typed_on_every_staff_page(
        people, make, signed_in):
    message = make.message(people["child"], TRICKY)
    isro = signed_in(people["isro"])
    for name, response in _staff_pages(isro, people, message).items():
        assert response.status_code == 200, name
        page = response.get_data(as_text=True)
        assert TRICKY in _text(page), name
        assert "mum &lt;!-- dad hits me &amp;lt;3" in page, name  # escaped, not parsed


def test_the_pdf_bundle_shows_the_message_exactly_as_typed(people, make, signed_in):
    make.message(people["child"], TRICKY)
    response = signed_in(people["isro"]).get(f"/children/{people['child'].id}/bundle.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert TRICKY in " ".join(text.split())


@pytest.mark.parametrize("typed", [
    "<script>alert('hi')</script> he hits me",
    "<b>not bold</b> &amp; &#x41; &nbsp;",
    "I'm \"fine\" > ok < really",
    "😢💔 he hurt me 🙁",
    "line one\nline two\n\n  indented line",
    "x" * 3990 + " end",
])
def test_hostile_and_unusual_text_is_shown_as_typed(people, make, signed_in, typed):
    message = make.message(people["child"], typed)
    page = signed_in(people["isro"]).get(
        f"/conversations/{message.conversation_id}").get_data(as_text=True)
    assert typed in _text(page)
    assert "<script>alert" not in page and "<b>not bold" not in page


def test_reordering_controls_are_shown_to_staff_not_obeyed(people, make, signed_in):
    message = make.message(people["child"], "he \u202ehits me\u202c ok")
    page = signed_in(people["isro"]).get(
        f"/conversations/{message.conversation_id}").get_data(as_text=True)
    assert "\u202e" not in page and "\u202c" not in page
    assert '<span class="bidi-control" title="U+202E">[RLO]</span>hits me' in page
    assert '[PDF]</span> ok' in page


def test_the_child_sees_their_own_words_unchanged(app, people, make):
    from tests.helpers import sign_in

    make.message(people["child"], "he \u202ehits me\u202c ok")
    kid = app.test_client()
    sign_in(kid, "sam13")
    page = kid.get(f"/messages/about/{people['child'].id}").get_data(as_text=True)
    assert "he \u202ehits me\u202c ok" in page


def test_a_nul_is_kept_visible_and_never_breaks_sending(app, people, signed_in):
    from tests.helpers import post_form, sign_in

    kid = app.test_client()
    sign_in(kid, "sam13")
    response = post_form(kid, f"/messages/about/{people['child'].id}",
                         {"body": "before\x00after"}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = signed_in(people["isro"]).get("/inbox").get_data(as_text=True)
    link = re.search(r'href="(/conversations/\d+)"', page).group(1)
    shown = signed_in(people["isro"]).get(link).get_data(as_text=True)
    assert "before\u2400after" in shown


def test_a_4000_character_message_is_refused_kindly_and_kept(app, people):
    from tests.helpers import post_form, sign_in

    kid = app.test_client()
    sign_in(kid, "sam13")
    long = "I want to tell you " + "a" * 4000
    response = post_form(kid, f"/messages/about/{people['child'].id}", {"body": long},
                         content_type="multipart/form-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Please write less than 2000 characters" in page
    assert long in html.unescape(page)  # nothing the child typed is lost
