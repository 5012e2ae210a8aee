"""The read-aloud audio routes, and the signing of each read-aloud block as pages render.

POST /say   {token, text}  checks the token and the text, makes (or finds in the cache)
            the audio and answers with it (audio/mpeg, or audio/wav); portal.js plays it
            in an <audio> element from a blob: address. Answering with the audio itself
            means any host behind a load balancer can answer, with no shared cache.
            Errors are JSON ({"error": ...}) saying what went wrong, in words.
"""
from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from portal import access
from portal.accounts.models import Role
from portal.i18n import current_locale
from portal.media.serving import send_stored
from portal.security import within_limit
from portal.speech import operations, pagetext, voices
from portal.speech.tokens import TokenRefused, check, sign

bp = Blueprint("speech", __name__)

# Each press of a read-aloud button is one request (espeak-ng runs when it is not cached).
MAKE_LIMIT = "20 per minute;200 per hour"
# Written by the say_button macro and base.html; filled in after the page is rendered.
PENDING = re.compile(r'data-say-token="say-pending:([A-Za-z][A-Za-z0-9_.:-]{0,80})"')


def _refusal(message: str, status: int) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response


def _refused_token(error: TokenRefused) -> Response:
    if error.reason == "expired":
        return _refusal(_("This page has been open a long time. Reload it, then press "
                          "Read aloud again."), 400)
    if error.reason == "not-yours":
        return _refusal(_("This read-aloud button belongs to someone else's page."), 403)
    return _refusal(_("This read-aloud button is not working. Reload the page."), 400)


@bp.route("/say", methods=["POST"])
@access.signed_in
def make():
    if not within_limit(MAKE_LIMIT, f"say:{current_user.id}"):
        return _refusal(_("You have asked for a lot of reading aloud. Wait a minute, then "
                          "try again."), 429)
    token_text, text = request.form.get("token", ""), request.form.get("text", "")
    if not token_text or not text.strip():
        return _refusal(_("Nothing to read aloud here."), 400)
    if len(text) > voices.MAX_CHARS:
        return _refusal(_("This is too long to read aloud in one go."), 400)
    try:
        token = check(token_text, current_user.id)
        name, _made = operations.make_audio(token, pagetext.normalise(text))
    except TokenRefused as error:
        return _refused_token(error)
    except operations.TextChanged:
        return _refusal(_("The words on this page have changed. Reload the page, then "
                          "press Read aloud again."), 400)
    except voices.VoiceUnavailable as error:
        if error.reason == "timeout":
            message = _("The voice took too long. Try again in a minute.")
        else:
            message = _("The voice is not working just now. Try again later.")
        # For whoever runs the server (docs/voices.md); never the words themselves.
        current_app.logger.error("read-aloud: espeak-ng %s (voice %s)", error.reason,
                                 token.voice)
        return _refusal(message, 503)
    return send_stored(operations.cache(), name, operations.FORMATS[name.rsplit(".", 1)[1]])


@bp.app_template_global()
def server_voice() -> str | None:
    """The espeak-ng voice for this page's language, or None (Pashto, Tigrinya, Sorani)."""
    return voices.voice_for(current_locale().code)


@bp.app_template_global()
def no_voice_text() -> str:
    if server_voice() is None:
        return _("There is no voice for this language yet.")
    return _("Your device has no voice for this language.")


@bp.app_template_global()
def say_fixed_only() -> bool:
    """Whether read-aloud leaves out typed words: on everyone's pages but a child's own."""
    return not (current_user.is_authenticated and current_user.role is Role.CHILD)


@bp.after_app_request
def sign_read_aloud_blocks(response: Response) -> Response:
    """Replace each pending read-aloud token with one signed for the text now on the page
    (or with nothing, when there is no server voice for this person and language)."""
    if response.mimetype != "text/html" or response.direct_passthrough \
            or response.is_streamed:
        return response
    html = response.get_data(as_text=True)
    if "say-pending:" not in html:
        return response
    voice = server_voice() if current_user.is_authenticated else None
    texts: dict[str, str] = {}
    if voice:
        wanted = set(PENDING.findall(html))
        texts = pagetext.texts_by_id(html, wanted, fixed_only=say_fixed_only())

    def token_for(match: re.Match) -> str:
        text = texts.get(match.group(1), "")
        if not text or len(text) > voices.MAX_CHARS:
            return 'data-say-token=""'
        return f'data-say-token="{sign(text, voice, current_user.id)}"'

    response.set_data(PENDING.sub(token_for, html))
    return response
