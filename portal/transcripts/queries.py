"""Reading transcripts, and what a recording was sent with."""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from portal import db
from portal.consultations.models import Submission
from portal.messages.models import Message
from portal.transcripts.models import Transcript


class SentIn(NamedTuple):
    submission_id: int | None
    message_id: int | None


def for_file(stored_file_id: int | None) -> Transcript | None:
    if stored_file_id is None:
        return None
    return db.session().scalar(
        select(Transcript).where(Transcript.stored_file_id == stored_file_id))


def sent_in(stored_file_id: int) -> SentIn:
    """The voice note (submission) or the message a recording came with, for its flag."""
    submission = db.session().scalar(
        select(Submission.id).where(Submission.file_id == stored_file_id).limit(1))
    message = None if submission else db.session().scalar(
        select(Message.id).where(Message.file_id == stored_file_id).limit(1))
    return SentIn(submission, message)
