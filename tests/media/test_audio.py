"""Voice notes are judged by their bytes, lose their tags, and are measured."""
from __future__ import annotations

import io

import pytest
from mutagen.id3 import ID3, ID3NoHeaderError
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus

from portal.media import webm
from portal.media.pipeline import UploadRefused, process_audio
from tests.media import builders

KINDS = "WebM, Ogg, M4A (from an iPhone), MP3 or WAV"


def refusal(data: bytes) -> UploadRefused:
    with pytest.raises(UploadRefused) as refused:
        process_audio(data)
    return refused.value


def test_wav_recording_is_accepted_with_its_length():
    result = process_audio(builders.wav(3.5))

    assert result.content_type == "audio/wav" and result.extension == "wav"
    assert result.duration_seconds == pytest.approx(3.5)


def test_wav_keeps_its_sound_but_not_its_id3_or_info_tags():
    plain = builders.wav(1)
    info = builders.riff_chunk(b"LIST", b"INFO" + builders.riff_chunk(
        b"ICMT", b"recorded at " + builders.LOCATION.encode() + b"\x00"))
    tagged = builders.with_chunks(plain, info, builders.riff_chunk(b"id3 ", builders.id3_tag()))
    assert builders.LOCATION.encode() in tagged

    result = process_audio(tagged + b"<script>appended after the RIFF</script>")

    assert builders.LOCATION.encode() not in result.data
    assert b"ID3" not in result.data and b"LIST" not in result.data
    assert b"script" not in result.data
    assert result.data == plain  # the same sound, wrapped afresh
    assert result.duration_seconds == pytest.approx(1.0)


def test_mp3_loses_its_id3_comment_and_location():
    original = builders.mp3(2.0)
    assert ID3(io.BytesIO(original)).getall("COMM")

    result = process_audio(original)

    assert result.content_type == "audio/mpeg" and result.extension == "mp3"
    with pytest.raises(ID3NoHeaderError):
        ID3(io.BytesIO(result.data))
    assert builders.LOCATION.encode() not in result.data
    assert b"TAG" not in result.data[-128:]
    assert result.data == builders.mp3(2.0, tagged=False)
    assert result.duration_seconds == pytest.approx(2.0, abs=0.03)


def test_ogg_opus_loses_its_comments_and_keeps_its_length():
    original = builders.ogg_opus(3.0)
    assert OggOpus(io.BytesIO(original)).tags["LOCATION"]

    result = process_audio(original)

    assert result.content_type == "audio/ogg" and result.extension == "ogg"
    assert builders.LOCATION.encode() not in result.data
    assert not OggOpus(io.BytesIO(result.data)).tags.keys()
    assert result.duration_seconds == pytest.approx(3.0, abs=0.01)


def test_iphone_voice_memo_loses_its_tags_and_location_atom():
    original = builders.m4a(4.0)
    assert b"+51.5074" in original and MP4(io.BytesIO(original)).tags

    result = process_audio(original)

    assert result.content_type == "audio/mp4" and result.extension == "m4a"
    assert b"+51.5074" not in result.data and b"Nan's" not in result.data
    assert b"\xa9xyz" not in result.data and b"ilst" not in result.data
    assert MP4(io.BytesIO(result.data)).tags is None
    assert len(result.data) == len(original)  # freed in place: no offset moved
    assert result.duration_seconds == pytest.approx(4.0, abs=0.03)


def test_boxes_a_player_does_not_need_are_emptied_in_an_m4a():
    original = builders.m4a(1.0)
    hidden = builders.box(b"free", b"<script>alert(1)</script>") + builders.box(
        b"uuid", b"\xbe\x7a\xcf\xcb\x97\xa9\x42\xe8\x9c\x71\x99\x94\x91\xe3\xaf\xac" + builders.XMP)

    result = process_audio(original + hidden)

    assert b"script" not in result.data and b"xmpmeta" not in result.data
    assert len(result.data) == len(original + hidden)


def test_m4a_with_bytes_that_are_not_boxes_after_it_is_refused():
    assert refusal(builders.m4a(1.0) + b"<html>not a box</html>").reason == "unreadable"


def test_cut_off_m4a_is_refused():
    assert refusal(builders.m4a(1.0)[:-20]).reason == "unreadable"


def test_safari_fragmented_recording_is_measured_from_its_fragments():
    result = process_audio(builders.m4a(2.0, fragmented=True))

    assert result.duration_seconds == pytest.approx(2.0, abs=0.03)


def test_safari_fragmented_recording_of_six_minutes_is_refused_for_length():
    assert refusal(builders.m4a(360, fragmented=True)).reason == "too_long"


def test_video_sent_as_a_voice_note_is_refused():
    for video in (builders.m4a(1, handler=b"vide", codec=b"avc1"), builders.webm(1, video=True)):
        refused = refusal(video)
        assert refused.reason == "video"
        assert str(refused).startswith("That looks like a video")


def test_chrome_recording_without_a_duration_is_measured_from_its_blocks():
    result = process_audio(builders.webm(3.0))

    assert result.content_type == "audio/webm" and result.extension == "webm"
    assert result.duration_seconds == pytest.approx(3.0, abs=0.05)


def test_webm_loses_its_title_and_tags_and_still_reads_the_same():
    original = builders.webm(2.0)
    assert builders.LOCATION.encode() in original and b"At Nan's" in original

    result = process_audio(original)

    assert builders.LOCATION.encode() not in result.data and b"At Nan's" not in result.data
    assert len(result.data) == len(original)  # overwritten by Void elements in place
    again = webm.clean_webm(result.data)
    assert again.data == result.data and again.duration == result.duration_seconds


def test_nothing_after_a_webm_segment_is_kept():
    original = builders.webm(1.0, sized=True, tags=False, title=False)

    result = process_audio(original + b"<html><script>alert(1)</script></html>")

    assert result.data == original


def test_cut_off_webm_is_refused():
    assert refusal(builders.webm(2.0, sized=True)[:-300]).reason == "unreadable"


def test_six_minute_webm_is_refused_for_length():
    assert refusal(builders.webm(360, tags=False)).reason == "too_long"


def test_matroska_video_container_is_not_taken_for_webm():
    assert refusal(builders.webm(1, doc_type=b"matroska")).reason == "unreadable"


def test_ogg_header_followed_by_garbage_is_refused():
    refused = refusal(b"OggS" + bytes(range(256)) * 8)

    assert refused.reason == "unreadable"
    assert KINDS in str(refused)


def test_cut_off_ogg_is_refused():
    assert refusal(builders.ogg_opus(2.0)[:-50]).reason == "unreadable"


def test_six_minute_wav_is_refused_for_length():
    six_minutes = builders.wav(360)  # 8 kHz mono 8-bit: about 2.9 MB
    assert len(six_minutes) < 3 * 1024 * 1024

    refused = refusal(six_minutes)

    assert refused.reason == "too_long"
    assert str(refused) == "That voice note is too long. Voice notes can be up to 5 minutes."


def test_voice_note_over_10_mb_is_refused_for_its_size():
    refused = refusal(b"RIFF" + bytes(11 * 1024 * 1024))

    assert refused.reason == "too_big"
    assert str(refused) == "That voice note is too big. Voice notes can be up to 10 MB."


def test_empty_file_and_silent_wav_are_refused_as_empty():
    assert refusal(b"").reason == "empty"
    assert refusal(builders.wav(0)).reason == "empty"


@pytest.mark.parametrize("data", [
    b"Dear ISRO, this is a text file, not a voice note.\n",
    b"<!DOCTYPE html><audio src=x onerror=alert(1)>",
    b"ID3\x04\x00\x00\x00\x00\x00\x00fLaC" + bytes(100),
    b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00" + bytes(16),
    b"\x00\x00\x00\x14ftypheic\x00\x00\x00\x00mif1" + bytes(40),
])
def test_anything_but_a_voice_note_is_refused_kindly(data):
    refused = refusal(data)

    assert refused.reason == "unreadable"
    assert str(refused).startswith("We could not play that voice note.")
    assert KINDS in str(refused)
