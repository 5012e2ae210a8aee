"""Every write about messages: sending, reading, flags, the ISRO's page."""
from __future__ import annotations

from flask import current_app

from portal import audit, db, notify
from portal.accounts.models import Account, Child, Role
from portal.db import utcnow
from portal.media import keeping, pipeline
from portal.media.serving import app_store
from portal.messages import flags, queries
from portal.messages.models import Conversation, IsroProfile, Message, Side

MESSAGE_LIMIT = 2000


def conversation_for(child: Child, participant: Account) -> Conversation:
    found = queries.find_conversation(child.id, participant.id)
    if found is None:
        found = Conversation(child_id=child.id, participant_id=participant.id,
                             side=Side(participant.role).value)
        db.session().add(found)
        db.session().flush()
    return found


def send(conversation: Conversation, author: Account, body: str, *, language: str = "en",
         feels_unsafe: bool = False, attachment: bytes | None = None) -> Message:
    """Send a message (and its attachment) in one transaction, raise flags, tell staff.

    Commits. Raises pipeline.UploadRefused for an attachment we cannot accept.
    """
    upload_dir = current_app.config["PORTAL"].upload_dir
    kept = (keeping.keep(upload_dir, attachment, kind=keeping.EITHER,
                         child_id=conversation.child_id, by_id=author.id)
            if attachment else None)
    session = db.session()
    try:
        if kept:
            session.add(kept.stored)
            session.flush()
        message = Message(conversation_id=conversation.id, author_id=author.id,
                          body=body, language=language,
                          feels_unsafe=feels_unsafe, file_id=kept.stored.id if kept else None)
        session.add(message)
        session.flush()
        conversation.last_message_at = message.created_at
        from_participant = author.id == conversation.participant_id
        if from_participant:
            conversation.participant_read_at = message.created_at
        else:
            conversation.staff_read_at = message.created_at
        if from_participant:
            message.raised_flags = flags.check(conversation.child, body, ticked=feels_unsafe,
                                        message_id=message.id, by=author)
        audit.record("message.sent", actor_id=author.id, child_id=conversation.child_id,
                     subject=f"conversation:{conversation.id}")
        if from_participant and not message.raised_flags:
            isro = conversation.child.isro
            db.after_commit(lambda: notify.tell_staff(isro))
        session.commit()
    except BaseException:
        session.rollback()
        keeping.discard(upload_dir, kept)
        raise
    return message


def mark_read(conversation: Conversation, reader: Account) -> None:
    if reader.id == conversation.participant_id:
        conversation.participant_read_at = utcnow()
    elif reader.role is Role.ISRO:
        conversation.staff_read_at = utcnow()


def save_profile(isro: Account, about: str, working_hours: str,
                 photo: bytes | None = None) -> IsroProfile:
    """Commits, so that a new photo and the row land together."""
    profile = queries.profile(isro.id) or IsroProfile(account_id=isro.id)
    profile.about, profile.working_hours = about or None, working_hours or None
    old, new = profile.photo_name, None
    if photo:
        image = pipeline.process_image(photo)
        new = app_store().save(image.thumbnail, image.extension)
        profile.photo_name = new
    db.session().add(profile)
    try:
        db.session().commit()
    except BaseException:
        db.session().rollback()
        if new:
            app_store().delete(new)
        raise
    if new and old:
        app_store().delete(old)
    return profile
