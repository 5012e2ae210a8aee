"""Every response carries the security headers; every form carries a CSRF token."""
import re

from portal import create_app
from portal.config import Config
from tests.helpers import post_form, sign_in

PAGES = ["/sign-in", "/help", "/settings", "/start", "/no-such-page"]


def test_security_headers_on_every_page(client):
    for path in PAGES:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert re.search(r"script-src 'self' 'nonce-[\w-]{20,}'", csp), path
        assert "unsafe-inline" not in csp
        for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
            assert directive in csp, (path, directive)
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Permissions-Policy"] == "geolocation=(), camera=(), microphone=(self)"
        assert "Strict-Transport-Security" not in headers  # only outside development


def test_the_nonce_is_new_on_every_request(client):
    first = client.get("/help").headers["Content-Security-Policy"]
    second = client.get("/help").headers["Content-Security-Policy"]
    assert first != second


def test_production_adds_hsts_and_secure_cookies(tmp_path, test_config):
    from dataclasses import replace

    config = replace(test_config, env="production", secret_key="s" * 40,
                     instance_dir=tmp_path, upload_dir=tmp_path / "u")
    app = create_app(config)
    response = app.test_client().get("/help")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_a_post_without_its_csrf_token_is_refused_kindly(client, make):
    make.child(12, username="brave.otter12")
    response = client.post("/sign-in", data={"username": "brave.otter12",
                                             "password": "correct horse battery"})
    assert response.status_code == 400
    assert "open for a long time" in response.get_data(as_text=True)


def test_sign_out_is_a_post_with_a_token(app, make):
    make.child(12, username="brave.otter12")
    client = app.test_client()
    sign_in(client, "brave.otter12")
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400
    assert post_form(client, "/sign-out", {}, page="/").status_code == 302


def test_children_pages_are_not_cached(client):
    assert client.get("/help").headers["Cache-Control"] == "no-store"


def test_config_refuses_production_without_a_real_secret(tmp_path):
    import pytest

    from portal.config import ConfigError

    with pytest.raises(ConfigError):
        Config.from_env({"PORTAL_ENV": "production", "PORTAL_DATABASE_URL": "sqlite://",
                         "PORTAL_INSTANCE_DIR": str(tmp_path)})
    with pytest.raises(ConfigError):
        Config.from_env({"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "short",
                         "PORTAL_DATABASE_URL": "sqlite://", "PORTAL_INSTANCE_DIR": str(tmp_path)})
