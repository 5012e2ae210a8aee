"""Signed tokens for read-aloud: which text (by its keyed hash), in which voice, for whom.

A token is made while the page is rendered and names no words, only their HMAC-SHA256
under the app's secret (a log line holding one gives nothing to guess a short answer
from). The audio route speaks a text only when its hash matches a valid token of the
person asking.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from portal import clock

SALT = "portal.speech"


class TokenRefused(ValueError):
    """A token that is tampered with, expired, or someone else's."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "invalid", "expired" or "not-yours"


@dataclass(frozen=True)
class SayToken:
    key: str  # the cache key: the keyed hash of voice and text
    voice: str
    account_id: int


def text_key(text: str, voice: str) -> str:
    """The cache key of ``text`` spoken in ``voice``: 32 hex digits (a stored-file name)."""
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"{voice}\n{text}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


class _ClockSigner(TimestampSigner):
    """Tokens age by the portal's clock, so tests can fix the time."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT,
                                  signer=_ClockSigner)


def max_age_seconds() -> int:
    # As long as a session may last: a page left open is still read aloud.
    return current_app.config["PORTAL"].absolute_hours * 3600


def sign(text: str, voice: str, account_id: int) -> str:
    return _serializer().dumps({"k": text_key(text, voice), "v": voice, "a": account_id})


def check(token: str, account_id: int) -> SayToken:
    """The token's contents, if it is valid and ``account_id``'s; else TokenRefused."""
    try:
        data = _serializer().loads(token, max_age=max_age_seconds())
    except SignatureExpired as exc:
        raise TokenRefused("expired") from exc
    except BadSignature as exc:
        raise TokenRefused("invalid") from exc
    if not isinstance(data, dict) or not all(isinstance(data.get(f), t) for f, t in
                                             (("k", str), ("v", str), ("a", int))):
        raise TokenRefused("invalid")
    if data["a"] != account_id:
        raise TokenRefused("not-yours")
    return SayToken(key=data["k"], voice=data["v"], account_id=data["a"])
