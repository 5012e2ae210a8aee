"""A corpus of hostile files through the real upload form: refused, or re-made clean."""
import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image

from portal.accounts.models import Role
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


CORPUS = {
    "gif-js polyglot": b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=alert(1)//",
    "png declaring 100000x100000": _png_claiming(100_000, 100_000),
    "jpeg with a script comment": _jpeg_with_script_comment(),
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "html": b"<!doctype html><script>alert(1)</script>",
    "zip": _zip(),
    "pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_hostile_file_is_refused_or_remade_clean(app, make, signed_in, name):
    isro = make.account(Role.ISRO)
    make.child(12, isro=isro, username="corpus12")
    client = app.test_client()
    sign_in(client, "corpus12")
    response = post_form(client, "/my-say/picture", {
        "file": (io.BytesIO(CORPUS[name]), "photo.jpg"), "visibility": "isro"},
        content_type="multipart/form-data")
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "<title>Error:" in response.get_data(as_text=True)
        return
    item = response.headers["Location"].rsplit("/", 1)[1]
    stored = signed_in(isro).get(f"/files/{item}/full")
    assert stored.mimetype in ("image/jpeg", "image/png")
    assert b"<script" not in stored.data and b"alert" not in stored.data
    Image.open(io.BytesIO(stored.data)).verify()
