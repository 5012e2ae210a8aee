"""The portal for gunicorn, with one test-only hook: a transaction that stores a file
stops just before its commit, after the file is in the upload folder, and waits there.

The hook writes the worker's process id to PORTAL_TEST_PAUSE_MARKER once the upload's
files are written (its rows flushed, not committed), then sleeps, so a test can kill the
worker at exactly that moment. Serve it as ``tests.reliability.paused_app:app``; it is
never imported by the portal itself.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from portal import create_app
from portal.media.models import StoredFile

MARKER = Path(os.environ["PORTAL_TEST_PAUSE_MARKER"])


@event.listens_for(Session, "after_flush")
def _note_a_stored_file(session, flush_context) -> None:
    # session.new still holds what this flush inserted.
    if any(isinstance(row, StoredFile) for row in session.new):
        session.info["stores_a_file"] = True


@event.listens_for(Session, "before_commit")
def _pause_before_committing_it(session) -> None:
    if session.info.pop("stores_a_file", False):
        MARKER.write_text(str(os.getpid()))
        time.sleep(300)  # the test kills this worker now


app = create_app()
