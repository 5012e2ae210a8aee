"""Making and keeping read-aloud audio: the one place that writes to the voice cache.

The cache is a folder in the instance folder (``speech/``), one MP3 (or WAV) file per
text and voice, named by the text's keyed hash. Files not used for CACHE_DAYS are deleted
as new ones are made, so a child's words read aloud on their own page do not linger.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from flask import current_app

from portal.media.storage import FileStore
from portal.speech import voices
from portal.speech.tokens import SayToken, text_key

CACHE_DAYS = 7
DEFAULT_TIMEOUT_SECONDS = 15.0


class TextChanged(ValueError):
    """The text sent is not the text the token was signed for."""


def cache() -> FileStore:
    return FileStore(Path(current_app.instance_path) / "speech")


# The kinds of file the cache holds: extension -> Content-Type.
FORMATS = {"mp3": "audio/mpeg", "wav": "audio/wav"}


def find_audio(store: FileStore, key: str) -> tuple[str, str] | None:
    """(stored name, Content-Type) of the audio made for ``key``, or None."""
    for extension, content_type in FORMATS.items():
        name = f"{key}.{extension}"
        if store.exists(name):
            return name, content_type
    return None


def timeout_seconds() -> float:
    return float(current_app.config.get("SPEECH_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))


def make_audio(token: SayToken, text: str) -> tuple[str, bool]:
    """The cached audio's name for ``text``, making it if needed; (name, made now).

    Raises TextChanged when ``text`` is not what the token names, and
    voices.VoiceUnavailable when espeak-ng is missing, fails or takes too long."""
    if voices.voice_for_espeak(token.voice) is None:
        raise TextChanged("not a server voice")
    if text_key(text, token.voice) != token.key:
        raise TextChanged("not the text the page showed")
    store = cache()
    found = find_audio(store, token.key)
    if found:
        os.utime(store.path(found[0]))  # still in use: keep it another CACHE_DAYS
        return found[0], False
    audio, extension = voices.smaller(voices.speak(text, token.voice, timeout=timeout_seconds()))
    path = store.path(f"{token.key}.{extension}")
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".say-", delete=False) as part:
            part.write(audio)
        os.replace(part.name, path)
    except OSError as exc:  # a full or read-only disk: say so, never an error page
        raise voices.VoiceUnavailable("failed") from exc
    forget_old_audio(store.root)
    return path.name, True


def forget_old_audio(root: Path, *, days: int = CACHE_DAYS) -> int:
    """Delete cached audio not used for ``days`` days; returns how many went."""
    cutoff = time.time() - days * 86400
    gone = 0
    for path in root.glob("*/*.*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                gone += 1
        except FileNotFoundError:
            continue  # another worker got there first
    return gone
