"""Jobs for the tests: each leaves its mark in a file, so a worker process's work shows."""
from __future__ import annotations

import os
import time
from pathlib import Path

from portal import jobs


def append_line(path: str, text: str) -> None:
    with Path(path).open("a") as out:
        out.write(text + "\n")


@jobs.job(label="A test job that fails until its gate is open", max_attempts=3)
def fail_until_open(gate: str, path: str) -> None:
    if not Path(gate).exists():
        raise RuntimeError("Sam said: he hits me")  # words that must never reach the page
    append_line(path, "done")


def wait_for_gate(gate: str, path: str, started: str) -> None:
    """Blocks until the gate file appears (the test kills the worker meanwhile)."""
    append_line(started, f"started {os.getpid()}")
    deadline = time.monotonic() + 60
    while not Path(gate).exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the gate never opened")
        time.sleep(0.05)
    append_line(path, "done")
