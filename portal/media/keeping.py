"""Keep an upload: the pipeline re-makes it, the store writes it, a StoredFile names it.

The one path every upload takes (a child's drawing, a voice note, a message attachment).
The caller adds the StoredFile to its transaction and, if that fails, calls ``discard``.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from portal.media import pipeline
from portal.media.models import StoredFile
from portal.media.storage import FileStore

IMAGE, AUDIO, EITHER = "image", "audio", "either"


@dataclass
class Kept:
    stored: StoredFile
    names: list[str] = field(default_factory=list)


def keep(upload_dir: Path, data: bytes, *, kind: str, child_id: int,
         by_id: int | None) -> Kept:
    """Re-make and store ``data`` as a picture, a sound, or (EITHER) whichever it is.

    Raises pipeline.UploadRefused (nothing written) or storage.StoreUnavailable.
    """
    store = FileStore(upload_dir)
    if kind in (IMAGE, EITHER):
        try:
            image = pipeline.process_image(data)
        except pipeline.UploadRefused as refused:
            if kind == IMAGE or refused.reason != "unreadable":
                raise
        else:
            names = [store.save(image.data, image.extension)]
            names.append(store.save(image.thumbnail, image.extension))
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


def discard(upload_dir: Path, kept: Kept | None) -> None:
    """Remove what ``keep`` wrote, when the transaction that named it did not commit."""
    if kept is not None:
        store = FileStore(upload_dir)
        for name in kept.names:
            store.delete(name)
