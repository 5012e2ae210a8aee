"""Statutory timescales for reviews (Care Planning, Placement and Case Review (England)
Regulations 2010, reg. 33) and for minutes, in working days of England and Wales.

Bank holidays come from the ``holidays`` library, not a hand-made list.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import cache

import holidays

FIRST_REVIEW_WORKING_DAYS = 20
SECOND_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6
MINUTES_WORKING_DAYS = 20


@cache
def bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (start itself not counted)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def add_months(start: date, months: int) -> date:
    """Same day of the month, ``months`` later; the month's last day if it is shorter."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def review_kind(held_before: int) -> str:
    return ("first", "second")[held_before] if held_before < 2 else "later"


def review_due(looked_after_since: date, previous_held: list[date]) -> date:
    """When the next review is due, given the dates earlier reviews were held."""
    if not previous_held:
        return add_working_days(looked_after_since, FIRST_REVIEW_WORKING_DAYS)
    months = SECOND_REVIEW_MONTHS if len(previous_held) == 1 else LATER_REVIEW_MONTHS
    return add_months(max(previous_held), months)


def minutes_due(held_on: date) -> date:
    return add_working_days(held_on, MINUTES_WORKING_DAYS)


def days_late(due: date, done: date | None, today: date | None = None) -> int:
    """Days past the due date (0 when on time); for something not yet done, as of today."""
    from portal import clock

    reference = done or today or clock.today()
    return max(0, (reference - due).days)
