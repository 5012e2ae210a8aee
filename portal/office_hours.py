"""When a person at the council reads My Say: office hours in England, bank holidays off.

``PORTAL_OFFICE_HOURS`` is a list of day ranges with times, e.g. ``Mon-Fri 09:00-17:00``
or ``Mon-Thu 09:00-17:00, Fri 09:00-16:30``; England and Wales bank holidays (from the
``holidays`` library) are always closed. Times are Europe/London.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from portal.clock import LONDON
from portal.reviews.timescales import bank_holidays

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT = "Mon-Fri 09:00-17:00"
_PART = re.compile(r"^\s*(\w{3})(?:\s*-\s*(\w{3}))?"  # Mon or Mon-Fri
                   r"\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")  # 09:00-17:00
# How far ahead to look for the next open hour.
_HORIZON_DAYS = 400


class OfficeHoursError(ValueError):
    pass


@dataclass(frozen=True)
class OfficeHours:
    # weekday (Monday 0) -> (opens, closes)
    days: dict[int, tuple[time, time]]
    spec: str = DEFAULT

    @classmethod
    def parse(cls, spec: str) -> OfficeHours:
        days: dict[int, tuple[time, time]] = {}
        for part in spec.split(","):
            found = _PART.match(part)
            if not found:
                raise OfficeHoursError(f"office hours must look like {DEFAULT!r}, not {part!r}")
            first, last, h1, m1, h2, m2 = found.groups()
            try:
                start, end = DAYS.index(first.lower()), DAYS.index((last or first).lower())
                opens, closes = time(int(h1), int(m1)), time(int(h2), int(m2))
            except ValueError:
                raise OfficeHoursError(f"not a day or time in {part!r}") from None
            if closes <= opens or end < start:
                raise OfficeHoursError(f"{part!r} closes before it opens")
            for day in range(start, end + 1):
                days[day] = (opens, closes)
        return cls(days=days, spec=spec)

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        hours = self.days.get(day.weekday())
        if hours is None or day in bank_holidays(day.year):
            return None
        return (datetime.combine(day, hours[0], tzinfo=LONDON),
                datetime.combine(day, hours[1], tzinfo=LONDON))

    def _windows_from(self, at: datetime):
        day = at.astimezone(LONDON).date()
        for offset in range(_HORIZON_DAYS):
            window = self._window(day + timedelta(days=offset))
            if window and window[1] > at:
                yield max(window[0], at), window[1]

    def is_open(self, at: datetime) -> bool:
        window = self._window(at.astimezone(LONDON).date())
        return window is not None and window[0] <= at < window[1]

    def next_open(self, at: datetime) -> datetime:
        """When a person will next be at work: ``at`` itself during office hours."""
        for start, _end in self._windows_from(at):
            return start
        raise OfficeHoursError("no office hours in the next year")

    def add_office_minutes(self, start: datetime, minutes: int) -> datetime:
        """The moment ``minutes`` of office time have passed since ``start``."""
        left = timedelta(minutes=minutes)
        for opens, closes in self._windows_from(start):
            if closes - opens >= left:
                return opens + left
            left -= closes - opens
        raise OfficeHoursError("no office hours in the next year")

    def office_minutes_between(self, start: datetime, end: datetime) -> int:
        total = timedelta()
        for opens, closes in self._windows_from(start):
            if opens >= end:
                break
            total += min(closes, end) - opens
        return int(total.total_seconds() // 60)


@cache
def parsed(spec: str) -> OfficeHours:
    return OfficeHours.parse(spec)
