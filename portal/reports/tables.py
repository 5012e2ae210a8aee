"""Report tables. Each is one query (aggregated in SQL where the databases agree), so a
report costs the same number of queries for 10 children or 10,000."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, extract, func, select

from portal import clock, db
from portal.accounts.models import Account, Child
from portal.casework.models import Challenge
from portal.consultations.models import Submission
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
    held = db.session().execute(select(Review.held_on, Review.due_on).where(
        Review.held_on >= start, Review.held_on <= end)).all()
    months: dict[str, list[int]] = {}
    for held_on, due_on in held:
        totals = months.setdefault(held_on.strftime("%Y-%m"), [0, 0])
        totals[0] += 1
        totals[1] += held_on <= due_on
    rows = [[month, n, on_time, _pct(on_time, n)] for month, (n, on_time) in sorted(months.items())]
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
    found = db.session().execute(
        select(Letter.deadline_on, Letter.first_published_at).join(Review)
        .where(Review.held_on >= start, Review.held_on <= end)).all()
    on_time = sum(1 for due, published in found if published and published.date() <= due)
    late = sum(1 for due, published in found if published and published.date() > due)
    waiting = sum(1 for due, published in found if not published and due >= today)
    overdue = sum(1 for due, published in found if not published and due < today)
    total = len(found)
    rows = [["Published within 20 working days", on_time, _pct(on_time, total)],
            ["Published late", late, _pct(late, total)],
            ["Not published, not yet due", waiting, _pct(waiting, total)],
            ["Not published, overdue", overdue, _pct(overdue, total)],
            ["Total", total, "100%" if total else "–"]]
    return Table("letters", "Letters (minutes) published within 20 working days",
                 ["Letters", "Number", "Share"], rows, chart=[(r[0], r[1]) for r in rows[:4]])


def submissions(start: date, end: date) -> list[Table]:
    low, high = _bounds(start, end)
    session = db.session()
    sent = (Submission.status == "sent", Submission.sent_at >= low, Submission.sent_at < high)
    # Age when sent, worked out by the database (extract() reads the same on SQLite and
    # PostgreSQL). One pass over the submissions gives every breakdown at once.
    sent_year, born_year = extract("year", Submission.sent_at), extract("year", Child.date_of_birth)
    before_birthday = case(
        (extract("month", Submission.sent_at) * 100 + extract("day", Submission.sent_at)
         < extract("month", Child.date_of_birth) * 100 + extract("day", Child.date_of_birth), 1),
        else_=0)
    age = sent_year - born_year - before_birthday  # grouped by age: computed once a row
    groups = (Submission.kind, Submission.questionnaire, Account.role, Submission.language, age)
    kinds: Counter = Counter()
    by_who: Counter = Counter()
    by_language: Counter = Counter()
    ages: Counter = Counter()
    for kind, questionnaire, role, language, years, n in session.execute(
            select(*groups, func.count(Submission.id))
            .join(Child, Child.id == Submission.child_id)
            .outerjoin(Account, Account.id == Submission.entered_by_id)
            .where(*sent).group_by(*groups)):
        kinds[{"observation": "carer observation", "visit": "ISRO visit notes"}.get(
            questionnaire or "", kind)] += n
        by_who[role or "unknown"] += n
        by_language[language] += n
        ages[next(name for name, low_age, high_age in AGE_BANDS
                  if low_age <= int(years) <= high_age)] += n
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


def challenges(start: date, end: date) -> list[Table]:
    found = db.session().execute(select(Challenge.theme, Challenge.stage, Challenge.outcome)
                                 .where(Challenge.raised_on >= start,
                                        Challenge.raised_on <= end)).all()
    total = len(found)
    tables = []
    for index, (key, label) in enumerate((("theme", "Theme"), ("stage", "Stage"),
                                          ("outcome", "Outcome"))):
        counter = Counter(row[index] for row in found)
        rows = [[k.replace("_", " "), n, _pct(n, total)] for k, n in counter.most_common()]
        rows.append(["Total", total, "100%" if total else "–"])
        tables.append(Table(f"challenges-by-{key}", f"Challenges by {key}", [label, "Challenges",
                                                                             "Share"],
                            rows, chart=[(r[0], r[1]) for r in rows[:-1]]))
    return tables


def all_tables(start: date, end: date) -> list[Table]:
    return [reviews_by_month(start, end), participation(start, end),
            letters_on_time(start, end), *submissions(start, end), *challenges(start, end)]
