"""M4A voice notes (iPhone Voice Memos, Safari's MediaRecorder): MP4 boxes, checked and cleaned.

Metadata boxes are turned into "free" boxes of the same size with their contents zeroed,
so no offset into the file changes and no chunk table needs rewriting: iTunes-style tags
(moov/udta/meta/ilst), the QuickTime location atom (udta/©xyz), XMP (uuid), and any box
a player does not need.
"""
from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from typing import NamedTuple

from mutagen import MutagenError
from mutagen.mp4 import MP4

from portal.media.audio_formats import Cleaned, EmptyAudio, MalformedAudio, VideoNotAudio

AUDIO_BRANDS = {b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2", b"iso3", b"iso4",
                b"iso5", b"iso6", b"dash", b"mp4 ", b"msnv"}
AUDIO_CODECS = {b"mp4a", b"Opus"}

# Boxes a player needs; every other box at these levels becomes "free", zeroed (existing
# free, skip and wide boxes too: padding can hide anything).
_KEEP_TOP = {b"ftyp", b"styp", b"moov", b"mdat", b"moof", b"mfra", b"sidx"}
_KEEP_MOOV = {b"mvhd", b"trak", b"mvex", b"iods"}
_KEEP_TRAK = {b"tkhd", b"mdia", b"edts", b"tref"}
_KEEP_MDIA = {b"mdhd", b"hdlr", b"minf"}


class Box(NamedTuple):
    kind: bytes
    start: int
    body: int  # where the contents begin, after the header
    end: int


def ftyp_brands(data: bytes) -> tuple[bytes | None, set[bytes]]:
    """The major brand and every brand of a leading ftyp box, or (None, set())."""
    if data[4:8] != b"ftyp" or len(data) < 16:
        return None, set()
    size = struct.unpack_from(">I", data)[0]
    if not 16 <= size <= min(len(data), 1024):
        return None, set()
    brands = {data[i:i + 4] for i in range(16, size - 3, 4)}
    return data[8:12], brands | {data[8:12]}


def boxes(data: bytes, start: int, end: int) -> Iterator[Box]:
    """The boxes between start and end; each must fit exactly."""
    pos = start
    while pos < end:
        if end - pos < 8:
            raise MalformedAudio("a box header is cut off")
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if end - pos < 16:
                raise MalformedAudio("a large box header is cut off")
            size, header = struct.unpack_from(">Q", data, pos + 8)[0], 16
        elif size == 0:
            size = end - pos  # "to the end of the file"
        if size < header or pos + size > end:
            raise MalformedAudio(f"box {kind!r} is cut off or too small")
        if not all(0x20 <= c < 0x7F or c == 0xA9 for c in kind):
            raise MalformedAudio("not an MP4 box")
        yield Box(kind, pos, pos + header, pos + size)
        pos += size


def _child(data: bytes, parent: Box, kind: bytes) -> Box | None:
    return next((box for box in boxes(data, parent.body, parent.end) if box.kind == kind), None)


def _free(out: bytearray, box: Box) -> None:
    out[box.start + 4:box.start + 8] = b"free"
    out[box.body:box.end] = bytes(box.end - box.body)


def _keep_only(data: bytes, out: bytearray, parent: Box, keep: set[bytes]) -> list[Box]:
    kept = []
    for box in boxes(data, parent.body, parent.end):
        if box.kind in keep:
            kept.append(box)
        else:
            _free(out, box)
    return kept


class _Track(NamedTuple):
    track_id: int
    timescale: int
    ticks: int  # the length of its samples in the moov's table (0 when fragmented)


def _check_track(data: bytes, out: bytearray, trak: Box) -> _Track:
    """Refuse any track but sound in AAC or Opus; free the track's metadata."""
    for box in _keep_only(data, out, trak, _KEEP_TRAK):
        if box.kind == b"mdia":
            _keep_only(data, out, box, _KEEP_MDIA)
    tkhd, mdia = _child(data, trak, b"tkhd"), _child(data, trak, b"mdia")
    hdlr = mdia and _child(data, mdia, b"hdlr")
    mdhd = mdia and _child(data, mdia, b"mdhd")
    if not (tkhd and hdlr and mdhd) or hdlr.end - hdlr.body < 12:
        raise MalformedAudio("a track without its header boxes")
    handler = data[hdlr.body + 8:hdlr.body + 12]
    if handler == b"vide":
        raise VideoNotAudio("a video track")
    if handler != b"soun":
        raise MalformedAudio(f"a {handler!r} track in a voice note")
    stbl = _descend(data, mdia, b"minf", b"stbl")
    stsd = stbl and _child(data, stbl, b"stsd")
    stts = stbl and _child(data, stbl, b"stts")
    if not (stsd and stts):
        raise MalformedAudio("a track without its sample tables")
    # stsd: version and flags, entry count, then the sample entries as boxes.
    sample_entries = {entry.kind for entry in boxes(data, stsd.body + 8, stsd.end)}
    if not sample_entries or not sample_entries <= AUDIO_CODECS:
        raise MalformedAudio(f"codec {sample_entries!r} is not AAC or Opus")
    tkhd_version, mdhd_version = data[tkhd.body], data[mdhd.body]
    track_id = struct.unpack_from(">I", data, tkhd.body + (20 if tkhd_version == 1 else 12))[0]
    timescale = struct.unpack_from(">I", data, mdhd.body + (20 if mdhd_version == 1 else 12))[0]
    if timescale == 0:
        raise MalformedAudio("a track without a time scale")
    return _Track(track_id, timescale, _table_ticks(data, stts))


def _descend(data: bytes, box: Box | None, *kinds: bytes) -> Box | None:
    for kind in kinds:
        if box is None:
            return None
        box = _child(data, box, kind)
    return box


def _table_ticks(data: bytes, stts: Box) -> int:
    """The sum of the time-to-sample table: (sample count, sample duration) pairs."""
    count = struct.unpack_from(">I", data, stts.body + 4)[0]
    if stts.body + 8 + 8 * count > stts.end:
        raise MalformedAudio("the time-to-sample table is cut off")
    table = memoryview(data)[stts.body + 8:stts.body + 8 + 8 * count]
    return sum(samples * delta for samples, delta in struct.iter_unpack(">II", table))


def _fragment_ticks(data: bytes, moofs: list[Box], defaults: dict[int, int]) -> dict[int, int]:
    """Per track, the sum of sample durations in the movie fragments (in its time scale)."""
    ticks: dict[int, int] = {}
    for moof in moofs:
        for traf in boxes(data, moof.body, moof.end):
            if traf.kind != b"traf" or (tfhd := _child(data, traf, b"tfhd")) is None:
                continue
            flags = int.from_bytes(data[tfhd.body + 1:tfhd.body + 4], "big")
            track_id = struct.unpack_from(">I", data, tfhd.body + 4)[0]
            default = defaults.get(track_id, 0)
            if flags & 0x08:
                offset = tfhd.body + 8 + (8 if flags & 0x01 else 0) + (4 if flags & 0x02 else 0)
                default = struct.unpack_from(">I", data, offset)[0]
            for trun in boxes(data, traf.body, traf.end):
                if trun.kind == b"trun":
                    ticks[track_id] = ticks.get(track_id, 0) + _run_ticks(data, trun, default)
    return ticks


def _run_ticks(data: bytes, trun: Box, default: int) -> int:
    flags = int.from_bytes(data[trun.body + 1:trun.body + 4], "big")
    count = struct.unpack_from(">I", data, trun.body + 4)[0]
    if not flags & 0x100:
        return count * default
    first = trun.body + 8 + (4 if flags & 0x01 else 0) + (4 if flags & 0x04 else 0)
    stride = 4 * sum(1 for bit in (0x100, 0x200, 0x400, 0x800) if flags & bit)
    if first + count * stride > trun.end:
        raise MalformedAudio("a fragment run is cut off")
    table = memoryview(data)[first:first + count * stride]
    return sum(row[0] for row in struct.iter_unpack(f">{stride // 4}I", table))


def clean_mp4(data: bytes) -> Cleaned:
    """Check an M4A holds sound tracks only, free its metadata boxes, and measure it."""
    try:
        return _clean(data)
    except (struct.error, IndexError) as exc:
        raise MalformedAudio("a box too short for its contents") from exc


def _clean(data: bytes) -> Cleaned:
    major, brands = ftyp_brands(data)
    if major is None or not brands & AUDIO_BRANDS:
        raise MalformedAudio("not an audio MP4 brand")
    out = bytearray(data)
    top = _keep_only(data, out, Box(b"", 0, 0, len(data)), _KEEP_TOP)
    moovs = [box for box in top if box.kind == b"moov"]
    if len(moovs) != 1:
        raise MalformedAudio("no single moov box")
    tracks = []
    trex_defaults: dict[int, int] = {}
    for box in _keep_only(data, out, moovs[0], _KEEP_MOOV):
        if box.kind == b"trak":
            tracks.append(_check_track(data, out, box))
        elif box.kind == b"mvex":
            for trex in boxes(data, box.body, box.end):
                if trex.kind == b"trex" and trex.end - trex.body >= 16:
                    track_id, _index, duration = struct.unpack_from(">III", data, trex.body + 4)
                    trex_defaults[track_id] = duration
    if not tracks:
        raise MalformedAudio("no tracks")
    cleaned = bytes(out)
    try:
        declared = MP4(io.BytesIO(cleaned)).info.length
    except (MutagenError, struct.error, ValueError, ZeroDivisionError) as exc:
        raise MalformedAudio("mutagen cannot read it") from exc
    # The header's length can be 0 or wrong; the sample tables are what a player follows.
    # Fragmented files (Safari's MediaRecorder) keep their tables in the moof boxes.
    moofs = [box for box in top if box.kind == b"moof"]
    fragments = _fragment_ticks(data, moofs, trex_defaults)
    counted = max((t.ticks + fragments.get(t.track_id, 0)) / t.timescale for t in tracks)
    duration = max(declared, counted)
    if duration > 0:
        return Cleaned(cleaned, duration)
    if moofs:
        return Cleaned(cleaned, None)  # fragments that do not say how long their samples are
    raise EmptyAudio("no samples")
