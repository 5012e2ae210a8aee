"""Sending a stored file back: the right type, no sniffing, no scripts, no caching.

Call this from a view that has already checked the person may see the file.
"""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from flask import Response, current_app, request, send_file
from werkzeug.exceptions import NotFound, RequestedRangeNotSatisfiable

from portal.media.storage import FileStore

if TYPE_CHECKING:
    from portal.media.s3store import S3Store


def app_store() -> FileStore | S3Store:
    """The running portal's file store: the S3 bucket of PORTAL_STORAGE_URL when set (one
    client per app, reused), else the folder PORTAL_UPLOAD_DIR."""
    config = current_app.config["PORTAL"]
    if not config.storage_url:
        return FileStore(config.upload_dir)
    store = current_app.extensions.get("portal.s3store")
    if store is None:
        from portal.media.s3store import S3Store

        store = S3Store(config.storage_url, endpoint_url=config.s3_endpoint_url)
        current_app.extensions["portal.s3store"] = store
    return store


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


def send_stored(store: FileStore | S3Store, name: str, content_type: str, *,
                download_name: str | None = None, as_attachment: bool = False) -> Response:
    """A streamed response for a stored file, with HTTP Range support for audio."""
    try:
        info = store.stat(name)
        file = store.open(name, size=info.size)
    except (ValueError, FileNotFoundError) as exc:
        raise NotFound() from exc
    if content_type not in SERVABLE_TYPES:
        content_type, as_attachment = "application/octet-stream", True
    # The same for every store: a seekable file, its size, time and tag; werkzeug answers
    # If-None-Match / If-Modified-Since and Range (206) from them.
    response = send_file(
        file,
        mimetype=content_type,
        as_attachment=as_attachment,
        download_name=safe_download_name(download_name, name),
        conditional=False,
        etag=info.etag,
        last_modified=info.modified,
        max_age=0,
    )
    response.content_length = info.size
    try:
        response = response.make_conditional(request.environ, accept_ranges=True,
                                             complete_length=info.size)
    except RequestedRangeNotSatisfiable:
        file.close()
        raise
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    response.headers.pop("Expires", None)
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
