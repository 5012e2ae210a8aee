"""Security headers with per-request CSP nonces, CSRF, and rate limits.

Headers are set in the app (not only in a web server) so development and tests see
exactly what production sends.
"""
from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from limits import parse_many

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self'",
            "media-src 'self' blob:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def set_headers(response: Response, *, production: bool) -> Response:
    # A served upload sets its own, stricter sandbox policy; keep it.
    response.headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=(self)"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if production:
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.endpoint != "static":
        # Children's pages must not linger in a shared phone's cache.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def within_limit(limit: str, key: str) -> bool:
    """Count one try against every part of ``limit`` (e.g. "10 per minute;60 per hour")
    for ``key``; False when any part is used up. Views that call this answer with their
    own form, keeping what the person typed, instead of a bare 429 page."""
    try:
        return all([limiter.limiter.hit(item, "limit", key) for item in parse_many(limit)])
    except Exception:  # noqa: BLE001 - storage down: let the person through
        current_app.logger.exception("rate-limit storage is unreachable")
        return True


def init_app(app: Flask) -> None:
    config = app.config["PORTAL"]
    app.config.update(
        RATELIMIT_STORAGE_URI=config.redis_url or "memory://",
        RATELIMIT_STRATEGY="fixed-window",
        # If Redis is unreachable, limits fall back to this process's memory (and storage
        # errors are logged), so children can still sign in.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    from portal.accounts.throttle import Throttle

    app.extensions["portal.throttle"] = Throttle(config.sign_in_tries_per_account)
    if config.is_production and not config.redis_url:
        app.logger.warning("PORTAL_RATE_LIMIT_STORAGE=memory: each process counts its own "
                           "rate limits (sign-in lockouts are still shared, in the database)")
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(lambda response: set_headers(response, production=config.is_production))
