import re

from portal.accounts.models import Role
from tests.helpers import post_form, sign_in


def test_a_poem_with_a_script_shows_as_text(app, make, signed_in):
    isro = make.account(Role.ISRO)
    child = make.child(12, isro=isro, username="poet12")
    client = app.test_client()
    sign_in(client, "poet12")
    response = post_form(client, "/my-say/poem", {
        "title": "Me", "text": "Line one\n<script>alert(1)</script>\nلا أحب المدرسة",
        "visibility": "isro"})
    assert response.status_code == 302
    staff = signed_in(isro)
    page = staff.get(f"/children/{child.id}").get_data(as_text=True)
    thing = page.split('href="/things/')[1].split('"')[0]
    html = staff.get(f"/things/{thing}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert 'dir="auto"' in html and "لا أحب المدرسة" in html


def test_a_poem_keeps_line_breaks_and_has_a_character_count(app, make):
    make.child(12, username="poet12")
    client = app.test_client()
    sign_in(client, "poet12")
    page = client.get("/my-say/poem").get_data(as_text=True)
    assert 'maxlength="10000"' in page and "up to 10000 characters" in page
    too_long = post_form(client, "/my-say/poem", {"text": "x" * 10_001, "visibility": "isro"})
    assert "less than 10000 characters" in too_long.get_data(as_text=True)


def test_private_to_the_isro_is_the_default(app, make):
    make.child(12, username="poet12")
    client = app.test_client()
    sign_in(client, "poet12")
    page = client.get("/my-say/poem").get_data(as_text=True)
    isro_option = re.search(r'<input[^>]*id="visibility-0"[^>]*>', page).group(0)
    assert "checked" in isro_option and 'value="isro"' in isro_option
