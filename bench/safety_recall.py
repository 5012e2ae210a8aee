"""How well the safety word lists find children who may be unsafe, per language.

Measured on the evaluation sets in tests/safety/ (written separately from the lists; the
lists were then tuned on that set) and tests/safety/holdout/ (written afterwards by
someone who saw neither, so it says how the lists do on messages nobody tuned them on):
recall is the share of unsafe messages flagged, false positives the share of ordinary
messages (near-misses included) flagged. Every message is checked against every list,
as the portal does. Aim: recall at least 90% and false positives at most 10% in every
language.

Run: .venv/bin/python bench/safety_recall.py [-v]   (-v lists what the tuning set missed
or flagged; the held-out set's messages are never printed)
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.safety.evaluation import HERE, HOLDOUT, evaluation_files, score  # noqa: E402


def main(verbose: bool) -> None:
    started = time.perf_counter()
    checked = 0
    # -v lists the misses of the tuning set only: the held-out set stays unseen, or it
    # would stop saying anything about messages nobody tuned the lists on.
    for title, folder, show in (("tuning set (tests/safety/)", HERE, verbose),
                                ("held-out set (tests/safety/holdout/)", HOLDOUT, False)):
        if evaluation_files(folder):
            checked += table(title, folder, show)
    elapsed = time.perf_counter() - started
    print(f"\n{checked} messages checked against every list in {elapsed:.2f} s "
          f"({elapsed / max(checked, 1) * 1000:.2f} ms each)")


def table(title: str, folder: Path, verbose: bool) -> int:
    print(f"\n{title}")
    print(f"{'language':<8} {'unsafe':>6} {'found':>6} {'recall':>7} "
          f"{'ok':>4} {'flagged':>8} {'false +':>8}")
    checked = 0
    for code in evaluation_files(folder):
        result = score(code, folder)
        checked += result.unsafe + result.ordinary
        print(f"{code:<8} {result.unsafe:>6} {result.found:>6} {result.recall:>7.0%} "
              f"{result.ordinary:>4} {result.false_alarms:>8} {result.false_positive_rate:>8.0%}")
        if verbose:
            for text in result.missed:
                print(f"    missed:  {text}")
            for text, entries in result.alarmed:
                print(f"    flagged: {text}  <- {' | '.join(entries)}")
    return checked


if __name__ == "__main__":
    main("-v" in sys.argv[1:])
