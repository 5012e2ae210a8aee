"""The child-profile tables of the annual report: who the children looked after in a
period were, where they lived and how they came into care, with the report's own row
labels.

A child counts when they were looked after on any day of the period: from their 903
episodes where they have any (an episode starting by the period's end and not ceased
before its start), otherwise from looked_after_since and ceased_on. Two queries, the
children and their episodes in the period, whatever the number of children.

- Age is taken on the period's last day, or on the day the child ceased if that is
  earlier (a young person who ceased on their 18th birthday counts in 16 - 17).
- Distance from home and legal status come from the child's last episode in the
  period, and their first one that started a period of care (RNE S) in it.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, or_, select

from portal import db
from portal.accounts.models import Child
from portal.reports.ssda903 import ETHNIC_GROUPS, KINSHIP, LS, SEX
from portal.reports.ssda903_models import Episode, UascRecord
from portal.reports.tables import Table

AGE_BANDS = (("Under 1", 0, 0), ("1 - 4", 1, 4), ("5 - 9", 5, 9), ("10 - 15", 10, 15),
             ("16 - 17", 16, 200))
FAR = 20  # miles: "out of county"
SGO = ("E43", "E44")
# The legal statuses the report always shows, first, then the others when present.
ENTRY_STATUSES = ("C1", "L1", "L2", "V2")
NOT_RECORDED = "Not recorded"
NOT_KNOWN_STATUS = "Legal status not known"
REFUSED = "Refused or not obtained"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _looked_after(start: date, end: date):
    """Episodes of the period: started by its end, not ceased before its start."""
    return and_(Episode.decom <= end, or_(Episode.dec.is_(None), Episode.dec >= start))


def _children(start: date, end: date) -> list:
    has_episodes = exists().where(Episode.child_id == Child.id)
    in_period = exists().where(Episode.child_id == Child.id, _looked_after(start, end))
    without_episodes = and_(~has_episodes, Child.looked_after_since <= end,
                            or_(Child.ceased_on.is_(None), Child.ceased_on >= start))
    uasc = exists().where(UascRecord.child_id == Child.id)
    return db.session().execute(select(
        Child.id, Child.sex, Child.ethnicity, Child.date_of_birth, Child.looked_after_since,
        Child.ceased_on, or_(Child.asylum_seeking, uasc).label("uasc"),
    ).where(or_(in_period, without_episodes))).all()


def _episodes(start: date, end: date) -> dict[int, list]:
    found: dict[int, list] = {}
    for row in db.session().execute(select(
            Episode.child_id, Episode.decom, Episode.dec, Episode.rec, Episode.rne,
            Episode.ls, Episode.place, Episode.pl_distance).where(
            _looked_after(start, end)).order_by(Episode.child_id, Episode.decom)):
        found.setdefault(row.child_id, []).append(row)
    return found


def _table(key: str, title: str, first: str, counts: list[tuple[str, int]], total: int, *,
           chart: bool = True) -> Table:
    rows = [[label, n, _pct(n, total)] for label, n in counts]
    rows.append(["Total", total, _pct(total, total) if total else "–"])
    return Table(key, title, [first, "Children", "%"], rows,
                 chart=[(label, n) for label, n in counts] if chart else None)


def profile_tables(start: date, end: date) -> list[Table]:
    children = _children(start, end)
    episodes = _episodes(start, end)
    total = len(children)

    sexes = {code: 0 for code in SEX}
    unrecorded_sex = 0
    groups = {label: 0 for label in ETHNIC_GROUPS}
    group_of = {code: label for label, codes in ETHNIC_GROUPS.items() for code in codes}
    ages = {label: 0 for label, _low, _high in AGE_BANDS}
    far = near = unknown = kinship = uasc = sgo = 0
    entrants: dict[str, int] = {}
    for child in children:
        own = episodes.get(child.id, [])
        if child.sex in sexes:
            sexes[child.sex] += 1
        else:
            unrecorded_sex += 1
        groups[group_of.get(child.ethnicity, REFUSED)] += 1
        if own:
            ceased = own[-1].dec if own[-1].dec is not None and own[-1].dec <= end else None
        else:
            ceased = child.ceased_on if child.ceased_on and child.ceased_on <= end else None
        age = _age(child.date_of_birth, min(end, ceased) if ceased else end)
        band = next((label for label, low, high in AGE_BANDS if low <= age <= high), None)
        if band:
            ages[band] += 1
        distance = own[-1].pl_distance if own else None
        if distance is None:
            unknown += 1
        elif distance >= FAR:
            far += 1
        else:
            near += 1
        kinship += any(e.place in KINSHIP for e in own)
        uasc += bool(child.uasc)
        sgo += sum(e.dec is not None and start <= e.dec <= end and e.rec in SGO for e in own)
        if own:
            entry = next((e for e in own if e.rne == "S" and start <= e.decom <= end), None)
            status = LS[entry.ls] if entry else None
        else:
            status = NOT_KNOWN_STATUS if start <= child.looked_after_since <= end else None
        if status:
            entrants[status] = entrants.get(status, 0) + 1

    gender = [(label, sexes[code]) for code, label in SEX.items()]
    if unrecorded_sex:
        gender.append((NOT_RECORDED, unrecorded_sex))
    ethnicity = [(label, n) for label, n in groups.items() if label != REFUSED or n]
    always = [LS[code] for code in ENTRY_STATUSES]
    others = [name for name in [*LS.values(), NOT_KNOWN_STATUS]
              if name not in always and entrants.get(name)]
    entry_rows = [(name, entrants.get(name, 0)) for name in always + others]
    return [
        _table("profile-gender", "Children looked after by gender", "Gender", gender, total),
        _table("profile-ethnicity", "Children looked after by ethnicity", "Ethnicity",
               ethnicity, total),
        _table("profile-age", "Children looked after by age", "Age", list(ages.items()),
               total),
        _table("profile-distance", "Children placed 20 miles or more from home",
               "Distance from home", [("Placed 20 miles or more from home", far),
                                      ("Placed less than 20 miles from home", near),
                                      ("Distance not known", unknown)], total),
        _table("profile-kinship", "Children in a kinship placement", "Placement",
               [("In a kinship placement (U1, U2 or U3)", kinship)], total, chart=False),
        Table("profile-sgo", "Special guardianship orders granted", ["Orders", "Number"],
              [["Special guardianship orders granted", sgo]]),
        _table("profile-entrants", "Children becoming looked after, by legal status",
               "Legal status", entry_rows, sum(entrants.values())),
        _table("profile-uasc", "Unaccompanied asylum-seeking children", "Children",
               [("Unaccompanied asylum-seeking children", uasc)], total, chart=False),
    ]
