"""The evaluation set for the safety word lists, and how the lists score on it.

Each ``<code>.tsv`` holds realistic messages in that language, written separately from
the lists: ``unsafe<TAB>message`` (a child who may be unsafe) or ``ok<TAB>message``
(ordinary, including near-misses such as "the film was scary").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from portal.messages.safety import LIST_ORDER, find_entries

HERE = Path(__file__).resolve().parent


@dataclass
class Score:
    language: str
    unsafe: int = 0
    found: int = 0
    ordinary: int = 0
    false_alarms: int = 0
    missed: list[str] = field(default_factory=list)
    alarmed: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.unsafe if self.unsafe else 0.0

    @property
    def false_positive_rate(self) -> float:
        return self.false_alarms / self.ordinary if self.ordinary else 0.0


def messages(path: Path) -> list[tuple[bool, str]]:
    """(unsafe?, message) for each line of an evaluation file."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, _, text = line.partition("\t")
        if label not in ("unsafe", "ok") or not text.strip():
            raise ValueError(f"{path.name}, line {number}: expected unsafe/ok, a tab, a message")
        found.append((label == "unsafe", text))
    return found


HOLDOUT = HERE / "holdout"


def evaluation_files(folder: Path = HERE) -> dict[str, Path]:
    """The set the lists were tuned on (``HERE``), or the held-out one (``HOLDOUT``),
    written later by someone who saw neither the lists nor the first set."""
    files = {p.stem: p for p in folder.glob("*.tsv")}
    return {code: files[code] for code in LIST_ORDER if code in files}


def score(code: str, folder: Path = HERE) -> Score:
    result = Score(code)
    for unsafe, text in messages(evaluation_files(folder)[code]):
        entries = [e.text for e in find_entries(text)]
        if unsafe:
            result.unsafe += 1
            result.found += bool(entries)
            if not entries:
                result.missed.append(text)
        else:
            result.ordinary += 1
            result.false_alarms += bool(entries)
            if entries:
                result.alarmed.append((text, entries))
    return result
