"""Email to staff: that something is waiting in My Say, never what or about whom.

With PORTAL_SMTP_HOST set, mail goes by SMTP; without it, each email is written to
instance/outbox/ as an .eml file that developers can read.
"""
from __future__ import annotations

import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.accounts.models import Account

NEW_MESSAGE, FLAG = "new_message", "flag"


def _compose(account: Account, what: str) -> EmailMessage:
    config = current_app.config["PORTAL"]
    with force_locale(account.language or "en"):
        if what == FLAG:
            subject = _("My Say: something needs your attention")
            lead = _("A message in My Say may need your attention soon.")
        else:
            subject = _("My Say: you have a new message")
            lead = _("You have a new message in My Say.")
        body = "\n\n".join([
            lead,
            _("Sign in to read it: %(address)s", address=config.base_url + "/"),
            _("This email never says who a message is from or what it says."),
        ])
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config.smtp_from
    message["To"] = account.email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="mysay.invalid")
    message.set_content(body)
    return message


def tell_staff(account: Account | None, what: str) -> None:
    """Send (or write to the outbox) a notification; a failure is logged, never raised."""
    if account is None or not account.email:
        return
    config = current_app.config["PORTAL"]
    message = _compose(account, what)
    try:
        if config.smtp_host:
            with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=10) as smtp:
                if config.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if config.smtp_username:
                    smtp.login(config.smtp_username, config.smtp_password or "")
                smtp.send_message(message)
        else:
            outbox = config.instance_dir / "outbox"
            outbox.mkdir(parents=True, exist_ok=True)
            (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("could not send a %s notification", what)
