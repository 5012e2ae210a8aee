"""Participation codes: the government return's age rules, and the suggestion."""
from datetime import date

import pytest

from portal.reviews.participation import code_problem, suggest

BORN = date(2020, 6, 15)  # 4th birthday: 15 June 2024


@pytest.mark.parametrize("code", ["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"])
def test_pn1_to_pn7_are_refused_for_a_child_under_4(code):
    assert "under 4" in code_problem(code, BORN, date(2024, 6, 14))


def test_pn0_is_refused_for_a_child_aged_4():
    assert "under 4" in code_problem("PN0", BORN, date(2024, 6, 16))


@pytest.mark.parametrize("code", ["PN0", "PN1", "PN6"])
def test_on_the_4th_birthday_every_code_is_valid(code):
    assert code_problem(code, BORN, date(2024, 6, 15)) is None


def test_unknown_codes_are_refused():
    assert code_problem("PN8", BORN, date(2025, 1, 1))


@pytest.mark.parametrize(("facts", "code"), [
    ({"review_day": date(2023, 1, 1), "attended": True, "advocate_views": True,
      "own_views": True}, "PN0"),
    ({"review_day": date(2026, 1, 1), "attended": False, "advocate_views": True,
      "own_views": True}, "PN5"),
    ({"review_day": date(2026, 1, 1), "attended": False, "advocate_views": False,
      "own_views": True}, "PN6"),
    ({"review_day": date(2026, 1, 1), "attended": False, "advocate_views": False,
      "own_views": False}, "PN7"),
    ({"review_day": date(2026, 1, 1), "attended": True, "advocate_views": False,
      "own_views": True}, "PN1"),
])
def test_the_suggestion_follows_what_was_sent_and_how(facts, code):
    assert suggest(BORN, **facts) == code
