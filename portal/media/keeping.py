"""Keep an upload: the pipeline re-makes it, the store writes it, a StoredFile names it.

The one path every upload takes (a child's drawing, a voice note, a message attachment,
a carer's photo, an ISRO's own photo)::

    with keeping.kept(data, kind=keeping.IMAGE, child_id=..., by_id=...) as upload:
        session.add(upload.stored)
        ...
        session.commit()

Anything that fails inside the block (the database, the commit, a bug) removes the
files that were written, so no file is ever left without its row. ``upload_problem``
turns what can go wrong with an upload into words for the form.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _

from portal.media import pipeline
from portal.media.models import StoredFile
from portal.media.serving import app_store
from portal.media.storage import StoreUnavailable

IMAGE, AUDIO, EITHER = "image", "audio", "either"
# What an upload can fail with that the person should be told about in the form.
PROBLEMS = (pipeline.UploadRefused, StoreUnavailable)


@dataclass
class Kept:
    stored: StoredFile | None
    names: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.names[0]


def _keep(data: bytes, *, kind: str, child_id: int | None, by_id: int | None) -> Kept:
    """Re-make and store ``data`` as a picture, a sound, or (EITHER) whichever it is.

    Raises pipeline.UploadRefused (nothing written) or storage.StoreUnavailable.
    """
    store = app_store()
    if kind in (IMAGE, EITHER):
        try:
            image = pipeline.process_image(data)
        except pipeline.UploadRefused as refused:
            if kind == IMAGE or refused.reason != "unreadable":
                raise
        else:
            names = [store.save(image.data, image.extension)]
            try:
                names.append(store.save(image.thumbnail, image.extension))
            except BaseException:
                store.delete(names[0])
                raise
            return Kept(StoredFile(
                kind=IMAGE, name=names[0], thumbnail_name=names[1],
                content_type=image.content_type, size_bytes=len(image.data), width=image.width,
                height=image.height, source_format=image.source_format,
                sha256=hashlib.sha256(image.data).hexdigest(), child_id=child_id,
                created_by_id=by_id), names)
    sound = pipeline.process_audio(data)
    name = store.save(sound.data, sound.extension)
    return Kept(StoredFile(
        kind=AUDIO, name=name, content_type=sound.content_type, size_bytes=len(sound.data),
        duration_seconds=sound.duration_seconds, source_format=sound.source_format,
        sha256=hashlib.sha256(sound.data).hexdigest(), child_id=child_id,
        created_by_id=by_id), [name])


def _keep_photo(data: bytes) -> Kept:
    """A staff member's own photo: re-made like a child's picture, kept as one small file
    (no StoredFile: it is not a child's)."""
    image = pipeline.process_image(data)
    return Kept(None, [app_store().save(image.thumbnail, image.extension)])


@contextmanager
def kept(data: bytes, *, kind: str, child_id: int | None = None,
         by_id: int | None = None) -> Iterator[Kept]:
    """Keep ``data`` for the transaction in the block; any failure in it removes the files."""
    upload = _keep_photo(data) if kind == "photo" else _keep(
        data, kind=kind, child_id=child_id, by_id=by_id)
    try:
        yield upload
    except BaseException:
        discard(upload)
        raise


def discard(upload: Kept | None) -> None:
    """Remove what was written for an upload whose transaction did not commit."""
    if upload is not None:
        store = app_store()
        for name in upload.names:
            store.delete(name)


def upload_problem(problem: Exception) -> str:
    """What to tell the person, in their language, when an upload could not be kept."""
    if isinstance(problem, pipeline.UploadRefused):
        return str(problem.message)
    current_app.logger.exception("the upload folder cannot be written")
    return _("We could not save that just now. Nothing was sent. Please try again later.")
