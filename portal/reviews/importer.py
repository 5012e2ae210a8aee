"""Importing past reviews from CSV, so a council starts with its history.

Two layouts, told apart by the header:
- the portal's own: child_reference, date_of_birth, date_looked_after, review_date,
  participation_code (and optional review_due_date), dates as yyyy-mm-dd;
- the DfE SSDA903 Reviews table: CHILD, DOB, REVIEW, REVIEW_CODE, dates as dd/mm/yyyy.

Every line is checked first; a file with any error imports nothing.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from typing import TextIO

from sqlalchemy import select

from portal import db
from portal.accounts.models import Child
from portal.reviews import participation, timescales
from portal.reviews.models import Review

PORTAL_COLUMNS = ("child_reference", "date_of_birth", "date_looked_after", "review_date",
                  "participation_code")
DFE_COLUMNS = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")


@dataclass
class Row:
    line: int
    reference: str
    date_of_birth: date
    looked_after: date | None
    review_date: date
    code: str
    due: date | None


class EmptyReference(ValueError):
    pass


class ImportFailed(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def _date(text: str, layout: str) -> date:
    return datetime.strptime(text.strip(), "%d/%m/%Y" if layout == "dfe" else "%Y-%m-%d").date()


def read(stream: TextIO) -> list[Row]:
    reader = csv.DictReader(stream)
    header = tuple(name.strip() for name in (reader.fieldnames or ()))
    if set(DFE_COLUMNS) <= set(header):
        layout, names = "dfe", {"ref": "CHILD", "dob": "DOB", "review": "REVIEW",
                                "code": "REVIEW_CODE"}
    elif set(PORTAL_COLUMNS) <= set(header):
        layout, names = "portal", {"ref": "child_reference", "dob": "date_of_birth",
                                   "review": "review_date", "code": "participation_code"}
    else:
        missing = [c for c in PORTAL_COLUMNS if c not in header]
        raise ImportFailed([f"line 1: the header needs the columns {', '.join(DFE_COLUMNS)} "
                            f"(DfE 903) or {', '.join(PORTAL_COLUMNS)}; missing: "
                            f"{', '.join(missing)}"])
    rows, errors = [], []
    for line, record in enumerate(reader, start=2):
        record = {k.strip(): (v or "").strip() for k, v in record.items() if k}
        try:
            reference = record[names["ref"]]
            if not reference:
                raise EmptyReference
            dob = _date(record[names["dob"]], layout)
            review_day = _date(record[names["review"]], layout)
            looked_after = (_date(record["date_looked_after"], layout)
                            if record.get("date_looked_after") else None)
            due = (_date(record["review_due_date"], layout)
                   if record.get("review_due_date") else None)
        except EmptyReference:
            errors.append(f"line {line}: the child reference is empty")
            continue
        except (KeyError, ValueError):
            wanted = "dd/mm/yyyy" if layout == "dfe" else "yyyy-mm-dd"
            errors.append(f"line {line}: a date is missing or not written as {wanted}")
            continue
        code = record[names["code"]].upper()
        problem = participation.code_problem(code, dob, review_day)
        if problem:
            errors.append(f"line {line}: {code or '(no code)'}: {problem}")
            continue
        rows.append(Row(line, reference, dob, looked_after, review_day, code, due))
    if errors:
        raise ImportFailed(errors)
    return rows


def import_reviews(stream: TextIO) -> int:
    """Check every line, then add the reviews (and any unknown children) in one transaction."""
    count = add_reviews(read(stream))
    db.session().commit()
    return count


def add_reviews(rows: list[Row]) -> int:
    """Add the reviews ``read`` found (and any unknown children); the caller commits."""
    session = db.session()
    references = {r.reference for r in rows}
    children = {c.reference: c for c in session.scalars(
        select(Child).where(Child.reference.in_(references)))} if references else {}
    for row in sorted(rows, key=lambda r: (r.reference, r.review_date)):
        child = children.get(row.reference)
        if child is None:
            child = Child(preferred_name=row.reference, reference=row.reference,
                          date_of_birth=row.date_of_birth,
                          looked_after_since=row.looked_after or row.review_date, needs=[])
            session.add(child)
            session.flush()
            children[row.reference] = child
        held_before = [r.held_on for r in session.scalars(
            select(Review).where(Review.child_id == child.id, Review.held_on.is_not(None)))]
        due = row.due or timescales.review_due(child.looked_after_since, held_before)
        session.add(Review(child_id=child.id, due_on=due, held_on=row.review_date,
                           participation_code=row.code,
                           kind=timescales.review_kind(len(held_before))))
        session.flush()
    return len(rows)
