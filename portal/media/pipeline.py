"""Every upload passes through here: its kind is judged from its bytes, then it is re-made.

Pictures are decoded by Pillow and saved afresh, so nothing of the original file
survives but its pixels: no EXIF (so no GPS), XMP, IPTC, ICC text or comments. Voice
notes are checked container by container and their tags removed (``audio_formats``,
``mp4``, ``webm``). Pure functions: bytes in, bytes out; no Flask app, no database.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from functools import cache

import pillow_heif
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageFile, ImageOps

from portal.media import audio_formats, mp4, webm

pillow_heif.register_heif_opener()


def refuse_cut_off_pictures() -> None:
    """Make Pillow refuse a cut-off (truncated) picture rather than fill it in with grey.

    Set here, once, when the pipeline is imported. WeasyPrint (our PDF maker) switches
    ``ImageFile.LOAD_TRUNCATED_IMAGES`` on for the whole process when it is imported,
    so each place that imports WeasyPrint calls this again straight after.
    """
    ImageFile.LOAD_TRUNCATED_IMAGES = False


refuse_cut_off_pictures()

MAX_IMAGE_MB = 15
MAX_IMAGE_BYTES = MAX_IMAGE_MB * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_LONG_SIDE = 2048
THUMBNAIL_LONG_SIDE = 320
JPEG_QUALITY = 85

MAX_AUDIO_MB = 10
MAX_AUDIO_BYTES = MAX_AUDIO_MB * 1024 * 1024
MAX_AUDIO_MINUTES = 5
# A recorder stopped at exactly five minutes may run a frame or two over.
_AUDIO_GRACE_SECONDS = 1.0



class UploadRefused(ValueError):
    """An upload we will not keep. ``message`` is for the child; ``reason`` is for code and logs."""

    def __init__(self, message, reason: str) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes = field(repr=False)
    thumbnail: bytes = field(repr=False)
    content_type: str
    extension: str
    width: int
    height: int
    source_format: str


@dataclass(frozen=True)
class ProcessedAudio:
    data: bytes = field(repr=False)
    content_type: str
    extension: str
    duration_seconds: float | None
    source_format: str


# --- Pictures ---------------------------------------------------------------------------

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}


def _picture_format(data: bytes) -> str | None:
    """The Pillow format the bytes claim to be, from their magic numbers alone."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    major, brands = mp4.ftyp_brands(data)
    if major in _HEIF_BRANDS or (major in (b"mif1", b"msf1") and brands & _HEIF_BRANDS):
        return "HEIF"
    return None


def _refuse_picture(reason: str) -> UploadRefused:
    if reason == "empty":
        return UploadRefused(_l("That picture is empty. Try choosing it again."), reason)
    if reason == "too_big":
        return UploadRefused(
            _l("That picture is too big. Pictures can be up to %(megabytes)d MB.",
               megabytes=MAX_IMAGE_MB), reason)
    if reason == "too_many_pixels":
        return UploadRefused(
            _l("That picture is too big to open. Try a smaller photo, or a screenshot of it."),
            reason)
    return UploadRefused(
        _l("We could not open that picture. You can send a photo or drawing as JPEG, PNG, "
           "WebP, GIF or HEIC (from an iPhone)."), reason)


def _open_first_frame(data: bytes, picture_format: str) -> Image.Image:
    """Decode frame 0 fully, after checking the pixel count from the header alone."""
    try:
        # Pillow warns (and past twice its own limit, fails) on decompression bombs; the
        # warning becomes an error here. The filter is process-wide, so a racing thread
        # could miss it, but the explicit 40 MP check below catches that image anyway.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[picture_format])
            width, height = image.size
            if width < 1 or height < 1:
                raise _refuse_picture("unreadable")
            if width * height > MAX_IMAGE_PIXELS:
                raise _refuse_picture("too_many_pixels")
            # Animated GIF, WebP or PNG: only the first frame is kept.
            image.seek(0)
            # ImageFile.LOAD_TRUNCATED_IMAGES is False (refuse_cut_off_pictures), so a
            # cut-off file fails here.
            image.load()
    except UploadRefused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise _refuse_picture("too_many_pixels") from exc
    except Exception as exc:
        # Pillow and libheif raise many kinds of error on hostile input; all mean the same.
        raise _refuse_picture("unreadable") from exc
    if image.format != picture_format:
        raise _refuse_picture("unreadable")
    return image


def _has_transparency(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "RGBa", "LA", "La", "PA") or "transparency" in image.info


def _to_working_mode(image: Image.Image) -> Image.Image:
    """RGB or RGBA (CMYK is kept until its colour profile can be applied)."""
    if image.mode in ("RGB", "RGBA", "CMYK"):
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale: scale to 8 bits rather than clip everything to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return image.convert("RGBA" if _has_transparency(image) else "RGB")


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Apply the photo's own colour profile (iPhones use Display P3), then drop it."""
    out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    if not icc_profile:
        return image.convert(out_mode) if image.mode != out_mode else image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(image, source, _srgb(), outputMode=out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        # A broken profile costs a little colour accuracy, not the picture.
        return image.convert(out_mode)


def _encode(image: Image.Image) -> bytes:
    # Nothing from the source's info (comment, ICC profile, dpi) may reach the encoder.
    image.info = {}
    buffer = io.BytesIO()
    if image.mode == "RGBA":
        image.save(buffer, "PNG")
    else:
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def process_image(data: bytes) -> ProcessedImage:
    """Check a picture by its content and re-make it as a clean JPEG (or PNG if see-through).

    Raises UploadRefused with a message for the child when it cannot be used.
    """
    if not data:
        raise _refuse_picture("empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise _refuse_picture("too_big")
    picture_format = _picture_format(data)
    if picture_format is None:
        raise _refuse_picture("unreadable")
    source = _open_first_frame(data, picture_format)
    icc_profile = source.info.get("icc_profile")
    try:
        image = _to_working_mode(source)
        # Shrink first, then turn upright: both in place, and the turn works on fewer pixels.
        image.thumbnail((MAX_LONG_SIDE, MAX_LONG_SIDE), Image.Resampling.LANCZOS)
        ImageOps.exif_transpose(image, in_place=True)
        image = _to_srgb(image, icc_profile)
    except (OSError, ValueError) as exc:
        raise _refuse_picture("unreadable") from exc
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert("RGB")  # An alpha channel nobody can see: JPEG is smaller.
    thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_LONG_SIDE, THUMBNAIL_LONG_SIDE), Image.Resampling.LANCZOS)
    is_png = image.mode == "RGBA"
    return ProcessedImage(
        data=_encode(image),
        thumbnail=_encode(thumbnail),
        content_type="image/png" if is_png else "image/jpeg",
        extension="png" if is_png else "jpg",
        width=image.width,
        height=image.height,
        source_format=picture_format,
    )


# --- Voice notes ------------------------------------------------------------------------

_AUDIO = {
    # kind: (cleaner, content type, extension)
    "webm": (webm.clean_webm, "audio/webm", "webm"),
    "ogg": (audio_formats.clean_ogg, "audio/ogg", "ogg"),
    "mp4": (mp4.clean_mp4, "audio/mp4", "m4a"),
    "mp3": (audio_formats.clean_mp3, "audio/mpeg", "mp3"),
    "wav": (audio_formats.clean_wav, "audio/wav", "wav"),
}


def _audio_kind(data: bytes) -> str | None:
    """The container the bytes claim to be, from their magic numbers alone."""
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if data[:4] == b"OggS":
        return "ogg"
    if data[4:8] == b"ftyp":
        return "mp4"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:3] == b"ID3" or audio_formats.mp3_frame_at(data, 0) is not None:
        return "mp3"
    return None


def _refuse_voice(reason: str) -> UploadRefused:
    if reason == "empty":
        return UploadRefused(_l("That voice note is empty. Try recording it again."), reason)
    if reason == "too_big":
        return UploadRefused(
            _l("That voice note is too big. Voice notes can be up to %(megabytes)d MB.",
               megabytes=MAX_AUDIO_MB), reason)
    if reason == "too_long":
        return UploadRefused(
            _l("That voice note is too long. Voice notes can be up to %(minutes)d minutes.",
               minutes=MAX_AUDIO_MINUTES), reason)
    if reason == "video":
        return UploadRefused(
            _l("That looks like a video, not a voice note. You can send a voice note as WebM, "
               "Ogg, M4A (from an iPhone), MP3 or WAV."), reason)
    return UploadRefused(
        _l("We could not play that voice note. You can send a voice note as WebM, Ogg, M4A "
           "(from an iPhone), MP3 or WAV."), reason)


def process_audio(data: bytes) -> ProcessedAudio:
    """Check a voice note by its content, remove its tags, and measure it.

    Raises UploadRefused with a message for the child when it cannot be used.
    """
    if not data:
        raise _refuse_voice("empty")
    if len(data) > MAX_AUDIO_BYTES:
        raise _refuse_voice("too_big")
    kind = _audio_kind(data)
    if kind is None:
        raise _refuse_voice("unreadable")
    clean, content_type, extension = _AUDIO[kind]
    try:
        cleaned = clean(data)
    except audio_formats.VideoNotAudio as exc:
        raise _refuse_voice("video") from exc
    except audio_formats.EmptyAudio as exc:
        raise _refuse_voice("empty") from exc
    except audio_formats.MalformedAudio as exc:
        raise _refuse_voice("unreadable") from exc
    # duration is None only when the file does not say (see webm.clean_webm): then the
    # size limit is the only limit.
    limit = MAX_AUDIO_MINUTES * 60 + _AUDIO_GRACE_SECONDS
    if cleaned.duration is not None and cleaned.duration > limit:
        raise _refuse_voice("too_long")
    return ProcessedAudio(
        data=cleaned.data,
        content_type=content_type,
        extension=extension,
        duration_seconds=cleaned.duration,
        source_format=kind,
    )
