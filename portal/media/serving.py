"""Sending a stored file back: the right type, no sniffing, no scripts, no caching.

Call this from a view that has already checked the person may see the file.
"""
from __future__ import annotations

import re
import unicodedata

from flask import Response, current_app, send_file
from werkzeug.exceptions import NotFound

from portal.media.storage import FileStore


def app_store() -> FileStore:
    """The running portal's file store (PORTAL_UPLOAD_DIR)."""
    return FileStore(current_app.config["PORTAL"].upload_dir)


# The only types served as themselves; anything else is sent as an opaque download.
SERVABLE_TYPES = {"image/jpeg", "image/png", "audio/webm", "audio/ogg", "audio/mp4",
                  "audio/mpeg", "audio/wav"}
SANDBOX_POLICY = "default-src 'none'; media-src 'self'; img-src 'self'; sandbox"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_download_name(wanted: str | None, stored_name: str) -> str:
    """Plain ASCII letters, digits, dots, dashes and underscores, ending in the stored extension."""
    extension = stored_name.rsplit(".", 1)[-1]
    ascii_only = unicodedata.normalize("NFKD", wanted or "").encode("ascii", "ignore").decode()
    base = re.split(r"[\\/]", ascii_only)[-1]  # no folders, whichever way they lean
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("-", stem).strip(".-_")[:60].strip(".-_")
    return f"{stem or 'file'}.{extension}"


def send_stored(store: FileStore, name: str, content_type: str, *,
                download_name: str | None = None, as_attachment: bool = False) -> Response:
    """A streamed response for a stored file, with HTTP Range support for audio."""
    try:
        path = store.path(name)
    except ValueError as exc:
        raise NotFound() from exc
    if not path.is_file():
        raise NotFound()
    if content_type not in SERVABLE_TYPES:
        content_type, as_attachment = "application/octet-stream", True
    response = send_file(
        path,
        mimetype=content_type,
        as_attachment=as_attachment,
        download_name=safe_download_name(download_name, name),
        conditional=True,
        etag=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    response.headers.pop("Expires", None)
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
