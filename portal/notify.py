"""Email to staff: that something is waiting in My Say, never what or about whom.

With PORTAL_SMTP_HOST set, mail goes by SMTP; without it, each email is written to
instance/outbox/ as an .eml file that developers can read. Each email is sent by a job
(portal/jobs/), so a relay that is down delays it and never drops it.
"""
from __future__ import annotations

import smtplib
import ssl
import uuid
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import jobs
from portal.accounts.models import Account
from portal.i18n import format_age

# Failures that mean "try again later" (the relay is down, refused, timed out).
SEND_ERRORS = (OSError, smtplib.SMTPException)


def send_email(address: str, subject: str, paragraphs: list[str]) -> None:
    """Send one email now. Raises one of SEND_ERRORS when it could not be sent."""
    config = current_app.config["PORTAL"]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config.smtp_from
    message["To"] = address
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="mysay.invalid")
    message.set_content("\n\n".join(paragraphs))
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


def _sign_in_line(path: str = "/") -> str:
    return _("Sign in to read it: %(address)s",
             address=current_app.config["PORTAL"].base_url + path)


@jobs.job(label=_l("Email about a new message"), max_attempts=jobs.EMAIL_ATTEMPTS)
def send_new_message_email(account_id: int) -> None:
    """A job: tell a staff member a new message is waiting. Raises when it could not be
    sent, so the job is tried again later."""
    from portal import db

    account = db.session().get(Account, account_id)
    if account is None or not account.email or not account.active:
        return
    with force_locale(account.language or "en"):
        subject = _("My Say: you have a new message")
        body = [_("You have a new message in My Say."), _sign_in_line(),
                _("This email never says who a message is from or what it says.")]
    send_email(account.email, subject, body)


def flag_email(language: str | None, *, escalated: bool, raised_at: datetime, now: datetime,
               caseload: bool) -> tuple[str, list[str]]:
    """The subject and paragraphs of an email about a safety flag. It says plainly that a
    child may be unsafe and how old the flag is, and never names the child."""
    config = current_app.config["PORTAL"]
    with force_locale(language or "en"):
        age = format_age(now - raised_at)
        when = format_datetime(raised_at, "EEEE d MMMM, HH:mm")
        if escalated:
            subject = _("My Say: a safety flag has not been acknowledged")
            lead = _("A child may be unsafe, and nobody has acknowledged the safety flag yet.")
        else:
            subject = _("My Say: a child may be unsafe")
            lead = (_("A child on your caseload may be unsafe.") if caseload
                    else _("A child may be unsafe."))
        body = [
            lead,
            _("The safety flag was raised %(age)s ago (%(when)s).", age=age, when=when),
            _("Sign in to see it and act: %(address)s", address=config.base_url + "/safety"),
            _("Acknowledge the flag in My Say when you are acting on it. If nobody does within "
              "%(minutes)d minutes of office time, every manager is told.",
              minutes=config.flag_ack_minutes),
            _("This email never names the child or says what they wrote."),
        ]
    return subject, body
