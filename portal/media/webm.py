"""WebM voice notes (Chrome's and Firefox's MediaRecorder): EBML elements, checked and cleaned.

Every element is walked, so a cut-off file is refused and nothing after the Segment is
kept. Tags, attachments, chapters and the title are overwritten in place by Void elements
of the same size, so no offset (SeekHead, Cues) changes.
"""
from __future__ import annotations

import struct

from portal.media.audio_formats import Cleaned, EmptyAudio, MalformedAudio, VideoNotAudio

EBML = 0x1A45DFA3
DOC_TYPE = 0x4282
SEGMENT = 0x18538067
SEEK_HEAD, INFO, TRACKS, CLUSTER = 0x114D9B74, 0x1549A966, 0x1654AE6B, 0x1F43B675
CUES, CHAPTERS, TAGS, ATTACHMENTS = 0x1C53BB6B, 0x1043A770, 0x1254C367, 0x1941A469
VOID, CRC32 = 0xEC, 0xBF
TIMECODE_SCALE, DURATION, TITLE = 0x2AD7B1, 0x4489, 0x7BA9
TRACK_ENTRY, TRACK_TYPE, CODEC_ID, VIDEO = 0xAE, 0x83, 0x86, 0xE0
CLUSTER_TIMECODE, SIMPLE_BLOCK, BLOCK_GROUP, BLOCK = 0xE7, 0xA3, 0xA0, 0xA1

# An unknown-sized Cluster ends where one of these begins.
SEGMENT_LEVEL = {SEEK_HEAD, INFO, TRACKS, CLUSTER, CUES, CHAPTERS, TAGS, ATTACHMENTS}
_KEEP_IN_SEGMENT = {SEEK_HEAD, INFO, TRACKS, CLUSTER, CUES, VOID, CRC32}
AUDIO_CODECS = {b"A_OPUS", b"A_VORBIS"}
_AUDIO_TRACK, _VIDEO_TRACK = 2, 1


def _vint(data: bytes, pos: int, end: int, *, marker: bool) -> tuple[int, int, bool]:
    """An EBML variable-length integer: (value, length, all-ones)."""
    if pos >= end or data[pos] == 0:
        raise MalformedAudio("a bad EBML number")
    length = 9 - data[pos].bit_length()
    if pos + length > end or (marker and length > 4):
        raise MalformedAudio("an EBML number is cut off")
    value = int.from_bytes(data[pos:pos + length], "big")
    if marker:
        return value, length, False
    value &= (1 << 7 * length) - 1
    return value, length, value == (1 << 7 * length) - 1


def _header(data: bytes, pos: int, end: int) -> tuple[int, int | None, int]:
    """(element id, size or None when unknown, where its contents begin)."""
    element, id_length, _ = _vint(data, pos, end, marker=True)
    size, size_length, unknown = _vint(data, pos + id_length, end, marker=False)
    return element, None if unknown else size, pos + id_length + size_length


def _children(data: bytes, start: int, end: int):
    pos = start
    while pos < end:
        element, size, body = _header(data, pos, end)
        if size is None or body + size > end:
            raise MalformedAudio(f"element {element:#x} is cut off or of unknown size")
        yield element, pos, body, body + size
        pos = body + size


def _uint(data: bytes, body: int, end: int) -> int:
    return int.from_bytes(data[body:end], "big")


def _void(out: bytearray, start: int, end: int) -> None:
    """Overwrite an element with a Void element of exactly the same length."""
    length = min(8, end - start - 1)
    out[start] = VOID
    out[start + 1:start + 1 + length] = ((1 << 7 * length) | (end - start - 1 - length)).to_bytes(
        length, "big")
    out[start + 1 + length:end] = bytes(end - start - 1 - length)


class _Walk:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.out = bytearray(data)
        self.timecode_scale = 1_000_000  # nanoseconds per tick, Matroska's default
        self.declared: float | None = None
        self.first_block: int | None = None
        self.last_block: int | None = None
        self.tracks = 0

    def info(self, body: int, end: int) -> None:
        for element, start, child, child_end in _children(self.data, body, end):
            if element == TIMECODE_SCALE:
                self.timecode_scale = _uint(self.data, child, child_end)
            elif element == DURATION and child_end - child in (4, 8):
                fmt = ">f" if child_end - child == 4 else ">d"
                self.declared = struct.unpack_from(fmt, self.data, child)[0]
            elif element == TITLE:
                _void(self.out, start, child_end)
        if not 0 < self.timecode_scale <= 1_000_000_000:
            raise MalformedAudio("a nonsense time scale")

    def track_list(self, body: int, end: int) -> None:
        for element, _start, entry, entry_end in _children(self.data, body, end):
            if element != TRACK_ENTRY:
                continue
            fields = {e: (b, e_end) for e, _s, b, e_end in _children(self.data, entry, entry_end)}
            kind = _uint(self.data, *fields[TRACK_TYPE]) if TRACK_TYPE in fields else None
            if kind == _VIDEO_TRACK or VIDEO in fields:
                raise VideoNotAudio("a video track")
            codec = self.data[slice(*fields[CODEC_ID])] if CODEC_ID in fields else b""
            if kind != _AUDIO_TRACK or codec not in AUDIO_CODECS:
                raise MalformedAudio(f"track type {kind}, codec {codec!r}")
            self.tracks += 1

    def block(self, body: int, end: int, cluster_time: int) -> None:
        _track, length, _ = _vint(self.data, body, end, marker=False)
        if body + length + 2 > end:
            raise MalformedAudio("a block is cut off")
        time = cluster_time + struct.unpack_from(">h", self.data, body + length)[0]
        if self.first_block is None or self.last_block is None:
            self.first_block = self.last_block = time
        self.first_block = min(self.first_block, time)
        self.last_block = max(self.last_block, time)

    def cluster(self, body: int, end: int, *, sized: bool) -> int:
        """Walk a cluster's blocks; returns where the cluster ends."""
        cluster_time = 0
        pos = body
        while pos < end:
            element, size, child = _header(self.data, pos, end)
            if not sized and element in SEGMENT_LEVEL:
                return pos
            if size is None or child + size > end:
                raise MalformedAudio("a cluster element is cut off")
            child_end = child + size
            if element == CLUSTER_TIMECODE:
                cluster_time = _uint(self.data, child, child_end)
            elif element == SIMPLE_BLOCK:
                self.block(child, child_end, cluster_time)
            elif element == BLOCK_GROUP:
                for inner, _s, inner_body, inner_end in _children(self.data, child, child_end):
                    if inner == BLOCK:
                        self.block(inner_body, inner_end, cluster_time)
            pos = child_end
        return end

    def segment(self, body: int, end: int) -> None:
        pos = body
        while pos < end:
            element, size, child = _header(self.data, pos, end)
            if size is None:
                if element != CLUSTER:
                    raise MalformedAudio(f"element {element:#x} of unknown size")
                pos = self.cluster(child, end, sized=False)
                continue
            child_end = child + size
            if child_end > end:
                raise MalformedAudio(f"element {element:#x} is cut off")
            if element == INFO:
                self.info(child, child_end)
            elif element == TRACKS:
                self.track_list(child, child_end)
            elif element == CLUSTER:
                self.cluster(child, child_end, sized=True)
            elif element not in _KEEP_IN_SEGMENT:
                _void(self.out, pos, child_end)  # Tags, Attachments, Chapters, the unknown
            pos = child_end

    def duration(self) -> float:
        span = (self.last_block or 0) - (self.first_block or 0)
        ticks = max(self.declared or 0.0, float(span))
        return ticks * self.timecode_scale / 1e9


def _doc_type(data: bytes, body: int, end: int) -> bytes:
    for element, _start, child, child_end in _children(data, body, end):
        if element == DOC_TYPE:
            return data[child:child_end].rstrip(b"\x00")
    return b""


def clean_webm(data: bytes) -> Cleaned:
    """Check a WebM holds Opus or Vorbis sound only, void its metadata, and measure it.

    MediaRecorder writes no Duration (it streams as it records), so the length is also
    taken from the blocks' timestamps, which every file with sound has; the longer wins.
    """
    try:
        return _clean(data)
    except (struct.error, IndexError) as exc:
        raise MalformedAudio("an element too short for its contents") from exc


def _clean(data: bytes) -> Cleaned:
    element, size, body = _header(data, 0, len(data))
    if element != EBML or size is None or body + size > len(data):
        raise MalformedAudio("no EBML header")
    if _doc_type(data, body, body + size) != b"webm":
        raise MalformedAudio("not WebM (Matroska video, perhaps)")
    pos = body + size
    while True:
        element, size, body = _header(data, pos, len(data))
        if element == SEGMENT:
            break
        if element != VOID or size is None:
            raise MalformedAudio("no Segment after the EBML header")
        pos = body + size
    # A Segment of unknown size (MediaRecorder streams) runs to the end of the file.
    end = len(data) if size is None else body + size
    if end > len(data):
        raise MalformedAudio("the Segment is cut off")
    walk = _Walk(data)
    walk.segment(body, end)
    if walk.tracks == 0:
        raise MalformedAudio("no audio track")
    if walk.first_block is None:
        raise EmptyAudio("no blocks")
    # Anything after a sized Segment (an appended file, say) is not kept.
    return Cleaned(bytes(walk.out[:end]), walk.duration())
