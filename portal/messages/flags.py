"""Every write about safety flags: raising, telling people, acknowledging, escalating,
clearing. Each step is in the audit trail; the caller commits.

A flag is raised when a child (or an adult about a child) says "I don't feel safe" or
writes words from the lists. The child's ISRO and the duty address are emailed at once;
if nobody acknowledges the flag within PORTAL_FLAG_ACK_MINUTES of office time, every
manager is emailed too. Emails are kept as FlagNotice rows, so a relay that is down
delays them (check-flags retries) and the Safety page says who a flag has reached.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from portal import audit, clock, db, jobs, notify
from portal.accounts.models import Account, Child, Role
from portal.messages.models import Flag, FlagNotice, NoticeStatus
from portal.messages.safety import find_entries

# A child pressing "I don't feel safe" again soon after, or a second flag raised within
# this time, does not send another round of emails: the first has only just gone.
RECENT = timedelta(minutes=30)
RETRY_AFTER = timedelta(minutes=1)
MAX_ATTEMPTS = 50


def check(child: Child, *texts: str | None, ticked: bool = False,
          message_id: int | None = None, submission_id: int | None = None,
          by: Account | None = None) -> list[Flag]:
    """Raise the flags these texts call for: "ticked" when the person said they do not
    feel safe, "words" when the lists match. Returns the flags (empty when none)."""
    raised = []
    if ticked:
        raised.append(_raise(child, "ticked", None, message_id, submission_id, by))
    found = find_entries(*texts)
    if found:
        matched = " | ".join(entry.text for entry in found)[:500]
        raised.append(_raise(child, "words", matched, message_id, submission_id, by))
    return raised


def _recent_open(child_id: int, now: datetime) -> list[Flag]:
    return list(db.session().scalars(select(Flag).where(
        Flag.child_id == child_id, Flag.cleared_at.is_(None), Flag.acknowledged_at.is_(None),
        Flag.raised_at > now - RECENT)))


def _raise(child: Child, reason: str, matched: str | None, message_id: int | None,
           submission_id: int | None, by: Account | None) -> Flag:
    config = current_app.config["PORTAL"]
    now = clock.now()
    recent = _recent_open(child.id, now)
    again = next((f for f in recent if f.reason == "ticked"), None) if reason == "ticked" else None
    if again is not None:
        # The same child pressing the button again: one flag, already on its way.
        audit.record("flag.pressed_again", actor_id=by.id if by else None, child_id=child.id,
                     subject=f"flag:{again.id}")
        return again
    flag = Flag(child_id=child.id, reason=reason, matched=matched, message_id=message_id,
                submission_id=submission_id, raised_at=now,
                ack_due_at=config.hours.add_office_minutes(now, config.flag_ack_minutes))
    db.session().add(flag)
    db.session().flush()
    audit.record("flag.raised", actor_id=by.id if by else None, child_id=child.id,
                 subject=f"flag:{flag.id}", reason=reason)
    if not recent:
        recipients = [(child.isro, child.isro.email)] if _reachable(child.isro) else []
        if config.duty_email:
            recipients.append((None, config.duty_email))
        _notify(flag, "raised", recipients)
    return flag


def _reachable(account: Account | None) -> bool:
    return account is not None and account.active and bool(account.email)


def _notify(flag: Flag, kind: str, recipients: list[tuple[Account | None, str]]) -> None:
    notices = [FlagNotice(kind=kind, account_id=a.id if a else None, address=address)
               for a, address in recipients]
    flag.notices.extend(notices)
    db.session().flush()
    audit.record(f"flag.{kind}_notices", child_id=flag.child_id, subject=f"flag:{flag.id}",
                 to=[f"account:{a.id}" if a else "duty" for a, _ in recipients])
    if notices:
        jobs.enqueue(send_notices, [n.id for n in notices])


@jobs.job(label=_l("Emails about a safety flag"), max_attempts=jobs.EMAIL_ATTEMPTS)
def send_notices(notice_ids: list[int]) -> None:
    """A job: send these flag emails; any not sent make the job try again later."""
    failed = deliver(notice_ids)
    if failed:
        raise jobs.TryLater(f"{failed} of {len(notice_ids)} flag email(s) could not be sent")


def deliver(notice_ids: list[int]) -> int:
    """Send those of these flag emails not sent yet, each committed as it goes (so a
    retry never sends one twice); each row is locked while it is sent, where the
    database can. Returns how many could not be sent (kept for the next try)."""
    session = db.session()
    now = clock.now()
    failed = 0
    for notice_id in sorted(notice_ids):
        notice = session.scalar(select(FlagNotice).where(
            FlagNotice.id == notice_id, FlagNotice.status != NoticeStatus.SENT.value)
            .with_for_update(skip_locked=True))
        if notice is None:
            continue
        flag = notice.flag
        language = notice.account.language if notice.account else None
        subject, body = notify.flag_email(
            language, escalated=notice.kind == "escalated", raised_at=flag.raised_at, now=now,
            caseload=notice.account is not None and notice.account.role is Role.ISRO)
        notice.attempts += 1
        try:
            notify.send_email(notice.address, subject, body)
        except notify.SEND_ERRORS:
            current_app.logger.exception("could not send the email for flag %s", flag.id)
            notice.status = NoticeStatus.FAILED.value
            failed += 1
        else:
            notice.status, notice.sent_at = NoticeStatus.SENT.value, clock.now()
            audit.record("flag.notice_sent", child_id=flag.child_id, subject=f"flag:{flag.id}",
                         to=f"account:{notice.account_id}" if notice.account_id else "duty",
                         kind=notice.kind)
        session.commit()
    return failed


def acknowledge(flag: Flag, by: Account) -> None:
    """'I have seen this and I am acting.'"""
    if flag.acknowledged_at is None:
        flag.acknowledged_at, flag.acknowledged_by_id = clock.now(), by.id
        audit.record("flag.acknowledged", actor_id=by.id, child_id=flag.child_id,
                     subject=f"flag:{flag.id}")


def clear(flag: Flag, by: Account, note: str) -> None:
    """Close the flag with a note of what was done (acknowledging it too, if nobody had)."""
    if not note.strip():
        raise ValueError("a note is needed to clear a flag")
    acknowledge(flag, by)
    flag.cleared_at, flag.cleared_by_id, flag.clear_note = clock.now(), by.id, note.strip()
    audit.record("flag.cleared", actor_id=by.id, child_id=flag.child_id, subject=f"flag:{flag.id}")


def escalate_due() -> int:
    """Tell every manager about each flag not acknowledged in time. Returns how many."""
    now = clock.now()
    due = list(db.session().scalars(select(Flag).where(
        Flag.cleared_at.is_(None), Flag.acknowledged_at.is_(None),
        Flag.escalated_at.is_(None), Flag.ack_due_at <= now)))
    if not due:
        return 0
    managers = list(db.session().scalars(select(Account).where(
        Account.role == Role.MANAGER.value, Account.active.is_(True))))
    for flag in due:
        flag.escalated_at = now
        audit.record("flag.escalated", child_id=flag.child_id, subject=f"flag:{flag.id}")
        _notify(flag, "escalated", [(m, m.email) for m in managers if _reachable(m)])
    return len(due)


def retry_notices() -> int:
    """Send again the flag emails that failed (or were never sent). Returns how many."""
    waiting = list(db.session().scalars(select(FlagNotice.id).where(
        FlagNotice.status != NoticeStatus.SENT.value, FlagNotice.attempts < MAX_ATTEMPTS,
        or_(FlagNotice.attempts > 0, FlagNotice.created_at < clock.now() - RETRY_AFTER))))
    if waiting:
        deliver(waiting)
    return len(waiting)
