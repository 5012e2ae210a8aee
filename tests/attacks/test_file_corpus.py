"""A corpus of hostile files through the real upload form, each with what must happen to
it: refused with a named message (and nothing stored), or accepted and re-made clean."""
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

import pytest
from markupsafe import escape
from PIL import Image
from sqlalchemy import func, select

from portal import db
from portal.accounts.models import Role
from portal.consultations.models import Submission
from tests.helpers import post_form, sign_in


def _png_claiming(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"\x00\x00\x00\x00IEND\xaeB`\x82"


def _jpeg_with_script_comment() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 10, 10)).save(buffer, "JPEG")
    data = buffer.getvalue()
    comment = b"<script>alert(1)</script>"
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + data[2:]


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"not really")
    return buffer.getvalue()


def _gif_that_is_also_javascript() -> bytes:
    """A real GIF whose width bytes read "/*": to a browser running it as a script, the
    pixels are a comment and "*/=alert(1);" at the end is code."""
    gif = io.BytesIO()
    Image.new("P", (0x2A2F, 4), 1).save(gif, "GIF")
    return b"GIF89a" + gif.getvalue()[6:] + b"*/=alert(1);"


def _png_with_a_script_text_chunk() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 10, 200)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def _cut_off_jpeg() -> bytes:
    data = _jpeg_with_script_comment()
    return data[: len(data) // 2]


@dataclass(frozen=True)
class Refused:
    """The upload page again, with this message, and nothing stored."""

    message: str


@dataclass(frozen=True)
class Remade:
    """Stored, re-encoded as ``mimetype`` at ``size``, with none of the original's bytes."""

    mimetype: str
    size: tuple[int, int]


UNREADABLE = Refused("We could not open that picture. You can send a photo or drawing as "
                     "JPEG, PNG, WebP, GIF or HEIC (from an iPhone).")
TOO_BIG_TO_OPEN = Refused("That picture is too big to open. Try a smaller photo, or a "
                          "screenshot of it.")

# file name -> (its bytes, what must happen to it)
CORPUS = {
    # Not a picture at all, whatever the name says ("photo.jpg").
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', UNREADABLE),
    "html": (b"<!doctype html><script>alert(1)</script>", UNREADABLE),
    "zip": (_zip(), UNREADABLE),
    "pdf": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", UNREADABLE),
    # A GIF header and a script, but no picture inside.
    "gif-js polyglot": (b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=alert(1)//", UNREADABLE),
    # Half a real JPEG: never patched up with grey.
    "cut-off jpeg": (_cut_off_jpeg(), UNREADABLE),
    # A decompression bomb: refused from its header, before any pixel is decoded.
    "png declaring 100000x100000": (_png_claiming(100_000, 100_000), TOO_BIG_TO_OPEN),
    # Real pictures carrying a script: kept as pictures, remade from their pixels alone.
    "jpeg with a script comment": (_jpeg_with_script_comment(), Remade("image/jpeg", (64, 64))),
    "png with a script text chunk": (_png_with_a_script_text_chunk(),
                                     Remade("image/jpeg", (30, 20))),
    "gif that is also javascript": (_gif_that_is_also_javascript(),
                                    Remade("image/jpeg", (2048, 1))),
}


def _stored(app) -> tuple[int, list]:
    with app.app_context():
        rows = db.session().scalar(select(func.count()).select_from(Submission))
    files = [p for p in app.config["PORTAL"].upload_dir.rglob("*") if p.is_file()]
    return rows, files


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_hostile_file_has_its_expected_outcome(app, make, signed_in, name):
    data, expected = CORPUS[name]
    isro = make.account(Role.ISRO)
    make.child(12, isro=isro, username="corpus12")
    client = app.test_client()
    sign_in(client, "corpus12")
    response = post_form(client, "/my-say/picture", {
        "file": (io.BytesIO(data), "photo.jpg"), "visibility": "isro"},
        content_type="multipart/form-data")

    if isinstance(expected, Refused):
        # Expected: the form again, with the error summary and this message, nothing kept.
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<title>Error:" in page
        assert escape(expected.message) in page
        assert _stored(app) == (0, [])
        return

    # Expected: sent, and what is stored is a fresh picture of the same pixels.
    assert response.status_code == 302 and "/my-say/sent/" in response.headers["Location"]
    item = response.headers["Location"].rsplit("/", 1)[1]
    stored = signed_in(isro).get(f"/files/{item}/full")
    assert stored.status_code == 200 and stored.mimetype == expected.mimetype
    assert b"<script" not in stored.data and b"alert" not in stored.data
    picture = Image.open(io.BytesIO(stored.data))
    assert picture.size == expected.size
    assert picture.format == {"image/jpeg": "JPEG", "image/png": "PNG"}[expected.mimetype]
    assert not {"comment", "exif", "icc_profile"} & set(picture.info)
    picture.verify()
