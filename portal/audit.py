"""The audit trail: sign-ins, refused access, and every staff view of a child's content.

Events name people by id, never by name, so the trail itself reveals no child's name.
"""
from __future__ import annotations

from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, String, insert
from sqlalchemy.orm import Mapped, mapped_column

from portal import db
from portal.db import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    child_id: Mapped[int | None] = mapped_column(
        ForeignKey("children.id", ondelete="SET NULL"), index=True
    )
    # The endpoint or object concerned, e.g. "pages.child" or "review:12".
    subject: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


def record(
    action: str,
    *,
    actor_id: int | None = None,
    child_id: int | None = None,
    subject: str | None = None,
    **detail,
) -> AuditEvent:
    """Add an event to the current transaction; the caller's commit writes it."""
    address = request.remote_addr if has_request_context() else None
    event = AuditEvent(
        action=action, actor_id=actor_id, child_id=child_id, subject=subject,
        address=address, detail=detail,
    )
    db.session().add(event)
    return event


def record_for_children(action: str, child_ids, *, actor_id: int | None,
                        subject: str | None = None) -> None:
    """The same event for each of many children, in one statement (a page that shows a
    whole caseload costs the same whatever its size). The caller commits."""
    rows = [{"at": utcnow(), "action": action, "actor_id": actor_id, "child_id": child_id,
             "subject": subject, "address": request.remote_addr if has_request_context()
             else None, "detail": {}} for child_id in sorted(set(child_ids))]
    if rows:
        db.session().execute(insert(AuditEvent), rows)


def record_now(action: str, **kwargs) -> None:
    """Write an event in its own transaction (for refusals, where nothing else commits)."""
    session = db.session()
    session.rollback()
    record(action, **kwargs)
    session.commit()


def staff_viewed(action: str, *, child_id: int | None, subject: str) -> None:
    """A staff member has been shown a child's record or content: write it down now (the
    page is a read, so nothing else would commit it). Children and carers are not logged."""
    from flask_login import current_user

    if current_user.is_authenticated and current_user.is_staff:
        record(action, actor_id=current_user.id, child_id=child_id, subject=subject)
        db.session().commit()
