"""Every write about transcripts: asking for one, making it (a job), checking it for safety.

``transcribe_later(stored_file_id)`` is the one entry point: call it after a voice note
(or a voice answer) has been kept, before the commit. With no model configured it does
nothing, and the portal works as it did before transcripts.
"""
from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal import audit, db, jobs
from portal.media.models import FileKind, StoredFile
from portal.media.pipeline import MAX_AUDIO_MINUTES
from portal.media.serving import app_store
from portal.messages import flags
from portal.transcripts import engine, queries
from portal.transcripts.models import Transcript

# A recording longer than this is not transcribed (the upload pipeline already refuses
# anything over five minutes; this keeps a job's work bounded whatever reaches it).
MAX_SECONDS = MAX_AUDIO_MINUTES * 60 + 5
# Starting the child process and loading a large model, on top of the job's own limit.
START_SECONDS = 120


def transcripts_on() -> bool:
    return current_app.config["PORTAL"].transcribe_model is not None


def model_name() -> str | None:
    model = current_app.config["PORTAL"].transcribe_model
    return Path(model).name if model is not None else None


def transcribe_later(stored_file_id: int) -> None:
    """Queue the transcription of a kept voice note; runs once the caller's commit lands."""
    config = current_app.config["PORTAL"]
    if config.transcribe_model is not None:
        # The queue's own limit leaves room for starting the model before the job's limit.
        jobs.enqueue(transcribe_voice_note, stored_file_id,
                     timeout=config.transcribe_timeout_seconds + START_SECONDS)


@jobs.job(label=_l("Transcribe a voice note"))
def transcribe_voice_note(stored_file_id: int) -> None:
    """The job: transcribe (and, if not English, translate) one recording, keep both, and
    check both against the safety word lists. Doing it twice changes nothing."""
    session = db.session()
    config = current_app.config["PORTAL"]
    stored = session.get(StoredFile, stored_file_id)
    if (config.transcribe_model is None or stored is None or stored.kind != FileKind.AUDIO
            or queries.for_file(stored_file_id) is not None):
        return  # off, deleted before its turn, not a sound, or already done
    if stored.duration_seconds is not None and stored.duration_seconds > MAX_SECONDS:
        current_app.logger.warning("file %s is too long to transcribe", stored_file_id)
        return
    child = stored.child
    language = engine.whisper_language(
        (child.account.language if child.account else None) or child.language)
    whisper = engine.engine_for(config.transcribe_model, memory_mb=config.transcribe_memory_mb)
    try:
        with _local_copy(stored) as path:
            heard = whisper.transcribe(path, language,
                                       timeout=config.transcribe_timeout_seconds)
    except engine.TranscribeFailed as failed:
        # Shown to managers on the Jobs page: says what went wrong, never what was said.
        raise jobs.TryLater(f"transcription: {failed}") from failed
    transcript = Transcript(stored_file_id=stored.id, language=heard.language, text=heard.text,
                            english_text=heard.english, model=model_name(),
                            seconds_taken=heard.seconds)
    session.add(transcript)
    try:
        session.flush()
    except IntegrityError:
        # The recording was deleted, or another worker finished first, while this one ran.
        session.rollback()
        return
    audit.record("transcript.made", child_id=stored.child_id, subject=f"file:{stored.id}",
                 language=heard.language, seconds=heard.seconds)
    _check_safety(stored, transcript)
    session.commit()


def _check_safety(stored: StoredFile, transcript: Transcript) -> None:
    """A transcript raises a flag like typed words do, pointing at what the file came with."""
    sent_in = queries.sent_in(stored.id)
    flags.check(stored.child, transcript.text, transcript.english_text,
                submission_id=sent_in.submission_id, message_id=sent_in.message_id,
                by=stored.created_by)


@contextlib.contextmanager
def _local_copy(stored: StoredFile) -> Iterator[Path]:
    """The recording as a file on this server: the store's own path, or (object storage) a
    private temporary copy removed afterwards. The audio never leaves the server."""
    store = app_store()
    if hasattr(store, "path"):
        yield store.path(stored.name)
        return
    extension = stored.name.rsplit(".", 1)[-1]
    with tempfile.NamedTemporaryFile(suffix=f".{extension}") as copy:
        with store.open(stored.name, size=stored.size_bytes) as source:
            shutil.copyfileobj(source, copy)
        copy.flush()
        yield Path(copy.name)
