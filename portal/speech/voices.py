"""Which languages have a server voice, and making the audio with espeak-ng."""
from __future__ import annotations

import io
import subprocess

# The portal's language code -> the espeak-ng voice (see `espeak-ng --voices`). Dari
# (fa_AF) is spoken by the Persian voice. Pashto, Tigrinya and Sorani have no espeak-ng
# voice fit for children yet: docs/voices.md says what would add one.
VOICES: dict[str, str] = {
    "en": "en-gb",
    "ar": "ar",
    "am": "am",
    "fa": "fa",
    "fa_AF": "fa",
    "sq": "sq",
    "vi": "vi",
}
ESPEAK = "espeak-ng"
# Words per minute: a little slower than espeak-ng's 175, for children and new readers.
SPEED = 150
# Longest text spoken at once (characters): about eight minutes of speech.
MAX_CHARS = 6000


class VoiceUnavailable(RuntimeError):
    """The voice could not be made (no espeak-ng, it failed, or it took too long)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "missing", "failed" or "timeout"


def voice_for(language: str | None) -> str | None:
    """The espeak-ng voice for a portal language code, or None when there is none."""
    return VOICES.get(language or "")


def voice_for_espeak(voice: str) -> str | None:
    """``voice`` if it is one of ours (a token may name only these), else None."""
    return voice if voice in VOICES.values() else None


def speak(text: str, voice: str, *, timeout: float) -> bytes:
    """WAV audio of ``text`` in ``voice``. No shell: the text goes in on stdin."""
    if voice not in VOICES.values():
        raise ValueError(f"not a server voice: {voice!r}")
    command = [ESPEAK, "-v", voice, "-s", str(SPEED), "--stdout"]
    try:
        # A fixed program and a voice from VOICES; the text goes on stdin, never a shell.
        done = subprocess.run(command, input=text.encode("utf-8"), capture_output=True,  # noqa: S603
                              timeout=timeout, check=False)
    except FileNotFoundError as exc:
        raise VoiceUnavailable("missing") from exc
    except subprocess.TimeoutExpired as exc:
        raise VoiceUnavailable("timeout") from exc
    if done.returncode != 0 or not done.stdout.startswith(b"RIFF"):
        raise VoiceUnavailable("failed")
    return done.stdout


def smaller(wav: bytes) -> tuple[bytes, str]:
    """The speech as MP3 (32 kbit/s mono, about a tenth of the WAV, and every phone plays
    it), made with PyAV's LAME; the WAV itself if that cannot be done. (data, extension)."""
    try:
        import av

        with av.open(io.BytesIO(wav), format="wav") as source:
            made = io.BytesIO()
            with av.open(made, mode="w", format="mp3") as target:
                stream = target.add_stream("libmp3lame", rate=22050, layout="mono")
                stream.bit_rate = 32000
                for frame in source.decode(audio=0):
                    frame.pts = None
                    target.mux(stream.encode(frame))
                target.mux(stream.encode(None))
        return made.getvalue(), "mp3"
    except Exception:  # noqa: BLE001 - no PyAV, or no LAME in it: WAV plays everywhere too
        return wav, "wav"
