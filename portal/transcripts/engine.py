"""Running a Whisper model in a child process with a time limit and a memory cap.

The model is loaded once per portal process, in one long-lived child process (this file
run as a script), and kept there for every job that follows. The child caps its own
address space with ``resource.setrlimit(RLIMIT_AS)`` before loading the model, so a model
or a recording that needs more memory than the council allowed fails there, not in the
worker; the parent waits at most the time limit for each answer and kills the child if it
does not come (the next job starts a fresh one). Requests and answers are one JSON line
each over the child's stdin and stdout; the child's stderr goes nowhere, so a child's
words never reach a log. Nothing here talks to the network: faster-whisper is given a
folder, never a model name to download.

Only the standard library is imported at the top, so the child starts without the portal.
"""
from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

# Whisper's two-letter codes for the portal's languages, where Whisper has the language.
# Tigrinya (ti) and Kurdish Sorani (ckb) are not among Whisper's languages: detected.
WHISPER_LANGUAGES = {"en": "en", "ar": "ar", "ps": "ps", "fa": "fa", "fa_AF": "fa",
                     "am": "am", "sq": "sq", "vi": "vi"}
BEAM_SIZE = 5


class TranscribeFailed(RuntimeError):
    """The model could not be loaded, ran out of memory or time, or the child died."""


@dataclass(frozen=True)
class Heard:
    language: str
    text: str
    english: str | None
    seconds: float


def whisper_language(portal_language: str | None) -> str | None:
    """The code to give Whisper for a child's language, or None to let it detect."""
    return WHISPER_LANGUAGES.get(portal_language or "")


class Engine:
    """One child process holding one model; ``transcribe`` is safe to call from threads."""

    def __init__(self, model: Path, *, memory_mb: int, threads: int) -> None:
        self.model, self.memory_mb, self.threads = Path(model), memory_mb, threads
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def transcribe(self, audio: Path, language: str | None, *, timeout: float) -> Heard:
        with self._lock:
            deadline = time.monotonic() + timeout
            process = self._started(deadline)
            request = {"audio": str(audio), "language": language}
            try:
                process.stdin.write(json.dumps(request) + "\n")
                process.stdin.flush()
            except (BrokenPipeError, OSError) as exc:
                self.stop()
                raise TranscribeFailed("the transcriber stopped") from exc
            answer = self._answer(deadline)
            if "error" in answer:
                raise TranscribeFailed(answer["error"])
            return Heard(answer["language"], answer["text"], answer["english"],
                         answer["seconds"])

    def _started(self, deadline: float) -> subprocess.Popen:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._process = subprocess.Popen(  # noqa: S603 - our own script, no shell
            [sys.executable, "-I", __file__, str(self.model), str(self.memory_mb),
             str(self.threads), str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, encoding="utf-8", close_fds=True,
            # CTranslate2 has its own threads; numpy's BLAS pool would only take memory.
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": str(self.threads)})
        answer = self._answer(deadline)
        if not answer.get("ready"):
            self.stop()
            raise TranscribeFailed(answer.get("error", "the model did not load"))
        return self._process

    def _answer(self, deadline: float) -> dict:
        """The child's next line, or TranscribeFailed (and the child killed) at the deadline."""
        process = self._process
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(timeout=left):
                self.stop()
                raise TranscribeFailed("the time limit passed")
        line = process.stdout.readline()
        if not line:
            code = process.wait()
            self._process = None
            raise TranscribeFailed(f"the transcriber stopped (exit {code}): out of memory?")
        return json.loads(line)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()


_engines: dict[tuple, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(model: Path, *, memory_mb: int, threads: int | None = None) -> Engine:
    """The process's one engine for this model and cap (made on first use, then reused)."""
    threads = threads or min(4, os.cpu_count() or 1)
    key = (str(model), memory_mb, threads)
    with _engines_lock:
        if key not in _engines:
            _engines[key] = Engine(model, memory_mb=memory_mb, threads=threads)
        return _engines[key]


def stop_all() -> None:
    with _engines_lock:
        for engine in _engines.values():
            engine.stop()
        _engines.clear()


# --- The child process -------------------------------------------------------------------

def _say(answer: dict) -> None:
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


def _words(segments) -> str:
    return " ".join(segment.text.strip() for segment in segments).strip()


def _die_with_parent(parent: int) -> None:
    """A worker killed mid-job (kill -9, or the queue's own time limit) takes this process
    with it within a second, rather than leaving a model running on unseen. (Watched, not
    PR_SET_PDEATHSIG: that follows the thread that started us, and web threads come and go.)
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _serve(model_dir: str, memory_mb: int, threads: int, parent: int) -> None:
    import resource

    _die_with_parent(parent)
    cap = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        from faster_whisper import WhisperModel

        model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads,
                             local_files_only=True)
    except BaseException as exc:  # noqa: BLE001 - told to the parent; OpenBLAS out of
        # memory raises KeyboardInterrupt
        _say({"error": f"the model did not load: {type(exc).__name__}"})
        return
    _say({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        started = time.perf_counter()
        try:
            segments, info = model.transcribe(request["audio"], language=request["language"],
                                              task="transcribe", beam_size=BEAM_SIZE)
            text = _words(segments)
            english = None
            if info.language != "en":
                translated, _ = model.transcribe(request["audio"], language=info.language,
                                                 task="translate", beam_size=BEAM_SIZE)
                english = _words(translated)
        except (Exception, MemoryError) as exc:  # noqa: BLE001 - told to the parent
            _say({"error": f"transcription failed: {type(exc).__name__}"})
            continue
        _say({"language": info.language, "text": text, "english": english,
              "seconds": round(time.perf_counter() - started, 3)})


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
