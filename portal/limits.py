"""How much a person may send in a short time: generous for a child with a lot to say,
enough to stop a flood (or a stuck button, or a script re-encoding huge pictures).

A child who may be unsafe is never held back: "I don't feel safe", or words from the
safety lists, always go through. Views answer a limit with their own form, what was
typed still in it, and status 429.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.messages.safety import find_entries
from portal.security import within_limit

MESSAGES = "10 per minute;60 per hour"
# Pictures, voice notes, poems, photos and observations: each is re-made on the server.
UPLOADS = "10 per minute;40 per hour"

TOO_MANY = _l("You have sent a lot in a short time. Wait a few minutes, then try again. "
              "What you wrote is still here.")


def may_send(limit: str, *texts: str | None, feels_unsafe: bool = False) -> bool:
    """Count one more thing sent by this person; False when over ``limit``."""
    if feels_unsafe or find_entries(*texts):
        return True
    return within_limit(limit, f"{limit}:{current_user.id}")
