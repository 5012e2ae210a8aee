from portal.accounts.models import Role
from tests.helpers import sign_in


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_child_signs_in_and_lands_on_their_home(client, make):
    child = make.child(12, username="river.fox12")
    response = sign_in(client, "river.fox12")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert f"Hello, {child.preferred_name}" in page


def test_isro_is_asked_for_a_second_factor(client, make):
    from tests.helpers import post_form

    isro = make.account(Role.ISRO)
    response = post_form(client, "/sign-in", {"username": isro.username,
                                               "password": "correct horse battery"})
    assert response.headers["Location"].endswith("/sign-in/code")
    assert client.get("/").status_code == 302
