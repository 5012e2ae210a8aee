"""Every write about feedback and advocacy requests: saving, telling staff, the outcome.
Each is in the audit trail; each function commits (one transaction)."""
from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import audit, clock, db, jobs, notify
from portal.accounts.models import Account, Child, Role
from portal.messages import flags
from portal.reviews.models import Review
from portal.voice.models import AdvocacyOutcome, AdvocacyRequest, ReviewFeedback

COMMENT_LIMIT = 2000
HELP_LIMIT = 1000


def save_feedback(review: Review, by: Account, *, faces: dict[str, str | None],
                  comment: str | None) -> ReviewFeedback:
    """The child's answers about a held review (one row per review). Commits."""
    comment = (comment or "").strip() or None
    feedback = ReviewFeedback(review_id=review.id, child_id=review.child_id, comment=comment,
                              **{question: faces.get(question) or None
                                 for question in ("listened", "understood", "right_people")})
    db.session().add(feedback)
    db.session().flush()
    audit.record("review_feedback.saved", actor_id=by.id, child_id=review.child_id,
                 subject=f"review:{review.id}")
    if comment:
        flags.check(review.child, comment, by=by)
    db.session().commit()
    return feedback


def skip_feedback(review: Review, by: Account) -> ReviewFeedback:
    """The child chose not to say: they are not asked about this review again. Commits."""
    feedback = ReviewFeedback(review_id=review.id, child_id=review.child_id, skipped=True)
    db.session().add(feedback)
    audit.record("review_feedback.skipped", actor_id=by.id, child_id=review.child_id,
                 subject=f"review:{review.id}")
    db.session().commit()
    return feedback


def ask_for_advocate(child: Child, by: Account, help_with: str | None) -> AdvocacyRequest:
    """Record the request and email the ISRO (managers when there is none) and the
    advocacy service, after the commit. The emails never name the child. Commits."""
    help_with = (help_with or "").strip() or None
    request = AdvocacyRequest(child_id=child.id, help_with=help_with, asked_at=clock.now())
    db.session().add(request)
    db.session().flush()
    audit.record("advocacy.requested", actor_id=by.id, child_id=child.id,
                 subject=f"advocacy:{request.id}")
    if help_with:
        flags.check(child, help_with, by=by)
    # One job per email, so a relay that is down delays each and never sends one twice.
    for account in _staff_to_tell(child):
        jobs.enqueue(send_request_email, request.id, account.id)
    if current_app.config["PORTAL"].advocacy_email:
        jobs.enqueue(send_request_email, request.id, None)
    db.session().commit()
    return request


def _staff_to_tell(child: Child) -> list[Account]:
    isro = child.isro
    if isro is not None and isro.active and isro.email:
        return [isro]
    return list(db.session().scalars(select(Account).where(
        Account.role == Role.MANAGER.value, Account.active.is_(True),
        Account.email.is_not(None))))


@jobs.job(label=_l("Email about a request for an advocate"), max_attempts=jobs.EMAIL_ATTEMPTS)
def send_request_email(request_id: int, account_id: int | None) -> None:
    """A job: tell one person who acts on a request for an advocate (a staff member, or
    with no account the advocacy service) that there is one. Raises when the relay is
    down, so the job is tried again later."""
    request = db.session().get(AdvocacyRequest, request_id)
    if request is None:
        return
    if account_id is None:
        address = current_app.config["PORTAL"].advocacy_email
        if not address:
            return
        with force_locale("en"):
            subject = _("My Say: a child has asked for an advocate")
            body = [_("A child has asked for an advocate. Their ISRO will contact you to "
                      "make the referral."),
                    _("This email never names the child or says what they wrote.")]
        sent_to = "advocacy_service"
    else:
        account = db.session().get(Account, account_id)
        if account is None or not account.active or not account.email:
            return
        address = account.email
        with force_locale(account.language or "en"):
            subject = _("My Say: a child has asked for an advocate")
            lead = (_("A child on your caseload has asked for an advocate.")
                    if account.role is Role.ISRO else
                    _("A child with no ISRO allocated has asked for an advocate."))
            body = [lead, _("Sign in to My Say to see who."),
                    current_app.config["PORTAL"].base_url + "/",
                    _("This email never names the child or says what they wrote.")]
        sent_to = f"account:{account.id}"
    notify.send_email(address, subject, body)
    audit.record("advocacy.emailed", child_id=request.child_id,
                 subject=f"advocacy:{request.id}", to=[sent_to])
    db.session().commit()


def record_outcome(request: AdvocacyRequest, by: Account, *, outcome: AdvocacyOutcome,
                   on: date, note: str | None) -> None:
    """What happened about the request, and on which day. Commits."""
    request.outcome, request.outcome_on = AdvocacyOutcome(outcome), on
    request.outcome_note = (note or "").strip() or None
    request.recorded_by_id, request.recorded_at = by.id, clock.now()
    audit.record("advocacy.outcome_recorded", actor_id=by.id, child_id=request.child_id,
                 subject=f"advocacy:{request.id}", outcome=request.outcome.value)
    db.session().commit()
