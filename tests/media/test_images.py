"""Pictures are judged by their bytes, re-made from their pixels, and carry nothing else."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from portal.media.pipeline import (
    MAX_LONG_SIDE,
    THUMBNAIL_LONG_SIDE,
    UploadRefused,
    process_image,
)
from tests.media import builders

# Markers that would carry metadata in a JPEG: APP1 (EXIF, XMP), APP2 (ICC), APP13 (IPTC),
# COM (comments). Only APP0 (JFIF) is expected.
METADATA_MARKERS = {0xE1, 0xE2, 0xED, 0xFE}
METADATA_BYTES = [b"Exif", b"GPS", b"xmpmeta", b"ns.adobe.com", b"ICC_PROFILE", b"Photoshop",
                  b"iPhone", b"Apple", builders.LOCATION.encode(), b"Taken at"]


def assert_no_metadata(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    assert len(image.getexif()) == 0
    assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(image.info)
    for needle in METADATA_BYTES:
        assert needle not in data, needle
    if image.format == "JPEG":
        assert not METADATA_MARKERS & set(builders.jpeg_segments(data))
    else:
        assert set(builders.png_chunks(data)) <= {b"IHDR", b"IDAT", b"IEND"}


def test_phone_photo_loses_its_gps_and_every_other_tag():
    original = builders.phone_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(builders.GPS_IFD)  # it had GPS

    result = process_image(original)

    assert result.content_type == "image/jpeg" and result.extension == "jpg"
    assert_no_metadata(result.data)
    assert_no_metadata(result.thumbnail)


@pytest.mark.parametrize(("original", "upright_size"), [
    (builders.sideways_jpeg(), (100, 200)),
    (builders.sideways_jpeg(3000, 1000), (683, MAX_LONG_SIDE)),
    (builders.heic(builders.sideways(), exif=builders.phone_exif(orientation=6).tobytes()),
     (100, 200)),
], ids=["jpeg", "big jpeg", "heic"])
def test_sideways_phone_photo_comes_out_upright(original, upright_size):
    result = process_image(original)

    upright = Image.open(io.BytesIO(result.data)).convert("RGB")
    assert upright.size == upright_size == (result.width, result.height)
    width, height = upright_size
    red, _, blue = upright.getpixel((width // 2, height // 10))
    assert red > 200 and blue < 60  # red on top
    red, _, blue = upright.getpixel((width // 2, height * 9 // 10))
    assert blue > 200 and red < 60
    assert_no_metadata(result.data)


def test_iphone_heic_photo_becomes_a_clean_jpeg():
    original = builders.heic(builders.photo((400, 300)), exif=builders.phone_exif().tobytes())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(builders.GPS_IFD)

    result = process_image(original)

    assert result.source_format == "HEIF"
    assert result.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(result.data)).format == "JPEG"
    assert (result.width, result.height) == (400, 300)
    assert_no_metadata(result.data)


def test_big_photo_is_shrunk_to_2048_with_a_320_thumbnail():
    result = process_image(builders.jpeg(builders.photo((3000, 1000))))

    assert (result.width, result.height) == (MAX_LONG_SIDE, 683)
    assert Image.open(io.BytesIO(result.data)).size == (MAX_LONG_SIDE, 683)
    thumbnail = Image.open(io.BytesIO(result.thumbnail))
    assert thumbnail.format == "JPEG" and max(thumbnail.size) == THUMBNAIL_LONG_SIDE


def test_small_drawing_is_not_blown_up():
    result = process_image(builders.png(Image.new("RGB", (120, 80), (10, 200, 10))))

    assert (result.width, result.height) == (120, 80)
    assert Image.open(io.BytesIO(result.thumbnail)).size == (120, 80)


def test_drawing_with_see_through_parts_stays_png_without_its_text_chunks():
    from PIL.PngImagePlugin import PngInfo

    drawing = Image.new("RGBA", (2500, 500), (255, 0, 0, 255))
    drawing.paste((0, 0, 0, 0), (0, 0, 500, 500))
    text = PngInfo()
    text.add_text("Comment", "drawn at " + builders.LOCATION)
    original = builders.png(drawing, pnginfo=text, icc_profile=builders.srgb_icc(),
                            exif=builders.phone_exif())

    result = process_image(original)

    assert result.content_type == "image/png" and result.extension == "png"
    image = Image.open(io.BytesIO(result.data))
    assert image.mode == "RGBA" and image.size == (MAX_LONG_SIDE, 410)
    assert image.getpixel((10, 10))[3] == 0 and image.getpixel((2000, 10))[3] == 255
    assert Image.open(io.BytesIO(result.thumbnail)).mode == "RGBA"
    assert_no_metadata(result.data)
    assert_no_metadata(result.thumbnail)


def test_picture_with_an_alpha_channel_nobody_can_see_becomes_jpeg():
    result = process_image(builders.png(Image.new("RGBA", (64, 64), (0, 0, 255, 255))))

    assert result.content_type == "image/jpeg"


def test_animated_gif_keeps_only_its_first_frame():
    result = process_image(builders.animated_gif([(255, 0, 0), (0, 255, 0), (0, 0, 255)]))

    image = Image.open(io.BytesIO(result.data))
    assert getattr(image, "n_frames", 1) == 1
    red, green, blue = image.convert("RGB").getpixel((20, 15))
    assert red > 200 and green < 60 and blue < 60
    assert result.source_format == "GIF"


@pytest.mark.parametrize("picture_format", ["WEBP", "GIF", "PNG"])
def test_each_kind_of_picture_a_child_may_send_is_accepted(picture_format):
    buffer = io.BytesIO()
    builders.photo((90, 60)).save(buffer, picture_format)

    result = process_image(buffer.getvalue())

    assert result.source_format == picture_format
    assert (result.width, result.height) == (90, 60)


@pytest.mark.parametrize(("width", "height", "why"), [
    (10_000, 10_000, "Pillow's own bomb warning, made an error"),
    (20_000, 10_000, "Pillow's own bomb error"),
    (10_000, 5_000, "our 40 megapixel limit, under Pillow's"),
])
def test_huge_picture_is_refused_before_its_pixels_are_decoded(width, height, why,
                                                             monkeypatch):
    bomb = builders.png_header_only(width, height)  # decoding it would fail: it has no pixels
    decoded = []
    load = ImageFile.ImageFile.load

    def spy(image):
        decoded.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    tracemalloc.start()
    with pytest.raises(UploadRefused) as refused:
        process_image(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    # Expected: refused for its size from the header alone; no pixel was decoded and
    # no buffer for them was made. (How long this takes is in bench/upload_pipeline.py.)
    assert refused.value.reason == "too_many_pixels", why
    assert decoded == []
    assert peak < 5 * 1024 * 1024
    assert "too big" in str(refused.value)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", builders.phone_jpeg((32, 32)))
    return buffer.getvalue()


REFUSED = {
    "svg with a script": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
                         b"<script>alert(document.cookie)</script></svg>",
    "html (sent as photo.jpg)": b"<!DOCTYPE html><html><body><script>alert(1)</script></html>",
    "pdf": b"%PDF-1.7\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n",
    "zip": _zip(),
    "gif/js polyglot": b"GIF89a/*" + bytes(40) + b"*/=alert(1)//",
    "truncated jpeg": builders.phone_jpeg()[:6000],
    "plain text": b"Hello, this is not a picture.\n",
    "mp4 video": builders.m4a(1, handler=b"vide", codec=b"avc1"),
    "jpeg magic then junk": b"\xff\xd8\xff\xe0" + bytes(200),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_anything_but_a_real_picture_is_refused_kindly(name):
    with pytest.raises(UploadRefused) as refused:
        process_image(REFUSED[name])

    assert refused.value.reason == "unreadable"
    message = str(refused.value)
    assert message.startswith("We could not open that picture.")
    assert "JPEG, PNG, WebP, GIF or HEIC" in message


def test_a_valid_gif_that_is_also_javascript_is_re_made_without_the_script():
    # GIF89a then "/*" as the width: a browser reading it as a script sees a comment.
    gif = io.BytesIO()
    Image.new("P", (0x2A2F, 4), 1).save(gif, "GIF")
    polyglot = b"GIF89a" + gif.getvalue()[6:] + b"*/=alert(1);"
    assert polyglot.startswith(b"GIF89a/*")

    result = process_image(polyglot)

    assert b"alert" not in result.data and result.content_type == "image/jpeg"


def test_empty_file_is_refused():
    with pytest.raises(UploadRefused) as refused:
        process_image(b"")
    assert refused.value.reason == "empty"


def test_file_over_15_mb_is_refused_for_its_size():
    with pytest.raises(UploadRefused) as refused:
        process_image(b"\xff\xd8\xff" + bytes(15 * 1024 * 1024))
    assert refused.value.reason == "too_big"
    assert str(refused.value) == "That picture is too big. Pictures can be up to 15 MB."


def _cut_off_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 200, 30)).save(buffer, "JPEG")
    data = buffer.getvalue()
    return data[: len(data) // 2]


# Run in a fresh interpreter: in this one, WeasyPrint has long been imported (or not).
WEASYPRINT_FIRST = """
import sys

import weasyprint  # noqa: F401 - imported before anything of the portal's
from PIL import ImageFile

assert ImageFile.LOAD_TRUNCATED_IMAGES is True, "WeasyPrint no longer turns it on"
from portal.media import pipeline

assert ImageFile.LOAD_TRUNCATED_IMAGES is False
try:
    pipeline.process_image(sys.stdin.buffer.read())
except pipeline.UploadRefused as refused:
    print("refused:", refused.reason)
else:
    print("accepted")
"""


def test_a_cut_off_picture_is_refused_even_when_weasyprint_was_imported_first():
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", WEASYPRINT_FIRST], input=_cut_off_jpeg(),
                          capture_output=True, cwd=root, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(root)})

    # Expected: WeasyPrint turned LOAD_TRUNCATED_IMAGES on, importing the pipeline turned
    # it off again, and the half JPEG is refused as unreadable.
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert done.stdout.decode().strip() == "refused: unreadable"


def test_every_place_that_imports_weasyprint_refuses_cut_off_pictures_again():
    portal = Path(__file__).resolve().parents[2] / "portal"
    places, missing = [], []
    for source in sorted(portal.rglob("*.py")):
        lines = [line.strip() for line in source.read_text(encoding="utf-8").splitlines()]
        for number, line in enumerate(lines):
            if re.match(r"(from weasyprint\b|import weasyprint\b)", line):
                places.append(f"{source.relative_to(portal)}:{number + 1}")
                following = next((later for later in lines[number + 1:] if later), "")
                if not following.startswith("pipeline.refuse_cut_off_pictures()"):
                    missing.append(places[-1])
    # Expected: WeasyPrint is imported somewhere (so this test looks at something), and
    # each import is followed at once by pipeline.refuse_cut_off_pictures().
    assert places
    assert missing == []


def _refused_after(monkeypatch, make_pdf) -> None:
    """Make a PDF with LOAD_TRUNCATED_IMAGES on, as WeasyPrint's import leaves it; then
    expect it off again, and a cut-off picture refused."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    response = make_pdf()
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    with pytest.raises(UploadRefused) as refused:
        process_image(_cut_off_jpeg())
    assert refused.value.reason == "unreadable"


def test_making_a_letter_pdf_leaves_cut_off_pictures_refused(app, make, monkeypatch):
    from tests.helpers import sign_in

    isro = make.account("isro")
    child = make.child(12, isro=isro, username="pdf.letter12")
    _, letter_id = make.held_review(child)
    client = app.test_client()
    sign_in(client, "pdf.letter12")

    _refused_after(monkeypatch, lambda: client.get(f"/letters/{letter_id}/letter.pdf"))


def test_making_a_case_bundle_pdf_leaves_cut_off_pictures_refused(app, make, signed_in,
                                                                   monkeypatch):
    isro = make.account("isro")
    child = make.child(12, isro=isro, username="pdf.bundle12")
    make.picture(child)
    client = signed_in(isro)

    _refused_after(monkeypatch, lambda: client.get(f"/children/{child.id}/bundle.pdf"))
