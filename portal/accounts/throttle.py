"""Tries at something expensive or guessable (a password, a second-factor or setup code),
counted in the database so every worker and every host sees the same count.

Each try adds one to the key's count in a single atomic statement (an upsert that returns
the new count) *before* it is checked: however many requests arrive at once, from however
many processes, each gets its own number, and only numbers up to the limit are checked.
The count starts again when its window has passed; a success clears it. Keys are stored
as SHA-256 digests, so the table never holds a username.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from limits import parse
from sqlalchemy import Integer, String, case, delete, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base, UTCDateTime


class ThrottleCount(Base):
    __tablename__ = "throttle_counts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    tries: Mapped[int] = mapped_column(Integer)


class Throttle:
    """At most ``limit`` (e.g. "5 per 15 minutes") tries per key."""

    def __init__(self, limit: str) -> None:
        item = parse(limit)
        self.amount = item.amount
        self.window = timedelta(seconds=item.get_expiry())

    @staticmethod
    def _digest(key: str) -> str:
        return hashlib.sha256(key.strip().lower().encode()).hexdigest()

    @staticmethod
    def _engine():
        return current_app.extensions["portal.engine"]

    def attempt(self, key: str) -> int:
        """Count one try; returns its number in the window. Only tries numbered up to
        ``amount`` may be checked (``allows``); the try numbered ``amount`` is the last."""
        now = clock.now()
        table = ThrottleCount.__table__
        engine = self._engine()
        insert = (postgresql if engine.dialect.name == "postgresql" else sqlite).insert
        stamp = literal(now, UTCDateTime)
        expired = table.c.window_start <= literal(now - self.window, UTCDateTime)
        statement = insert(table).values(key=self._digest(key), window_start=now, tries=1)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"tries": case((expired, 1), else_=table.c.tries + 1),
                  "window_start": case((expired, stamp), else_=table.c.window_start)},
        ).returning(table.c.tries)
        with engine.begin() as conn:
            return conn.execute(statement).scalar_one()

    def allows(self, number: int) -> bool:
        return number <= self.amount

    def was_last(self, number: int) -> bool:
        return number >= self.amount

    def clear(self, key: str) -> None:
        with self._engine().begin() as conn:
            conn.execute(delete(ThrottleCount).where(ThrottleCount.key == self._digest(key)))


def throttle() -> Throttle:
    return current_app.extensions["portal.throttle"]
