"""WAV, MP3 and Ogg voice notes: check the structure, keep only the sound, measure it.

Each ``clean_*`` takes the uploaded bytes and returns ``Cleaned`` (bytes to store and the
length in seconds), or raises ``MalformedAudio``. Messages for children are made by
``pipeline``; nothing here knows about Flask.
"""
from __future__ import annotations

import io
import struct
from typing import NamedTuple

from mutagen import MutagenError
from mutagen.ogg import OggPage
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE


class MalformedAudio(ValueError):
    """Not a voice note we can keep: unreadable, cut off, or not the kind it claims."""


class EmptyAudio(MalformedAudio):
    """A well-formed file with no sound in it."""


class VideoNotAudio(MalformedAudio):
    """A video (or a file with a picture track) sent as a voice note."""


class Cleaned(NamedTuple):
    data: bytes
    # None when the file does not say how long it is.
    duration: float | None


# --- WAV --------------------------------------------------------------------------------

_WAV_FORMATS = {1, 3, 0xFFFE}  # PCM, IEEE float, WAVE_FORMAT_EXTENSIBLE


def _chunk(name: bytes, body: bytes) -> bytes:
    return name + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")


def clean_wav(data: bytes) -> Cleaned:
    """Re-wrap the WAV with its "fmt " and "data" chunks only.

    Every other chunk (LIST/INFO names and comments, "id3 " tags, bext, anything appended
    after the RIFF) is left behind.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise MalformedAudio("not a RIFF WAVE file")
    riff_end = 8 + struct.unpack_from("<I", data, 4)[0]
    if riff_end > len(data):
        raise MalformedAudio("the RIFF is cut off")
    chunks: dict[bytes, bytes] = {}
    pos = 12
    while pos + 8 <= riff_end:
        name = data[pos:pos + 4]
        size = struct.unpack_from("<I", data, pos + 4)[0]
        body_end = pos + 8 + size
        if body_end > riff_end:
            raise MalformedAudio(f"chunk {name!r} is cut off")
        chunks.setdefault(name, data[pos + 8:body_end])
        pos = body_end + size % 2
    fmt, sound = chunks.get(b"fmt "), chunks.get(b"data")
    if fmt is None or sound is None or len(fmt) < 16:
        raise MalformedAudio("no fmt or data chunk")
    format_tag, channels, rate, _byte_rate, block_align, bits = struct.unpack_from("<HHIIHH", fmt)
    if (format_tag not in _WAV_FORMATS or not 1 <= channels <= 8 or not 8000 <= rate <= 192000
            or block_align < 1 or bits not in (8, 16, 24, 32, 64)):
        raise MalformedAudio("not a WAV format browsers play")
    sound = sound[:len(sound) - len(sound) % block_align]  # no half sample frames
    if not sound:
        raise EmptyAudio("no samples")
    body = b"WAVE" + _chunk(b"fmt ", fmt)
    if b"fact" in chunks and len(chunks[b"fact"]) >= 4:
        body += _chunk(b"fact", chunks[b"fact"][:4])  # the sample count float WAVs carry
    body += _chunk(b"data", sound)
    cleaned = b"RIFF" + struct.pack("<I", len(body)) + body
    try:
        duration = WAVE(io.BytesIO(cleaned)).info.length
    except (MutagenError, struct.error, ZeroDivisionError) as exc:
        raise MalformedAudio("mutagen cannot read it") from exc
    return Cleaned(cleaned, duration)


# --- MP3 --------------------------------------------------------------------------------

# Layer III bit rates in kbit/s by index, for MPEG-1 and for MPEG-2/2.5.
_MP3_BITRATES = {
    True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
# Sample rates by the version bits: 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5.
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
# What may follow the last frame: ID3v1, APEv2, Lyrics3 or an appended ID3v2 tag.
_MP3_TRAILERS = (b"TAG", b"APETAGEX", b"LYRICSBEGIN", b"ID3", b"3DI")
# Bytes after the last whole frame that are let go without a tag marker (a cut-off frame).
_MP3_LOOSE_TAIL = 4096


class Mp3Frame(NamedTuple):
    length: int
    samples: int
    rate: int


def mp3_frame_at(data: bytes, pos: int) -> Mp3Frame | None:
    """The MPEG-1/2/2.5 Layer III frame whose header starts at pos, if one does."""
    if pos + 4 > len(data) or data[pos] != 0xFF or data[pos + 1] & 0xE0 != 0xE0:
        return None
    version = (data[pos + 1] >> 3) & 3
    layer = (data[pos + 1] >> 1) & 3
    bitrate_index, rate_index = data[pos + 2] >> 4, (data[pos + 2] >> 2) & 3
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    mpeg1 = version == 3
    samples = 1152 if mpeg1 else 576
    bitrate = _MP3_BITRATES[mpeg1][bitrate_index] * 1000
    rate = _MP3_RATES[version][rate_index]
    padding = (data[pos + 2] >> 1) & 1
    return Mp3Frame(samples // 8 * bitrate // rate + padding, samples, rate)


def _after_id3v2(data: bytes) -> int:
    pos = 0
    while data[pos:pos + 3] == b"ID3" and pos + 10 <= len(data):
        size = 0
        for byte in data[pos + 6:pos + 10]:  # "synchsafe": 7 bits a byte
            size = size << 7 | (byte & 0x7F)
        footer = 10 if data[pos + 5] & 0x10 else 0
        pos += 10 + size + footer
    # Some encoders pad the tag with zeros that its size does not count.
    rest = data[pos:]
    return pos + len(rest) - len(rest.lstrip(b"\x00"))


def clean_mp3(data: bytes) -> Cleaned:
    """Keep the run of MPEG audio frames and nothing else: every ID3v2, ID3v1 and APE tag goes.

    The length is counted frame by frame (mutagen would estimate it from the file size).
    """
    start = pos = _after_id3v2(data)
    samples, rate = 0, None
    while (frame := mp3_frame_at(data, pos)) is not None and pos + frame.length <= len(data):
        if rate not in (None, frame.rate):
            break
        rate = frame.rate
        samples += frame.samples
        pos += frame.length
    if rate is None:
        raise MalformedAudio("no MPEG audio frames")
    tail = data[pos:]
    if len(tail) > _MP3_LOOSE_TAIL and not tail.startswith(_MP3_TRAILERS):
        raise MalformedAudio("something other than audio follows the frames")
    return Cleaned(data[start:pos], samples / rate)


# --- Ogg (Opus or Vorbis) ---------------------------------------------------------------

def clean_ogg(data: bytes) -> Cleaned:
    """Check every page is whole and of one Opus or Vorbis stream; empty its comments."""
    stream = io.BytesIO(data)
    serials: set[int] = set()
    first = None
    while stream.tell() < len(data):
        try:
            page = OggPage(stream)
        except (MutagenError, EOFError, struct.error, ValueError) as exc:
            raise MalformedAudio("a broken or cut-off Ogg page") from exc
        first = first or page
        serials.add(page.serial)
    if first is None or not first.packets:
        raise MalformedAudio("no Ogg pages")
    head = first.packets[0]
    if head.startswith((b"\x80theora", b"\x80daala")) or len(serials) > 1:
        # A second logical stream in a voice note is a picture or video track.
        raise VideoNotAudio("more than one stream, or a video stream")
    if head.startswith(b"OpusHead"):
        kind = OggOpus
    elif head.startswith(b"\x01vorbis"):
        kind = OggVorbis
    else:
        raise MalformedAudio("not Opus or Vorbis")
    buffer = io.BytesIO(data)
    try:
        audio = kind(buffer)
        duration = audio.info.length
        # Comments can carry names, places and cover pictures; the encoder's name stays.
        audio.delete(buffer)
    except (MutagenError, EOFError, struct.error, ValueError, ZeroDivisionError) as exc:
        raise MalformedAudio("mutagen cannot read it") from exc
    if duration <= 0:
        raise EmptyAudio("no samples")
    return Cleaned(buffer.getvalue(), duration)
