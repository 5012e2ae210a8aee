"""Report tables. Each is one query (aggregated in SQL where the databases agree), so a
report costs the same number of queries for 10 children or 10,000."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, and_, case, extract, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from portal import clock, db
from portal.accounts.models import Account, Child
from portal.casework.queries import utc_day
from portal.consultations.models import Submission
from portal.db import UTCDateTime
from portal.reviews.models import Letter, Review
from portal.reviews.participation import CODES

AGE_BANDS = (("under 4", 0, 3), ("4-7", 4, 7), ("8-12", 8, 12), ("13-15", 13, 15),
             ("16-17", 16, 17), ("18+", 18, 200))


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart: list[tuple[str, int]] | None = None  # (label, value) for a bar chart


def financial_year(today: date) -> tuple[date, date]:
    start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return start, date(start.year + 1, 3, 31)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (datetime.combine(start, time.min, tzinfo=UTC),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC))


def reviews_by_month(start: date, end: date) -> Table:
    held_year, held_month = extract("year", Review.held_on), extract("month", Review.held_on)
    on_time = func.sum(case((Review.held_on <= Review.due_on, 1), else_=0))
    found = db.session().execute(
        select(held_year, held_month, func.count(Review.id), on_time)
        .where(Review.held_on >= start, Review.held_on <= end)
        .group_by(held_year, held_month)).all()
    rows = [[f"{int(year):04d}-{int(month):02d}", n, int(late_or_not), _pct(int(late_or_not), n)]
            for year, month, n, late_or_not in sorted(found, key=lambda r: (r[0], r[1]))]
    all_n, all_on = sum(r[1] for r in rows), sum(r[2] for r in rows)
    rows.append(["Total", all_n, all_on, _pct(all_on, all_n)])
    return Table("reviews-by-month", "Reviews held by month, and on time",
                 ["Month", "Reviews held", "On time", "On time %"], rows,
                 chart=[(r[0], r[1]) for r in rows[:-1]])


def participation(start: date, end: date) -> Table:
    counts = dict(db.session().execute(
        select(Review.participation_code, func.count(Review.id))
        .where(Review.held_on >= start, Review.held_on <= end)
        .group_by(Review.participation_code)).all())
    total = sum(counts.values())
    rows = [[code, counts.get(code, 0), _pct(counts.get(code, 0), total)] for code in CODES]
    if counts.get(None):
        rows.append(["No code", counts[None], _pct(counts[None], total)])
    rows.append(["Total", total, "100%" if total else "–"])
    return Table("participation", "Reviews by participation code",
                 ["Code", "Reviews", "Share"], rows, chart=[(r[0], r[1]) for r in rows[:8]])


def letters_on_time(start: date, end: date, today: date | None = None) -> Table:
    today = today or clock.today()
    published = Letter.first_published_at
    # The day (UTC) a letter was first published, against its deadline: counted by the
    # database, one row whatever the number of letters.
    published_on = utc_day(published)

    def count(*when):
        return func.coalesce(func.sum(case((and_(*when), 1), else_=0)), 0)

    on_time, late, waiting, overdue, total = db.session().execute(
        select(count(published.is_not(None), published_on <= Letter.deadline_on),
               count(published.is_not(None), published_on > Letter.deadline_on),
               count(published.is_(None), Letter.deadline_on >= today),
               count(published.is_(None), Letter.deadline_on < today),
               func.count(Letter.id)).join(Review)
        .where(Review.held_on >= start, Review.held_on <= end)).one()
    on_time, late, waiting, overdue = (int(n) for n in (on_time, late, waiting, overdue))
    rows = [["Published within 20 working days", on_time, _pct(on_time, total)],
            ["Published late", late, _pct(late, total)],
            ["Not published, not yet due", waiting, _pct(waiting, total)],
            ["Not published, overdue", overdue, _pct(overdue, total)],
            ["Total", total, "100%" if total else "–"]]
    return Table("letters", "Letters (minutes) published within 20 working days",
                 ["Letters", "Number", "Share"], rows, chart=[(r[0], r[1]) for r in rows[:4]])


class turns(FunctionElement):  # noqa: N801 (a SQL function, named like one)
    """The start of the day (UTC) a child born on ``born`` turns ``years`` old, comparable
    with a UTCDateTime column on every database: their birthday that year, and 1 March
    for a 29 February birthday in a common year (the rule of comparing (month, day))."""

    type = UTCDateTime()
    inherit_cache = True


@compiles(turns)
def _turns(element, compiler, **kw):  # pragma: no cover (SQLite and PostgreSQL below)
    raise NotImplementedError("turns() is written for SQLite and PostgreSQL")


@compiles(turns, "postgresql")
def _turns_postgresql(element, compiler, **kw):
    born, years = (compiler.process(arg, **{**kw, "literal_binds": True})
                   for arg in element.clauses)
    later = f"({born} + {years} * INTERVAL '1 year')"
    # PostgreSQL takes 29 February to the 28th in a common year: a day on from that.
    return (f"(({later} + CASE WHEN {later} - {years} * INTERVAL '1 year' <> {born} "
            f"THEN INTERVAL '1 day' ELSE INTERVAL '0 days' END) AT TIME ZONE 'UTC')")


@compiles(turns, "sqlite")
def _turns_sqlite(element, compiler, **kw):
    # 'YYYY-MM-DD' sorts before every stored 'YYYY-MM-DD HH:MM:SS.ffffff' of that day.
    born, years = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date({born}, '+' || {years} || ' years')"


def submissions(start: date, end: date) -> list[Table]:
    low, high = _bounds(start, end)
    session = db.session()
    sent = (Submission.status == "sent", Submission.sent_at >= low, Submission.sent_at < high)
    kinds: Counter = Counter()
    by_who: Counter = Counter()
    by_language: Counter = Counter()
    ages: Counter = Counter()
    # One pass over the period's submissions, grouped in the database by what and who; the
    # age band on the day each was sent (UTC, as every time is stored) is counted in the
    # same pass, as the number sent before the child turned each band's first age. Those
    # days are worked out once per child, in a subquery.
    firsts = [low_age for _name, low_age, _high in AGE_BANDS[1:]]
    born = Child.date_of_birth
    children = select(Child.id, *(turns(born, literal(age, Integer)).label(f"t{age}")
                                  for age in firsts)).group_by(Child.id, born).subquery()
    before = [func.sum(case((Submission.sent_at < children.c[f"t{age}"], 1), else_=0))
              for age in firsts]
    groups = (Submission.kind, Submission.questionnaire, Account.role, Submission.language)
    for kind, questionnaire, role, language, n, *under in session.execute(
            select(*groups, func.count(Submission.id), *before)
            .join(children, children.c.id == Submission.child_id)
            .outerjoin(Account, Account.id == Submission.entered_by_id)
            .where(*sent).group_by(*groups)):
        kinds[{"observation": "carer observation", "visit": "ISRO visit notes"}.get(
            questionnaire or "", kind)] += n
        by_who[role or "unknown"] += n
        by_language[language] += n
        counted = 0
        for (name, _low, _high), below in zip(AGE_BANDS, [*under, n], strict=True):
            ages[name] += int(below) - counted
            counted = int(below)
    total = sum(kinds.values())

    def table(key, title, label, counter, order=None):
        keys = order or sorted(counter, key=lambda k: (-counter[k], str(k)))
        rows = [[k, counter.get(k, 0), _pct(counter.get(k, 0), total)] for k in keys]
        rows.append(["Total", total, "100%" if total else "–"])
        return Table(key, title, [label, "Submissions", "Share"], rows,
                     chart=[(str(r[0]), r[1]) for r in rows[:-1]])

    return [table("by-kind", "Submissions by kind", "Kind", kinds),
            table("by-who", "Submissions by who entered them", "Entered by", by_who),
            table("by-age", "Submissions by age band", "Age band", ages,
                  [name for name, _low, _high in AGE_BANDS]),
            table("by-language", "Submissions by language", "Language", by_language)]


def all_tables(start: date, end: date) -> list[Table]:
    """The review tables. Challenges are counted with the rest of the service (by theme,
    stage and outcome) in portal/reports/service.py."""
    return [reviews_by_month(start, end), participation(start, end),
            letters_on_time(start, end), *submissions(start, end)]
