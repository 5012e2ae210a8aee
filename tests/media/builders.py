"""Pictures and voice notes made in code, so no binary fixtures are committed.

Each builder makes the smallest file that real software would accept, carrying the
metadata a phone or an app would add (GPS, names, comments) so tests can show it goes.
"""
from __future__ import annotations

import io
import struct
import wave

import pillow_heif
from mutagen.id3 import COMM, ID3, TIT2, TXXX
from mutagen.ogg import OggPage
from PIL import Image, ImageCms

GPS_IFD = 0x8825
ORIENTATION = 0x0112
LOCATION = "51.5074,-0.1278"  # where a child is placed: must never survive


# --- Pictures ---------------------------------------------------------------------------

def phone_exif(*, orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Apple"  # Make
    exif[0x0110] = "iPhone 15"  # Model
    exif[0x0132] = "2025:11:26 10:00:00"  # DateTime
    if orientation:
        exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({
        1: "N", 2: (51.0, 30.0, 26.64), 3: "W", 4: (0.0, 7.0, 40.08),
    })
    return exif


XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
       b'02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
       b'exif:GPSLatitude="51,30.44N"/></rdf:RDF></x:xmpmeta>')


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def photo(size: tuple[int, int] = (640, 480), *, grain: int = 24) -> Image.Image:
    """A photo-like RGB picture: a gradient with some grain."""
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, grain)
    mirrored = gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return Image.merge("RGB", (gradient, noise, mirrored))


def jpeg(image: Image.Image, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **params)
    return buffer.getvalue()


def phone_jpeg(size: tuple[int, int] = (640, 480), *, orientation: int | None = None,
               quality: int = 90) -> bytes:
    """A JPEG as a phone makes it: EXIF with GPS, XMP, an ICC profile and a comment."""
    return jpeg(photo(size), exif=phone_exif(orientation=orientation), xmp=XMP,
                icc_profile=srgb_icc(), comment=b"Taken at " + LOCATION.encode(),
                quality=quality)


def sideways(width: int = 200, height: int = 100) -> Image.Image:
    """Red on the left half, blue on the right: stored as a phone held sideways stores it."""
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, width // 2, height))
    return image


def sideways_jpeg(width: int = 200, height: int = 100) -> bytes:
    """With EXIF Orientation 6: shown upright it is tall, with red at the top."""
    return jpeg(sideways(width, height), exif=phone_exif(orientation=6), quality=95)


def heic(image: Image.Image, **params) -> bytes:
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    image.save(buffer, format="HEIF", quality=50, **params)
    return buffer.getvalue()


def png(image: Image.Image, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **params)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims to be width x height, with no pixel data worth the name."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        import zlib

        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"x\x9c\x03\x00")
            + chunk(b"IEND", b""))


def animated_gif(colours: list[tuple[int, int, int]]) -> bytes:
    frames = [Image.new("RGB", (40, 30), colour) for colour in colours]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def jpeg_segments(data: bytes) -> list[int]:
    """The markers of a JPEG's header segments, up to the start of the scan."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [], 2
    while pos < len(data):
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan
            break
        pos += 2 + struct.unpack_from(">H", data, pos + 2)[0]
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    kinds, pos = [], 8
    while pos < len(data):
        length = struct.unpack_from(">I", data, pos)[0]
        kinds.append(data[pos + 4:pos + 8])
        pos += 12 + length
    return kinds


# --- Voice notes ------------------------------------------------------------------------

def wav(seconds: float, *, rate: int = 8000, width: int = 1, channels: int = 1) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(b"\x80" * int(seconds * rate) * width * channels)
    return buffer.getvalue()


def riff_chunk(name: bytes, body: bytes) -> bytes:
    return name + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")


def with_chunks(wav_bytes: bytes, *chunks: bytes) -> bytes:
    """Add chunks inside the RIFF (and fix its size)."""
    body = wav_bytes[8:] + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def id3_tag() -> bytes:
    tags = ID3()
    tags.add(TIT2(encoding=3, text="Me at Nan's"))
    tags.add(COMM(encoding=3, lang="eng", desc="", text="recorded at " + LOCATION))
    tags.add(TXXX(encoding=3, desc="location", text=LOCATION))
    buffer = io.BytesIO()
    tags.save(buffer)
    return buffer.getvalue()


MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(413)  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz
MP3_FRAME_SECONDS = 1152 / 44100


def mp3(seconds: float, *, tagged: bool = True) -> bytes:
    frames = MP3_FRAME * round(seconds / MP3_FRAME_SECONDS)
    if not tagged:
        return frames
    id3v1 = b"TAG" + b"Me at Nan's".ljust(30, b"\x00") + bytes(95)
    return id3_tag() + frames + id3v1


def _ogg_page(packets: list[bytes], *, serial: int, sequence: int, position: int,
              first: bool = False, last: bool = False) -> bytes:
    page = OggPage()
    page.serial, page.sequence, page.position = serial, sequence, position
    page.first, page.last = first, last
    page.packets = packets
    return page.write()


def ogg_opus(seconds: float, *, comments: list[str] | None = None) -> bytes:
    """An Ogg Opus stream as Firefox's MediaRecorder makes it (20 ms packets of silence)."""
    pre_skip, serial = 312, 0x5EED
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, pre_skip, 48000, 0, 0)
    comments = comments if comments is not None else [f"LOCATION={LOCATION}", "TITLE=Nan's"]
    vendor = b"Mozilla"
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", len(comments))
    tags += b"".join(struct.pack("<I", len(c.encode())) + c.encode() for c in comments)
    pages = [_ogg_page([head], serial=serial, sequence=0, position=0, first=True),
             _ogg_page([tags], serial=serial, sequence=1, position=0)]
    packets = round(seconds / 0.02)
    per_page = 50
    for index, start in enumerate(range(0, packets, per_page)):
        count = min(per_page, packets - start)
        pages.append(_ogg_page([b"\xf8\xff\xfe"] * count, serial=serial, sequence=2 + index,
                               position=pre_skip + (start + count) * 960,
                               last=start + count >= packets))
    return b"".join(pages)


def box(kind: bytes, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I", 8 + len(body)) + kind + body


def full_box(kind: bytes, *parts: bytes, version: int = 0, flags: int = 0) -> bytes:
    return box(kind, struct.pack(">I", version << 24 | flags), *parts)


def _esds() -> bytes:
    """AAC-LC, 44.1 kHz, mono: the decoder description an M4A's sample entry carries."""
    def descriptor(tag: int, body: bytes) -> bytes:
        return bytes([tag, len(body)]) + body

    decoder = descriptor(4, bytes([0x40, 0x15]) + bytes(3) + struct.pack(">II", 64000, 64000)
                         + descriptor(5, b"\x12\x08"))
    return full_box(b"esds", descriptor(3, struct.pack(">HB", 1, 0) + decoder
                                        + descriptor(6, b"\x02")))


def m4a(seconds: float, *, handler: bytes = b"soun", codec: bytes = b"mp4a",
        fragmented: bool = False) -> bytes:
    """An M4A as iPhone Voice Memos makes it, with iTunes tags and a ©xyz location atom.

    fragmented=True makes one as Safari's MediaRecorder does: the moov declares no
    samples, and a moof says how long they are.
    """
    timescale, per_sample = 44100, 1024
    samples = round(seconds * timescale / per_sample)
    moov_samples = 0 if fragmented else samples
    ticks = moov_samples * per_sample
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = full_box(b"mvhd", struct.pack(">IIII", 0, 0, 1000, round(ticks / timescale * 1000)),
                    struct.pack(">IH", 0x10000, 0x100), bytes(10), matrix, bytes(24),
                    struct.pack(">I", 2))
    tkhd = full_box(b"tkhd", struct.pack(">IIIII", 0, 0, 1, 0, 0), bytes(8),
                    struct.pack(">HHHH", 0, 0, 0x100, 0), matrix, struct.pack(">II", 0, 0),
                    flags=3)
    mdhd = full_box(b"mdhd", struct.pack(">IIII", 0, 0, timescale, ticks),
                    struct.pack(">HH", 0x55C4, 0))
    hdlr = full_box(b"hdlr", bytes(4), handler, bytes(12), b"Core Media Audio\x00")
    entry = box(codec, bytes(6), struct.pack(">H", 1), bytes(8),
                struct.pack(">HHHHI", 1, 16, 0, 0, timescale << 16), _esds())
    stbl = box(b"stbl",
               full_box(b"stsd", struct.pack(">I", 1), entry),
               full_box(b"stts", struct.pack(">III", 1, moov_samples, per_sample)),
               full_box(b"stsc", struct.pack(">IIII", 1, 1, max(moov_samples, 1), 1)),
               full_box(b"stsz", struct.pack(">II", 6, moov_samples)),
               full_box(b"stco", struct.pack(">II", 1, 0)))
    minf = box(b"minf", full_box(b"smhd", bytes(4)),
               box(b"dinf", full_box(b"dref", struct.pack(">I", 1), full_box(b"url ", flags=1))),
               stbl)
    trak = box(b"trak", tkhd, box(b"mdia", mdhd, hdlr, minf))
    ilst = box(b"ilst", box(b"\xa9nam", full_box(b"data", bytes(4), b"Nan's house", flags=1)))
    meta = full_box(b"meta", full_box(b"hdlr", bytes(4), b"mdir", b"appl", bytes(9)), ilst)
    location = box(b"\xa9xyz", struct.pack(">HH", 18, 0x15C7), b"+51.5074-000.1278/")
    udta = box(b"udta", location, meta)
    moov_parts = [mvhd, trak, udta]
    if fragmented:
        moov_parts.append(box(b"mvex", full_box(b"trex", struct.pack(">IIIII", 1, 1, 0, 0, 0))))
    ftyp = box(b"ftyp", b"M4A ", struct.pack(">I", 0), b"M4A isommp42")
    sound = box(b"mdat", bytes(6 * samples))
    if not fragmented:
        return ftyp + box(b"moov", *moov_parts) + sound
    tfhd = full_box(b"tfhd", struct.pack(">II", 1, per_sample), flags=0x08)
    trun = full_box(b"trun", struct.pack(">I", samples))
    moof = box(b"moof", full_box(b"mfhd", struct.pack(">I", 1)), box(b"traf", tfhd, trun))
    return ftyp + box(b"moov", *moov_parts) + moof + sound


def ebml(element: int, *parts: bytes, unknown_size: bool = False) -> bytes:
    body = b"".join(parts)
    ident = element.to_bytes((element.bit_length() + 7) // 8, "big")
    size = b"\x01\xff\xff\xff\xff\xff\xff\xff" if unknown_size else (
        (1 << 56 | len(body)).to_bytes(8, "big"))
    return ident + size + body


def ebml_uint(element: int, value: int) -> bytes:
    return ebml(element, value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def webm(seconds: float, *, video: bool = False, doc_type: bytes = b"webm", title: bool = True,
         tags: bool = True, sized: bool = False) -> bytes:
    """A WebM as Chrome's MediaRecorder makes it: no Duration, Segment and Clusters of
    unknown size, 20 ms Opus blocks; plus a Title and Tags as other apps add."""
    header = ebml(0x1A45DFA3, ebml_uint(0x4286, 1), ebml_uint(0x42F7, 1),
                  ebml_uint(0x42F2, 4), ebml_uint(0x42F3, 8), ebml(0x4282, doc_type),
                  ebml_uint(0x4287, 4), ebml_uint(0x4285, 2))
    info = [ebml_uint(0x2AD7B1, 1_000_000), ebml(0x4D80, b"Chrome"), ebml(0x5741, b"Chrome")]
    if title:
        info.append(ebml(0x7BA9, b"At Nan's house"))
    track = ebml(0xAE, ebml_uint(0xD7, 1), ebml_uint(0x73C5, 7), ebml_uint(0x83, 2),
                 ebml(0x86, b"A_OPUS"), ebml(0xE1, ebml_uint(0x9F, 1)))
    tracks = [track]
    if video:
        tracks.append(ebml(0xAE, ebml_uint(0xD7, 2), ebml_uint(0x83, 1), ebml(0x86, b"V_VP8"),
                           ebml(0xE0, ebml_uint(0xB0, 640), ebml_uint(0xBA, 480))))
    clusters = []
    blocks = round(seconds / 0.02)
    for start in range(0, blocks, 50):  # a cluster a second
        simple = [ebml(0xA3, b"\x81" + struct.pack(">hB", (i - start) * 20, 0x80) + b"\xf8\xff")
                  for i in range(start, min(start + 50, blocks))]
        clusters.append(ebml(0x1F43B675, ebml_uint(0xE7, start * 20), *simple,
                             unknown_size=not sized))
    segment = [ebml(0x1549A966, *info), ebml(0x1654AE6B, *tracks), *clusters]
    if tags:
        segment.append(ebml(0x1254C367, ebml(0x7373, ebml(0x67C8, ebml(0x45A3, b"LOCATION"),
                                                          ebml(0x4487, LOCATION.encode())))))
    return header + ebml(0x18538067, *segment, unknown_size=not sized)
