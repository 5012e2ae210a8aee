"""An ISRO prints a child's sign-in card; the child sets their own password with it."""
import re
from datetime import timedelta

from sqlalchemy import update

from portal import db
from portal.accounts.models import Role, SetupCode
from portal.db import utcnow
from tests.helpers import post_form, sign_in


def _print_card(client, child_id: int) -> tuple[str, str]:
    response = post_form(client, f"/children/{child_id}/sign-in-card", {},
                         page=f"/children/{child_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    username = re.search(r'<code dir="ltr">([a-z0-9.]+)</code>', page).group(1)
    code = re.search(r'class="setup-code">([A-Z0-9-]+)<', page).group(1)
    return username, code


def _set_up(client, username, code, password="purple tiger river"):
    response = post_form(client, "/start", {"username": username, "code": code})
    if response.status_code != 302:
        return response
    return post_form(client, "/start/password", {"password": password})


def test_isro_creates_a_sign_in_and_the_child_chooses_a_password(app, signed_in, make):
    isro = make.account(Role.ISRO, name="Priya Shah", phone="01234 567 890")
    child = make.child(9, isro=isro, sign_in=False, name="Mia")
    staff = signed_in(isro)
    username, code = _print_card(staff, child.id)
    kid = app.test_client()
    response = _set_up(kid, username, code.lower().replace("-", " "))
    assert response.status_code == 302
    assert "Hello, Mia" in kid.get("/").get_data(as_text=True)


def test_the_card_shows_the_isro_contact_and_names_no_child_in_the_username(signed_in, make):
    isro = make.account(Role.ISRO, name="Priya Shah", phone="01234 567 890")
    child = make.child(9, isro=isro, sign_in=False, name="Mia")
    staff = signed_in(isro)
    page = post_form(staff, f"/children/{child.id}/sign-in-card", {},
                     page=f"/children/{child.id}").get_data(as_text=True)
    assert "Priya Shah" in page and "01234 567 890" in page
    username = re.search(r'<code dir="ltr">([a-z0-9.]+)</code>', page).group(1)
    assert "mia" not in username
    assert "Mia" not in re.search(r"<title>(.*?)</title>", page).group(1)


def test_a_setup_code_works_once(app, signed_in, make):
    isro = make.account(Role.ISRO)
    child = make.child(9, isro=isro, sign_in=False)
    username, code = _print_card(signed_in(isro), child.id)
    assert _set_up(app.test_client(), username, code).status_code == 302
    again = _set_up(app.test_client(), username, code)
    assert "do not match, or the code is too old" in again.get_data(as_text=True)


def test_a_new_card_stops_the_old_code(app, signed_in, make):
    isro = make.account(Role.ISRO)
    child = make.child(9, isro=isro, sign_in=False)
    staff = signed_in(isro)
    username, old = _print_card(staff, child.id)
    _, new = _print_card(staff, child.id)
    assert _set_up(app.test_client(), username, old).status_code == 200
    assert _set_up(app.test_client(), username, new).status_code == 302


def test_a_setup_code_expires_after_14_days(app, signed_in, make):
    isro = make.account(Role.ISRO)
    child = make.child(9, isro=isro, sign_in=False)
    username, code = _print_card(signed_in(isro), child.id)
    with app.app_context():
        db.session().execute(update(SetupCode).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session().commit()
    assert _set_up(app.test_client(), username, code).status_code == 200


def test_a_common_password_is_refused_with_a_helpful_message(app, signed_in, make):
    isro = make.account(Role.ISRO)
    child = make.child(9, isro=isro, sign_in=False)
    username, code = _print_card(signed_in(isro), child.id)
    response = _set_up(app.test_client(), username, code, password="password123")
    assert "too easy to guess" in response.get_data(as_text=True)


def test_children_under_4_get_no_sign_in(signed_in, make):
    isro = make.account(Role.ISRO)
    toddler = make.child(2, isro=isro)
    staff = signed_in(isro)
    page = staff.get(f"/children/{toddler.id}").get_data(as_text=True)
    assert "do not have their own sign-in" in page
    response = post_form(staff, f"/children/{toddler.id}/sign-in-card", {},
                         page=f"/children/{toddler.id}")
    assert response.status_code == 302


def test_an_isro_cannot_print_a_card_for_another_isros_child(signed_in, make):
    isro, other = make.account(Role.ISRO), make.account(Role.ISRO)
    child = make.child(9, isro=other, sign_in=False)
    staff = signed_in(isro)
    response = post_form(staff, f"/children/{child.id}/sign-in-card", {}, page="/caseload")
    assert response.status_code == 404


def test_new_staff_set_a_password_then_sign_in_with_a_second_factor(app, client):
    from portal.accounts import operations

    with app.app_context():
        account = operations.create_account(Role.ISRO, "new.isro", "New ISRO")
        code = operations.issue_setup_code(account)
        db.session().commit()
    response = _set_up(client, "new.isro", code)
    assert response.headers["Location"].endswith("/sign-in")
    response = sign_in(client, "new.isro", "purple tiger river")
    assert response.headers["Location"].endswith("/sign-in/set-up-app")
