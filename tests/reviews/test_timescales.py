"""Due dates as the regulations set them, across weekends and bank holidays."""
from datetime import date

import pytest

from portal.reviews.timescales import (
    add_months,
    add_working_days,
    days_late,
    minutes_due,
    review_due,
    review_kind,
)


@pytest.mark.parametrize(("looked_after", "first_due"), [
    (date(2025, 12, 15), date(2026, 1, 15)),  # across Christmas, Boxing Day and New Year
    (date(2026, 3, 30), date(2026, 4, 29)),   # across Good Friday and Easter Monday
    (date(2026, 6, 5), date(2026, 7, 3)),     # a Friday: weekends are not counted
    (date(2026, 5, 1), date(2026, 6, 2)),     # across the May Day and Spring bank holidays
])
def test_first_review_is_due_within_20_working_days(looked_after, first_due):
    assert review_due(looked_after, []) == first_due


def test_second_review_is_due_within_3_months_of_the_first():
    assert review_due(date(2025, 1, 1), [date(2026, 1, 31)]) == date(2026, 4, 30)


def test_later_reviews_are_due_within_6_months_of_the_last():
    held = [date(2025, 1, 10), date(2025, 4, 8), date(2025, 8, 31)]
    assert review_due(date(2025, 1, 1), held) == date(2026, 2, 28)


def test_review_kinds():
    assert [review_kind(n) for n in range(4)] == ["first", "second", "later", "later"]


def test_minutes_are_due_20_working_days_after_the_meeting():
    assert minutes_due(date(2025, 12, 18)) == date(2026, 1, 20)


def test_working_days_skip_christmas_even_when_it_falls_at_a_weekend():
    # 2026: Christmas Friday, Boxing Day Saturday, so Monday 28th is the holiday.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_months_keep_the_day_or_use_the_months_last():
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2023, 8, 29), 6) == date(2024, 2, 29)


def test_days_late():
    assert days_late(date(2026, 1, 10), date(2026, 1, 13)) == 3
    assert days_late(date(2026, 1, 10), date(2026, 1, 9)) == 0
