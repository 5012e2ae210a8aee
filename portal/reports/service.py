"""The service tables of the annual report: caseloads per ISRO, late reviews and why,
advocates, challenges, minutes within 20 working days, and ISRO visits and contacts.

Each table is one or two aggregate queries whatever the number of children. A child
"looked after in the period" is one whose looked_after_since is by its end and who had not
ceased before its start; "looked after on a day" is the same for that one day (a child
who ceased on it no longer counts, as Child.looked_after_on says).
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select

from portal import db
from portal.accounts.models import Account, Child, Link, LinkKind, Role
from portal.casework.forms import HOW, OUTCOME_LABELS, STAGE_LABELS, THEME_LABELS
from portal.casework.models import OUTCOMES, STAGES, THEMES, Challenge, Contact
from portal.casework.queries import utc_day
from portal.reports.tables import Table, _pct
from portal.reviews import timescales
from portal.reviews.forms import LATE_REASONS
from portal.reviews.models import Letter, Review

# The IRO Handbook's guidance: 50 to 70 children for a full-time ISRO.
GUIDANCE = (50, 70)
TOTAL = _l("Total")


def _looked_after_during(start: date, end: date):
    return and_(Child.looked_after_since <= end,
                or_(Child.ceased_on.is_(None), Child.ceased_on >= start))


def _looked_after_on(day: date):
    return and_(Child.looked_after_since <= day,
                or_(Child.ceased_on.is_(None), Child.ceased_on > day))


def _shares(key: str, title, first, counts: list[tuple[object, int]], total: int, *,
            unit=None) -> Table:
    rows = [[label, n, _pct(n, total)] for label, n in counts]
    rows.append([TOTAL, total, "100%" if total else "–"])
    return Table(key, title, [first, unit or _l("Number"), _l("Share")], rows,
                 chart=[(str(label), n) for label, n in counts])


def guidance(per_fte: float | None) -> object:
    """Below, within or above the 50-70 children per full-time ISRO."""
    if per_fte is None:
        return _l("FTE not set")
    low, high = GUIDANCE
    return _l("Below") if per_fte < low else _l("Above") if per_fte > high else _l("Within")


def _fte(value: Decimal | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def caseloads(start: date, end: date) -> Table:
    """Each ISRO: the children allocated to them and looked after on the period's last
    day, their FTE, and children per FTE against the guidance."""
    allocated = func.count(Child.id)
    found = db.session().execute(
        select(Account.display_name, Account.fte, allocated)
        .outerjoin(Child, and_(Child.isro_id == Account.id, _looked_after_on(end)))
        .where(Account.role == Role.ISRO)
        .group_by(Account.id, Account.display_name, Account.fte)
        .having(or_(Account.active.is_(True), allocated > 0))
        .order_by(Account.display_name, Account.id)).all()
    rows = []
    for name, fte, children in found:
        per_fte = children / float(fte) if fte else None
        rows.append([name, children, _fte(fte),
                     "–" if per_fte is None else f"{per_fte:.1f}", guidance(per_fte)])
    children = sum(r[2] for r in found)
    ftes = sum((r[1] for r in found if r[1]), Decimal(0))
    with_fte = sum(r[2] for r in found if r[1])
    per_fte = with_fte / float(ftes) if ftes else None
    rows.append([TOTAL, children, _fte(ftes), "–" if per_fte is None else f"{per_fte:.1f}",
                 guidance(per_fte)])
    return Table("service-caseloads", _l("Caseload per ISRO"),
                 [_l("ISRO"), _l("Children"), _l("FTE"), _l("Children per FTE"),
                  _l("Against the guidance of 50 to 70")], rows)  # a bar per ISRO: no chart


def late_reviews(start: date, end: date) -> Table:
    """Reviews held in the period after their due date, by the reason recorded."""
    counts = dict(db.session().execute(
        select(Review.late_reason, func.count(Review.id))
        .where(Review.held_on >= start, Review.held_on <= end, Review.held_on > Review.due_on)
        .group_by(Review.late_reason)).all())
    rows = [(label, counts.get(key, 0)) for key, label in LATE_REASONS.items()]
    # Reviews recorded before the form asked, or imported.
    unknown = sum(n for key, n in counts.items() if key not in LATE_REASONS)
    if unknown:
        rows.append((_l("Reason not recorded"), unknown))
    return _shares("service-late-reviews", _l("Late reviews by reason"), _l("Reason"), rows,
                   sum(counts.values()), unit=_l("Reviews"))


def advocates(start: date, end: date) -> Table:
    """Children looked after in the period with an advocate linked at any point in it."""
    with_advocate = exists().where(Link.child_id == Child.id, Link.kind == LinkKind.ADVOCATE,
                                   Link.starts_on <= end,
                                   or_(Link.ends_on.is_(None), Link.ends_on >= start))
    total, linked = db.session().execute(
        select(func.count(Child.id), func.coalesce(func.sum(case((with_advocate, 1), else_=0)), 0))
        .where(_looked_after_during(start, end))).one()
    return _shares("service-advocates", _l("Children with an advocate"), _l("Children"),
                   [(_l("With an advocate"), int(linked)),
                    (_l("Without an advocate"), total - int(linked))], total,
                   unit=_l("Children"))


def challenges(start: date, end: date) -> list[Table]:
    """Challenges raised in the period, by theme, by stage and by outcome (one query)."""
    found = db.session().execute(
        select(Challenge.theme, Challenge.stage, Challenge.outcome, func.count(Challenge.id))
        .where(Challenge.raised_on >= start, Challenge.raised_on <= end)
        .group_by(Challenge.theme, Challenge.stage, Challenge.outcome)).all()
    total = sum(n for *_keys, n in found)
    tables = []
    for index, (key, title, first, order, labels) in enumerate((
            ("theme", _l("Challenges by theme"), _l("Theme"), THEMES, THEME_LABELS),
            ("stage", _l("Challenges by stage"), _l("Stage"), STAGES, STAGE_LABELS),
            ("outcome", _l("Challenges by outcome"), _l("Outcome"), OUTCOMES,
             OUTCOME_LABELS))):
        counter: Counter = Counter()
        for row in found:
            counter[row[index]] += row[3]
        tables.append(_shares(f"service-challenges-{key}", title, first,
                              [(labels[k], counter.get(k, 0)) for k in order], total,
                              unit=_l("Challenges")))
    return tables


def minutes_on_time(start: date, end: date) -> Table:
    """Reviews held in the period whose letter (the minutes) was first published within 20
    working days of the meeting (England and Wales bank holidays)."""
    sent_on = utc_day(Letter.first_published_at)
    # One row per day of meetings and day of sending; each day's deadline worked out once.
    found = db.session().execute(
        select(Review.held_on, sent_on, func.count(Review.id))
        .outerjoin(Letter, Letter.review_id == Review.id)
        .where(Review.held_on >= start, Review.held_on <= end)
        .group_by(Review.held_on, sent_on)).all()
    due = {held: timescales.minutes_due(held) for held in {row[0] for row in found}}
    within = sum(n for held, sent, n in found if sent and _day(sent) <= due[held])
    later = sum(n for _held, sent, n in found if sent) - within
    total = sum(n for *_days, n in found)
    return _shares("service-minutes", _l("Minutes sent within 20 working days"),
                   _l("Minutes"), [(_l("Sent within 20 working days"), within),
                                   (_l("Sent later"), later),
                                   (_l("Not sent yet"), total - within - later)],
                   total, unit=_l("Reviews"))


def _day(value) -> date:
    """A date from the database: SQLite gives 'YYYY-MM-DD'."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def contacts(start: date, end: date) -> list[Table]:
    """ISRO visits and contacts between reviews in the period, by kind; and the children
    looked after in the period with at least one."""
    in_period = (Contact.on >= start, Contact.on <= end)
    by_how = dict(db.session().execute(
        select(Contact.how, func.count(Contact.id)).where(*in_period)
        .group_by(Contact.how)).all())
    contacted = exists().where(Contact.child_id == Child.id, *in_period)
    total, seen = db.session().execute(
        select(func.count(Child.id), func.coalesce(func.sum(case((contacted, 1), else_=0)), 0))
        .where(_looked_after_during(start, end))).one()
    return [
        _shares("service-contacts", _l("ISRO visits and contacts between reviews"),
                _l("Kind"), [(c.label, by_how.get(c.value, 0)) for c in HOW],
                sum(by_how.values()), unit=_l("Contacts")),
        _shares("service-contacted", _l("Children with at least one ISRO visit or contact"),
                _l("Children"), [(_l("At least one visit or contact"), int(seen)),
                                 (_l("No visit or contact"), total - int(seen))], total,
                unit=_l("Children")),
    ]


def service_tables(start: date, end: date) -> list[Table]:
    return [caseloads(start, end), late_reviews(start, end), advocates(start, end),
            *challenges(start, end), minutes_on_time(start, end), *contacts(start, end)]
