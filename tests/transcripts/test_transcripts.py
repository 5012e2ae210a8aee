"""Voice notes are transcribed on the server by a real Whisper model, checked against the
safety word lists like typed words, shown to the ISRO marked as a computer's guess, and
deleted with the recording."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from portal import clock, db, jobs, retention
from portal.accounts.models import Role
from portal.audit import AuditEvent
from portal.clock import LONDON
from portal.consultations.models import Kind, Submission
from portal.media.models import StoredFile
from portal.media.serving import app_store
from portal.messages.models import Flag, Message
from portal.transcripts import engine
from portal.transcripts.models import Transcript
from portal.transcripts.operations import transcribe_voice_note
from tests.helpers import post_form, sign_in
from tests.transcripts.conftest import speak

pytestmark = pytest.mark.transcribe

DISCLOSURE = "I don't feel safe at home, he hits me"


@pytest.fixture
def family(make):
    isro = make.account(Role.ISRO)
    child = make.child(14, isro=isro, username="voice14", name="Sam")
    return {"isro": isro, "child": child}


def _send_voice_note(app, username: str, audio: bytes) -> int:
    client = app.test_client()
    sign_in(client, username)
    response = post_form(client, "/my-say/voice", {
        "file": (io.BytesIO(audio), "note.wav"), "title": "About home", "visibility": "isro"},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _transcript_of(app, submission_id: int) -> Transcript | None:
    with app.app_context():
        item = db.session().get(Submission, submission_id)
        return db.session().scalar(select(Transcript).where(
            Transcript.stored_file_id == item.file_id))


def test_a_child_saying_he_hits_me_in_a_voice_note_raises_a_flag_the_isro_reads(
        app, family, transcribing, signed_in):
    thing = _send_voice_note(app, "voice14", speak(DISCLOSURE))

    transcript = _transcript_of(app, thing)
    assert transcript is not None
    words = transcript.text.lower()
    assert "feel safe at home" in words and "hits me" in words
    assert transcript.language == "en" and transcript.english_text is None
    assert transcript.model == "whisper-base" and transcript.seconds_taken > 0
    with app.app_context():
        flag = db.session().scalars(select(Flag).where(
            Flag.child_id == family["child"].id)).one()
        assert flag.reason == "words" and flag.submission_id == thing
        assert "feel safe" in flag.matched

    isro = signed_in(family["isro"])
    html = isro.get(f"/things/{thing}").get_data(as_text=True)
    assert "Made by a computer, may be wrong. Listen to the recording." in html
    assert "whisper-base" in html
    assert f'<bdi dir="auto" lang="en" class="written">{transcript.text}' \
        .replace("'", "&#39;") in html
    with app.app_context():
        read = db.session().scalars(select(AuditEvent).where(
            AuditEvent.action == "staff.viewed_transcript")).one()
        assert read.actor_id == family["isro"].id and read.child_id == family["child"].id
        assert read.subject == f"transcript:{transcript.id}"


def test_the_child_does_not_see_the_computers_transcript_of_their_own_note(
        app, family, transcribing):
    thing = _send_voice_note(app, "voice14", speak("I like football at school"))
    child = app.test_client()
    sign_in(child, "voice14")
    html = child.get(f"/things/{thing}").get_data(as_text=True)
    assert "<audio controls" in html and "Made by a computer" not in html


def test_with_no_model_installed_the_isro_is_told_transcripts_are_off(app, family, signed_in):
    thing = _send_voice_note(app, "voice14", speak(DISCLOSURE))
    assert _transcript_of(app, thing) is None
    with app.app_context():
        assert db.session().scalars(select(Flag)).all() == []
    html = signed_in(family["isro"]).get(f"/things/{thing}").get_data(as_text=True)
    assert "<audio controls" in html
    assert "Transcripts are off" in html


def test_a_voice_note_sent_as_a_message_raises_a_flag_the_isro_reads_in_the_conversation(
        app, family, transcribing, make, signed_in):
    message = make.message(family["child"], "listen to this", attachment=speak(DISCLOSURE))
    with app.app_context():
        flag = db.session().scalars(select(Flag).where(Flag.reason == "words")).one()
        assert flag.message_id == message.id and flag.submission_id is None
        file_id = db.session().get(Message, message.id).file_id
        transcript = db.session().scalar(select(Transcript).where(
            Transcript.stored_file_id == file_id))
    html = signed_in(family["isro"]).get(
        f"/conversations/{message.conversation_id}").get_data(as_text=True)
    assert "Made by a computer, may be wrong. Listen to the recording." in html
    assert f'id="transcript-{message.id}"' in html and "hits me" in html
    with app.app_context():
        assert db.session().scalars(select(AuditEvent.subject).where(
            AuditEvent.action == "staff.viewed_transcript")).all() == [
                f"transcript:{transcript.id}"]


def test_transcribing_the_same_note_twice_makes_one_transcript_and_one_flag(
        app, family, transcribing):
    thing = _send_voice_note(app, "voice14", speak(DISCLOSURE))
    with app.app_context():
        file_id = db.session().get(Submission, thing).file_id
        transcribe_voice_note(file_id)  # a retried job after the first one finished
        assert len(db.session().scalars(select(Transcript)).all()) == 1
        assert len(db.session().scalars(select(Flag)).all()) == 1


def test_a_dari_speaking_childs_note_is_heard_as_persian_with_an_english_translation(
        app, make, transcribing):
    isro = make.account(Role.ISRO)
    make.child(15, isro=isro, username="dari15", name="Ahmad", language="fa_AF")
    thing = _send_voice_note(app, "dari15", speak("من در خانه احساس امنیت نمی کنم", voice="fa"))
    transcript = _transcript_of(app, thing)
    assert transcript.language == "fa"
    assert transcript.english_text  # Whisper's English, whatever its quality


def test_whisper_is_told_the_childs_language_where_it_has_it_and_detects_the_rest():
    assert engine.whisper_language("fa_AF") == "fa"
    assert engine.whisper_language("ps") == "ps"
    assert engine.whisper_language("en") == "en"
    # Whisper has no Sorani or Tigrinya: it listens and decides.
    assert engine.whisper_language("ckb") is None
    assert engine.whisper_language("ti") is None


def _stored_voice_note(app, make, family, text: str) -> int:
    from portal.consultations import operations

    with app.app_context():
        child = db.session().merge(family["child"])
        item = operations.add_file(child, child.account, Kind.VOICE, speak(text))
        return item.file_id


def test_a_job_past_its_time_limit_is_stopped_and_leaves_no_transcript(
        app, family, make, whisper_model):
    file_id = _stored_voice_note(app, make, family, DISCLOSURE)  # transcripts off: no job
    before = app.config["PORTAL"]
    app.config["PORTAL"] = replace(before, transcribe_model=whisper_model,
                                   transcribe_timeout_seconds=1)
    try:
        with app.app_context():
            engine.stop_all()  # a cold start: loading the model alone takes longer than 1 s
            with pytest.raises(jobs.TryLater, match="time limit"):
                transcribe_voice_note(file_id)
            assert db.session().scalars(select(Transcript)).all() == []
    finally:
        app.config["PORTAL"] = before


def test_a_job_over_its_memory_cap_fails_without_harming_the_worker(
        app, family, make, whisper_model):
    file_id = _stored_voice_note(app, make, family, DISCLOSURE)
    before = app.config["PORTAL"]
    app.config["PORTAL"] = replace(before, transcribe_model=whisper_model,
                                   transcribe_memory_mb=300)
    try:
        with app.app_context():
            with pytest.raises(jobs.TryLater, match="did not load|out of memory"):
                transcribe_voice_note(file_id)
            assert db.session().scalars(select(Transcript)).all() == []
    finally:
        app.config["PORTAL"] = before


TODAY = date(2026, 3, 2)


def test_the_transcript_is_deleted_with_the_recording_when_retention_runs(
        app, family, transcribing):
    thing = _send_voice_note(app, "voice14", speak("I like football at school"))
    transcript = _transcript_of(app, thing)
    assert transcript is not None
    exported = datetime.combine(TODAY - timedelta(days=100), time(12), tzinfo=LONDON)
    with app.app_context():
        session = db.session()
        name = session.get(Submission, thing).file.name
        session.execute(update(Submission).where(Submission.id == thing)
                        .values(exported_at=exported))
        session.commit()
    with clock.fixed(datetime.combine(TODAY, time(12), tzinfo=LONDON)), app.app_context():
        planned = retention.plan(TODAY)
        assert thing in planned.ids["submissions"]
        retention.apply(planned)
    with app.app_context():
        session = db.session()
        assert session.get(Submission, thing) is None
        assert session.get(StoredFile, transcript.stored_file_id) is None
        assert session.get(Transcript, transcript.id) is None
        assert not app_store().exists(name)


def test_deleting_a_stored_recording_cascades_to_its_transcript_in_the_database(
        app, family, transcribing):
    thing = _send_voice_note(app, "voice14", speak("I like football at school"))
    transcript = _transcript_of(app, thing)
    with app.app_context():
        session = db.session()
        session.execute(StoredFile.__table__.delete().where(
            StoredFile.id == transcript.stored_file_id))
        session.commit()
        assert session.get(Transcript, transcript.id) is None


def test_a_worker_killed_mid_job_takes_its_model_process_with_it(whisper_model):
    import signal
    import subprocess
    import sys
    import time as wall_clock

    from portal.config import PROJECT_ROOT

    worker = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        f"sys.path.insert(0, {str(PROJECT_ROOT)!r})\n"
        "from pathlib import Path\n"
        "from portal.transcripts import engine\n"
        f"e = engine.Engine(Path({str(whisper_model)!r}), memory_mb=4096, threads=1)\n"
        "e._started(time.monotonic() + 60)\n"
        "print(e._process.pid, flush=True)\n"
        "time.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    try:
        model_process = int(worker.stdout.readline())
        assert Path(f"/proc/{model_process}").exists()
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    deadline = wall_clock.monotonic() + 10
    while wall_clock.monotonic() < deadline and _running(model_process):
        wall_clock.sleep(0.2)  # a real process's exit: no clock to fix
    assert not _running(model_process)


def _running(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "zombie" not in status.read_text()
    except FileNotFoundError:
        return False


def test_a_council_that_names_a_folder_with_no_model_is_told_at_start_up(tmp_path, whisper_model):
    from portal.config import Config, ConfigError

    base = {"PORTAL_ENV": "testing", "PORTAL_INSTANCE_DIR": str(tmp_path)}
    assert Config.from_env(base).transcribe_model is None  # unset: transcripts off
    with pytest.raises(ConfigError, match="PORTAL_TRANSCRIBE_MODEL"):
        Config.from_env({**base, "PORTAL_TRANSCRIBE_MODEL": str(tmp_path / "nothing")})
    config = Config.from_env({**base, "PORTAL_TRANSCRIBE_MODEL": str(whisper_model),
                              "PORTAL_TRANSCRIBE_TIMEOUT_SECONDS": "300"})
    assert config.transcribe_model == whisper_model
    assert config.transcribe_timeout_seconds == 300 and config.transcribe_memory_mb == 4096
