"""The time, from one place, so tests can fix it (``with clock.fixed(...)``).

Everything that decides by the time of day (office hours, flag escalation, when a child
is told a person will read their message) asks here, never ``datetime.now`` itself.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_fixed: datetime | None = None


def now() -> datetime:
    """Now, timezone-aware, in UTC."""
    return _fixed if _fixed is not None else datetime.now(UTC)


def local_now() -> datetime:
    """Now in England."""
    return now().astimezone(LONDON)


def today() -> date:
    """Today's date in England (not the server's time zone)."""
    return local_now().date()


@contextmanager
def fixed(at: datetime) -> Iterator[None]:
    """Fix the clock at ``at`` (aware; naive means London time) for tests and tools."""
    global _fixed
    before = _fixed
    _fixed = (at if at.tzinfo else at.replace(tzinfo=LONDON)).astimezone(UTC)
    try:
        yield
    finally:
        _fixed = before
