"""Friendly error pages in the person's language; never a bare 500."""
from dataclasses import replace

import pytest
from flask import abort

from portal import access, create_app
from tests.helpers import post_form


@pytest.fixture
def fresh_app(app, test_config):
    """A second app on the same store, so a test may add routes of its own."""
    return create_app(test_config)


def test_not_found_page_is_friendly(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_not_found_page_in_arabic(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "ar"})
    html = response.get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html and "Page not found" not in html


def test_too_big_a_request_gives_a_friendly_413(client):
    response = client.post("/sign-in", data={"x": "y" * (17 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too big" in response.get_data(as_text=True)


def test_an_unexpected_error_gives_a_friendly_500(fresh_app):
    @access.public
    def explode():
        raise RuntimeError("boom")

    @access.public
    def too_many():
        abort(429)

    fresh_app.add_url_rule("/test-explode", "explode", explode)
    fresh_app.add_url_rule("/test-too-many", "too_many", too_many)
    fresh_app.testing = False
    client = fresh_app.test_client()
    response = client.get("/test-explode")
    assert response.status_code == 500
    assert "It is not your fault" in response.get_data(as_text=True)
    assert client.get("/test-too-many").status_code == 429


def test_database_unreachable_gives_a_try_again_soon_page(test_config, tmp_path):
    down = replace(test_config, database_url="postgresql+psycopg://nobody@127.0.0.1:1/none",
                   instance_dir=tmp_path)
    client = create_app(down).test_client()
    response = post_form(client, "/sign-in", {"username": "brave.otter12", "password": "x" * 9})
    assert response.status_code == 503
    assert "try again in a few minutes" in response.get_data(as_text=True)


def test_a_signed_in_person_gets_try_again_soon_when_the_database_goes(app, make, test_config,
                                                                       tmp_path):
    from portal import db
    from tests.helpers import sign_in

    make.child(12, username="brave.otter12")
    client = app.test_client()
    sign_in(client, "brave.otter12")
    down = create_app(replace(test_config, instance_dir=tmp_path))
    down.extensions["portal.engine"] = db.make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none")
    from sqlalchemy.orm import sessionmaker

    down.extensions["portal.sessionmaker"] = sessionmaker(down.extensions["portal.engine"])
    cookie = client.get_cookie("mysay_session")
    other = down.test_client()
    other.set_cookie("mysay_session", cookie.value)
    response = other.get("/")
    assert response.status_code == 503
    assert "try again in a few minutes" in response.get_data(as_text=True)


def test_sign_in_still_works_when_redis_is_unreachable(app, make, test_config, tmp_path):
    from portal.security import limiter
    from tests.helpers import sign_in

    make.child(12, username="brave.otter12")
    redis_down = create_app(replace(test_config, instance_dir=tmp_path,
                                    redis_url="redis://127.0.0.1:1/0"))
    try:
        assert sign_in(redis_down.test_client(), "brave.otter12").status_code == 302
    finally:
        limiter.init_app(app)  # the limiter is shared: give it back to the suite's app
