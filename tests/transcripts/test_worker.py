"""With Redis: a real `flask --app portal worker` transcribes a child's voice note and raises
the flag, and a worker killed with SIGKILL mid-transcription loses nothing."""
from __future__ import annotations

import io
from dataclasses import replace

import pytest
from sqlalchemy import select

from portal import db
from portal.jobs.models import Job, JobState
from portal.messages.models import Flag
from portal.transcripts.models import Transcript
from tests.helpers import post_form, sign_in
from tests.jobs.conftest import Workers, empty_redis, wait_until
from tests.transcripts.conftest import speak

pytestmark = [pytest.mark.transcribe, pytest.mark.redis]

REDIS_URL = "redis://127.0.0.1:6379/6"
DISCLOSURE = "I don't feel safe at home, he hits me"


@pytest.fixture
def queue_and_model(app, whisper_model, monkeypatch):
    """The app with Redis db 6 and the base model: what the web and the worker both use."""
    connection = empty_redis(REDIS_URL)
    monkeypatch.setitem(app.config, "PORTAL", replace(
        app.config["PORTAL"], redis_url=REDIS_URL, transcribe_model=whisper_model))
    app.extensions.pop("portal.jobs.redis", None)
    running = Workers(app, app.config["PORTAL"].instance_dir.parent)
    running.env.update(PORTAL_REDIS_URL=REDIS_URL, PORTAL_TRANSCRIBE_MODEL=str(whisper_model))
    yield running
    running.stop_all()
    app.extensions.pop("portal.jobs.redis", None)
    connection.flushdb()
    connection.close()


@pytest.fixture
def child(make):
    from portal.accounts.models import Role

    isro = make.account(Role.ISRO)
    return make.child(14, isro=isro, username="worker14", name="Sam")


def _send(app, audio: bytes) -> None:
    client = app.test_client()
    sign_in(client, "worker14")
    response = post_form(client, "/my-say/voice", {
        "file": (io.BytesIO(audio), "note.wav"), "title": "About home", "visibility": "isro"},
        content_type="multipart/form-data")
    assert response.status_code == 302


def _transcription_job(app) -> Job | None:
    with app.app_context():
        return db.session().scalar(select(Job).where(
            Job.func == "portal.transcripts.operations.transcribe_voice_note")
            .execution_options(populate_existing=True))


def _transcripts_and_flags(app) -> tuple[list, list]:
    with app.app_context():
        return (db.session().scalars(select(Transcript.text)).all(),
                db.session().scalars(select(Flag.reason)).all())


def test_a_worker_transcribes_a_childs_voice_note_and_raises_the_flag(
        app, child, queue_and_model):
    _send(app, speak(DISCLOSURE))
    assert _transcripts_and_flags(app) == ([], [])  # queued in Redis, not run by the web
    queue_and_model.start()
    wait_until(lambda: _transcription_job(app).state is JobState.DONE, seconds=90,
               what="the worker to transcribe the note")
    texts, reasons = _transcripts_and_flags(app)
    assert len(texts) == 1 and "hits me" in texts[0].lower()
    assert reasons == ["words"]


def test_a_worker_killed_mid_transcription_loses_nothing_and_the_next_one_finishes_it(
        app, child, queue_and_model):
    # Half a minute of speech: long enough that the kill lands while the model is working.
    _send(app, speak(". ".join([DISCLOSURE] * 6)))
    first = queue_and_model.start()
    wait_until(lambda: _transcription_job(app).state is JobState.RUNNING, seconds=60,
               what="the transcription to start")
    queue_and_model.kill(first)
    assert _transcription_job(app).state is JobState.RUNNING
    assert _transcripts_and_flags(app) == ([], [])
    queue_and_model.start()
    wait_until(lambda: _transcription_job(app).state is JobState.DONE, seconds=120,
               what="the next worker to finish the transcription")
    texts, reasons = _transcripts_and_flags(app)
    assert len(texts) == 1 and "feel safe at home" in texts[0].lower()
    assert reasons == ["words"]  # exactly one flag: the killed attempt wrote nothing
    assert _transcription_job(app).attempts == 2
