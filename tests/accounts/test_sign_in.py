from portal.accounts.models import Role
from tests.helpers import PASSWORD, post_form, sign_in


def _try(client, username, password):
    return post_form(client, "/sign-in", {"username": username, "password": password})


def test_wrong_password_says_so_and_keeps_the_username(client, make):
    make.child(12, username="brave.otter12")
    response = _try(client, "brave.otter12", "wrong password!")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The username or password is not right" in page
    assert 'value="brave.otter12"' in page
    assert "<title>Error:" in page


def test_five_wrong_passwords_give_the_friendly_lock_out(client, make):
    make.child(12, username="brave.otter12")
    for _ in range(4):
        assert _try(client, "brave.otter12", "wrong password!").status_code == 200
    response = _try(client, "brave.otter12", "wrong password!")
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "You are not in trouble" in page
    assert "ask your ISRO or your carer" in page
    # Locked even with the right password, until the window passes.
    assert _try(client, "brave.otter12", PASSWORD).status_code == 429


def test_lock_out_is_per_account_not_for_everyone(client, make):
    make.child(12, username="brave.otter12")
    make.child(9, username="calm.fox9")
    for _ in range(5):
        _try(client, "brave.otter12", "wrong password!")
    assert _try(client, "calm.fox9", PASSWORD).status_code == 302


def test_many_tries_from_one_address_are_throttled(app, client, make):
    make.child(12, username="brave.otter12")
    for n in range(50):
        _try(client, f"nobody{n}", "wrong password!")
    assert _try(client, "brave.otter12", PASSWORD).status_code == 429


def test_sign_in_form_allows_password_managers_and_paste(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page
    assert "onpaste" not in page


def test_empty_sign_in_shows_an_error_summary_linking_to_each_field(client):
    response = post_form(client, "/sign-in", {})
    page = response.get_data(as_text=True)
    assert page.count('class="error-summary"') == 1
    assert '<a href="#username">Enter your username</a>' in page
    assert '<a href="#password">Enter your password</a>' in page
    assert '<title>Error: Sign in' in page
    assert 'id="username-error"' in page and 'id="password-error"' in page


def test_unknown_username_and_wrong_password_get_the_same_answer(client, make):
    make.child(12, username="brave.otter12")
    one = _try(client, "brave.otter12", "wrong password!").get_data(as_text=True)
    two = _try(client, "no.such.person", "wrong password!").get_data(as_text=True)
    assert "The username or password is not right" in one and "is not right" in two


def test_staff_need_the_second_factor_and_a_wrong_code_is_refused(client, make):
    isro = make.account(Role.ISRO)
    response = _try(client, isro.username, PASSWORD)
    assert response.headers["Location"].endswith("/sign-in/code")
    response = post_form(client, "/sign-in/code", {"code": "000000"})
    assert "That code did not work" in response.get_data(as_text=True)
    assert client.get("/").headers["Location"].startswith("/sign-in")


def test_a_second_factor_code_cannot_be_used_twice(app, make):
    import pyotp

    from tests.helpers import TOTP_SECRET

    isro = make.account(Role.ISRO)
    code = pyotp.TOTP(TOTP_SECRET).now()
    first, second = app.test_client(), app.test_client()
    _try(first, isro.username, PASSWORD)
    assert post_form(first, "/sign-in/code", {"code": code}).status_code == 302
    _try(second, isro.username, PASSWORD)
    response = post_form(second, "/sign-in/code", {"code": code})
    assert response.status_code == 200


def test_staff_without_an_app_set_it_up_with_a_qr_code(app, client, make):
    import pyotp

    from portal import db
    from portal.accounts import operations
    from portal.accounts.operations import find_account

    isro = make.account(Role.ISRO)
    with app.app_context():
        operations.reset_second_factor(find_account(isro.username))
        db.session().commit()
    response = _try(client, isro.username, PASSWORD)
    assert response.headers["Location"].endswith("/sign-in/set-up-app")
    page = client.get("/sign-in/set-up-app").get_data(as_text=True)
    assert "<svg" in page
    with app.app_context():
        secret = find_account(isro.username).totp_secret
    response = post_form(client, "/sign-in/set-up-app", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get("/caseload").status_code == 200


def test_sign_in_never_sends_people_to_another_site(client, make):
    make.child(12, username="brave.otter12")
    client.get("/?x=1")
    with client.session_transaction() as session:
        session["next"] = "//evil.example/"
    response = sign_in(client, "brave.otter12")
    assert response.headers["Location"] == "/"


def test_signed_out_visitor_returns_to_the_page_they_asked_for(app, client, make):
    isro = make.account(Role.ISRO)
    child = make.child(10, isro=isro)
    client.get(f"/children/{child.id}")
    response = sign_in(client, isro)
    assert response.headers["Location"] == f"/children/{child.id}"
