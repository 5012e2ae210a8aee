"""Every write about messages: sending, reading, flags, the ISRO's page."""
from __future__ import annotations

import contextlib

from portal import audit, db, jobs, notify
from portal.accounts.models import Account, Child, Role
from portal.db import utcnow
from portal.media import keeping
from portal.media.models import FileKind
from portal.media.serving import app_store
from portal.messages import flags, queries
from portal.messages.models import Conversation, IsroProfile, Message, Side
from portal.transcripts.operations import transcribe_later

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
         feels_unsafe: bool = False, attachment: bytes | None = None,
         letter_id: int | None = None) -> Message:
    """Send a message (and its attachment) in one transaction, raise flags, tell staff.

    Commits. Raises one of keeping.PROBLEMS for an attachment we cannot keep.
    """
    session = db.session()
    with contextlib.ExitStack() as stack:
        upload = (stack.enter_context(keeping.kept(attachment, kind=keeping.EITHER,
                                                   child_id=conversation.child_id,
                                                   by_id=author.id))
                  if attachment else None)
        try:
            message = _write(session, conversation, author, body, language, feels_unsafe,
                             upload, letter_id)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return message


def _write(session, conversation, author, body, language, feels_unsafe, upload,
           letter_id) -> Message:
    if upload:
        session.add(upload.stored)
        session.flush()
    message = Message(conversation_id=conversation.id, author_id=author.id, body=body,
                      language=language, feels_unsafe=feels_unsafe,
                      file_id=upload.stored.id if upload else None, letter_id=letter_id)
    session.add(message)
    session.flush()
    conversation.last_message_at = message.created_at
    from_participant = author.id == conversation.participant_id
    if from_participant:
        conversation.participant_read_at = message.created_at
        message.raised_flags = flags.check(conversation.child, body, ticked=feels_unsafe,
                                           message_id=message.id, by=author)
        if upload and upload.stored.kind == FileKind.AUDIO:
            transcribe_later(upload.stored.id)  # a voice note sent as a message
    else:
        conversation.staff_read_at = message.created_at
    audit.record("message.sent", actor_id=author.id, child_id=conversation.child_id,
                 subject=f"conversation:{conversation.id}")
    if from_participant and not message.raised_flags:
        isro = conversation.child.isro
        if isro is not None:
            jobs.enqueue(notify.send_new_message_email, isro.id)
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
    old = profile.photo_name
    with contextlib.ExitStack() as stack:
        upload = stack.enter_context(keeping.kept(photo, kind="photo")) if photo else None
        if upload:
            profile.photo_name = upload.name
        db.session().add(profile)
        try:
            db.session().commit()
        except BaseException:
            db.session().rollback()
            raise
    if upload and old:
        app_store().delete(old)
    return profile
