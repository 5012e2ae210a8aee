from portal.accounts.models import Role
from tests.helpers import post_form, sign_in

CHOICES = {"language": "en", "text_size": "largest", "theme": "dark", "contrast": "high",
           "spacing": "y", "reduced_motion": "y", "read_aloud": "y"}


def test_settings_before_sign_in_are_kept_in_the_browser(client):
    assert post_form(client, "/settings", CHOICES).status_code == 302
    html = client.get("/help").get_data(as_text=True)
    assert 'class="text-largest theme-dark contrast-high spacing-wide motion-reduced"' in html


def test_settings_are_remembered_for_the_person(app, make):
    make.child(12, username="brave.otter12")
    first = app.test_client()
    sign_in(first, "brave.otter12")
    post_form(first, "/settings", CHOICES)
    elsewhere = app.test_client()
    sign_in(elsewhere, "brave.otter12")
    assert "text-largest" in elsewhere.get("/").get_data(as_text=True)


def test_choosing_arabic_turns_the_page_right_to_left(client):
    post_form(client, "/settings", {**CHOICES, "language": "ar"})
    html = client.get("/help").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in html


def test_unknown_setting_values_fall_back_to_defaults(client):
    response = post_form(client, "/settings", {**CHOICES, "text_size": "gigantic"})
    assert response.status_code == 200  # refused with a message, nothing saved
    assert "Error:" in response.get_data(as_text=True)


def test_language_picker_on_the_sign_in_page(client):
    response = post_form(client, "/settings/language", {"language": "ar", "next": "/sign-in"},
                         page="/sign-in")
    assert response.headers["Location"] == "/sign-in"
    assert 'dir="rtl"' in client.get("/sign-in").get_data(as_text=True)


def test_language_picker_names_each_language_in_its_own_script(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert 'lang="ar"' in html and "العربية" in html and "English" in html


def test_a_persons_language_wins_over_the_browser(app, make):
    make.account(Role.CARER, username="carer.ar", language="ar")
    client = app.test_client()
    sign_in(client, "carer.ar")
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html
