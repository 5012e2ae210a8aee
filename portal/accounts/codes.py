"""Generated usernames, one-time setup codes and the TOTP second factor."""
from __future__ import annotations

import secrets
from datetime import datetime

import pyotp
import segno

from portal.numbers import ascii_digits

# No 0/O, 1/I/L: a child copies this from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
# Friendly, name-free words: a username must not reveal who the child is.
WORDS_A = ("blue", "green", "sunny", "swift", "brave", "calm", "bright", "happy", "lucky", "quiet",
           "silver", "golden", "gentle", "clever", "kind", "bold", "misty", "starry")
WORDS_B = ("otter", "fox", "robin", "panda", "tiger", "river", "maple", "comet", "falcon", "koala",
           "dolphin", "badger", "owl", "lion", "pebble", "rocket", "cloud", "meadow")


def new_username() -> str:
    return f"{secrets.choice(WORDS_A)}.{secrets.choice(WORDS_B)}{secrets.randbelow(90) + 10}"


def new_setup_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_setup_code(typed: str) -> str:
    """Forgive spaces, dashes and lower case in a typed code."""
    cleaned = "".join(ch for ch in ascii_digits(typed).upper() if ch.isascii() and ch.isalnum())
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="My Say")


def totp_qr_svg(secret: str, username: str) -> str:
    """An inline SVG QR code (no external image host, no data: URL needed)."""
    qr = segno.make(totp_uri(secret, username), error="m")
    return qr.svg_inline(scale=5, border=2, dark="#000", light="#fff", title="QR code")


def verify_totp(secret: str, code: str, last_step: int | None) -> int | None:
    """The time-step the code matched (allowing one step of clock drift), or None.

    A step at or before ``last_step`` is refused, so an overheard code cannot be replayed.
    """
    digits = "".join(ch for ch in ascii_digits(code) if "0" <= ch <= "9")
    if len(digits) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(datetime.now())
    for step in (now_step, now_step - 1, now_step + 1):
        if last_step is not None and step <= last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def current_totp(secret: str) -> str:
    return pyotp.TOTP(secret).now()
