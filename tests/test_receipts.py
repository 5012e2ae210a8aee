"""Read receipts a child can trust: "Not read yet" until a named member of staff opens
what they sent, then who read it and on which day (issue 16, item 4)."""
import re
from datetime import UTC, datetime

import pytest

from portal import clock
from portal.accounts.models import Role
from tests.helpers import post_form, sign_in

# A Tuesday in office hours.
TUESDAY = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)


@pytest.fixture
def people(make):
    isro = make.account(Role.ISRO, name="Priya Shah")
    carer = make.account(Role.CARER, name="Jo Carer")
    child = make.child(12, isro=isro, username="sam12", name="Sam")
    make.link(carer, child)
    return {"isro": isro, "carer": carer, "child": child}


def _child(app):
    client = app.test_client()
    sign_in(client, "sam12")
    return client


def test_a_poem_is_not_read_until_the_isro_opens_it_then_says_who_and_when(
        app, people, signed_in):
    with clock.fixed(TUESDAY):
        kid = _child(app)
        post_form(kid, "/my-say/poem",
                  {"text": "My week\nwas long", "visibility": "isro_and_carer"})
        things = kid.get("/my-things").get_data(as_text=True)
        assert "Your ISRO has not read it yet" in things and "read this on" not in things
        thing_id = re.search(r'href="/things/(\d+)"', things).group(1)
        # The carer can see it too, but a carer opening it is not the ISRO reading it.
        signed_in(people["carer"]).get(f"/things/{thing_id}")
        assert "read this on" not in kid.get("/my-things").get_data(as_text=True)
        assert signed_in(people["isro"]).get(f"/things/{thing_id}").status_code == 200
        things = kid.get("/my-things").get_data(as_text=True)
    assert "Priya Shah read this on Tuesday 1 December" in things
    assert "has not read it yet" not in things


def test_a_message_says_not_read_yet_until_the_isro_opens_the_conversation(
        app, people, signed_in):
    child_id = people["child"].id
    with clock.fixed(TUESDAY):
        kid = _child(app)
        post_form(kid, f"/messages/about/{child_id}", {"body": "Can we talk about school?"},
                  content_type="multipart/form-data")
        thread = kid.get(f"/messages/about/{child_id}").get_data(as_text=True)
        assert "Not read yet" in thread and "read this on" not in thread
        staff = signed_in(people["isro"])
        conversation = re.search(r'href="/conversations/(\d+)"',
                                 staff.get("/inbox").get_data(as_text=True)).group(1)
        staff.get(f"/conversations/{conversation}")
        thread = kid.get(f"/messages/about/{child_id}").get_data(as_text=True)
    assert "Priya Shah read this on Tuesday 1 December" in thread
    assert "Not read yet" not in thread
