"""The SSDA903 Reviews table: one row per review held in a collection year, checked
against the Department for Education's validation rules before it is exported.

A collection year runs from 1 April to 31 March; ``year`` is the year it starts in
(2025 means 1 April 2025 to 31 March 2026).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal import db
from portal.accounts.models import Child
from portal.reviews.models import Review
from portal.reviews.participation import CODES, fourth_birthday

COLUMNS = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")


@dataclass
class Problem:
    reference: str
    review_date: date
    rule: str
    message: str
    fix: str


def collection_year(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def check(reference: str | None, dob: date, review_day: date, code: str | None) -> Problem | None:
    """The first DfE rule a review row breaks (or a missing reference), else None."""
    ref = reference or "(no reference)"
    if not reference:
        return Problem(ref, review_day, "reference", "The child has no council reference",
                       "Add the council's child reference on the child's record")
    if code not in CODES:
        return Problem(ref, review_day, "167", "Rule 167: a review with a date must have a "
                       "participation code PN0 to PN7", "Record the participation code")
    birthday = fourth_birthday(dob)
    if code == "PN0" and review_day > birthday:
        return Problem(ref, review_day, "440", "Rule 440: PN0 means the child was under 4, "
                       "but the review is after their 4th birthday", "Choose a code PN1 to PN7")
    if code != "PN0" and review_day < birthday:
        return Problem(ref, review_day, "441", "Rule 441: PN1 to PN7 mean the child was 4 or "
                       "over, but the review is before their 4th birthday", "Use PN0")
    return None


def build(year: int) -> tuple[list[tuple[str, str, str, str]], list[Problem]]:
    """(rows that pass every rule, problems with the rows held back)."""
    start, end = collection_year(year)
    found = db.session().execute(
        select(Child.reference, Child.date_of_birth, Review.held_on, Review.participation_code)
        .join(Child, Child.id == Review.child_id)
        .where(Review.held_on >= start, Review.held_on <= end)
        .order_by(Child.reference, Review.held_on)).all()
    rows, problems = [], []
    for reference, dob, held_on, code in found:
        problem = check(reference, dob, held_on, code)
        if problem:
            problems.append(problem)
        else:
            rows.append((reference, _dmy(dob), _dmy(held_on), code))
    return rows, problems


def as_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()
