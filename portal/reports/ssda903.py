"""The council's SSDA903 return, read into My Say: who the children are (Header), their
episodes of care (Episodes), who was an unaccompanied asylum-seeking child (UASC), and
their reviews (Reviews, handed to ``reviews.importer``).

The DfE's CSV tables are told apart by their header rows (any order, other columns
ignored); dates are dd/mm/yyyy and codes those of the DfE's 903 guidance (below).
Children are matched by CHILD, the council's reference; a child new to My Say is added
with the reference as their preferred name, no ISRO and no sign-in. HOME_POST and
PL_POST are checked and then dropped, never stored (see ``ssda903_models``).

Like ``casework.importer``, ``read`` checks every line of every file and says what
importing them would do, or what is wrong (file, line and column); ``apply`` writes it
all in one transaction only when nothing is wrong. The same files read again find
nothing to do: episodes are matched by child and DECOM and changed only when they
differ; episodes the files no longer give are kept, as history. A child's ceased_on and
ceased_reason follow their last episode's DEC and REC.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from portal import audit, clock, db
from portal.accounts import leaving, operations
from portal.accounts.models import Account, Child
from portal.casework.importer import _CHUNK, LineError, NotText, _children, _Line, _records, _text
from portal.reports.ssda903_models import Episode, UascRecord
from portal.reviews import importer as reviews_importer
from portal.reviews.models import Review

# The DfE's 903 code lists.
SEX = {"1": "Boys", "2": "Girls"}
ETHNIC_GROUPS = {
    "White": ("WBRI", "WIRI", "WIRT", "WOTH", "WROM"),
    "Mixed": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "Asian or Asian British": ("AIND", "APKN", "ABAN", "AOTH"),
    "Black or Black British": ("BCRB", "BAFR", "BOTH"),
    "Other ethnic groups": ("CHNE", "OOTH"),
    "Refused or not obtained": ("REFU", "NOBT"),
}
ETHNIC = {code for codes in ETHNIC_GROUPS.values() for code in codes}
RNE = {"S": "Started to be looked after", "L": "Change of legal status only",
       "P": "Change of placement and carer(s) only",
       "T": "Change of placement only, with the same carer(s)",
       "B": "Change of legal status and placement and carer(s) at the same time",
       "U": "Change of legal status and change of placement, with the same carer(s)"}
LS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "J1": "Remanded to local authority accommodation or to youth detention accommodation",
    "J2": "Placed in local authority accommodation under the Police and Criminal Evidence "
          "Act 1984",
    "J3": "Sentenced to a youth rehabilitation order with residence or intensive fostering "
          "requirement",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Under child assessment order and in local authority accommodation",
    "V2": "Single period of accommodation under section 20",
    "V3": "Accommodated under an agreed series of short-term breaks, when individual "
          "episodes of care are recorded",
    "V4": "Accommodated under an agreed series of short-term breaks, when agreements are "
          "recorded",
}
CIN = {f"N{n}" for n in range(1, 10)}
PLACE = {"A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5",
         "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1"}
KINSHIP = ("U1", "U2", "U3")  # foster placements with a relative or friend
PLACE_PROVIDER = {f"PR{n}" for n in range(6)}
REASON_PLACE_CHANGE = {"CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO",
                       "CHILD", "LAREQ", "PLACE", "SSTAB", "OTHER"}
# X1: the episode ceased and a new one began the same day (the child is still looked
# after); every other code is a reason the child ceased to be looked after.
NEXT_EPISODE = "X1"
REC = {NEXT_EPISODE, *leaving.REASONS}

TABLES = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "uasc": ("CHILD", "SEX", "DOB", "DUC"),
    "reviews": reviews_importer.DFE_COLUMNS,
}
OPTIONAL = {"episodes": ("PL_DISTANCE",)}
# The column only that table has, which tells it apart.
_TELLS = (("DECOM", "episodes"), ("REVIEW_CODE", "reviews"), ("DUC", "uasc"),
          ("ETHNIC", "header"))
_UPN = re.compile(r"[A-Z][0-9]{11}[0-9A-Z]|UN[1-5]")
_POSTCODE = re.compile(r"[A-Z0-9 ]{0,8}")
_URN = re.compile(r"[A-Z0-9]{1,10}")
_REVIEW_LINE = re.compile(r"line ([0-9]+): (.*)", re.S)
_EPISODE_FIELDS = ("rne", "ls", "cin", "place", "place_provider", "dec", "rec",
                   "reason_place_change", "urn", "pl_distance")


@dataclass(frozen=True)
class FileError:
    file: str
    error: LineError

    @property
    def line(self) -> int:
        return self.error.line

    @property
    def column(self) -> str | None:
        return self.error.column

    def __str__(self) -> str:
        return f"{self.file}: {self.error}"


class ImportFailed(Exception):
    def __init__(self, errors: list[FileError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class Where:
    file: str
    line: int


@dataclass
class About:
    """What the Header and UASC tables say about one child."""

    where: Where
    fields: dict  # sex, ethnicity, upn, date_of_birth: what the tables give


@dataclass
class EpisodeRow:
    where: Where
    decom: date
    fields: dict  # _EPISODE_FIELDS -> value


@dataclass
class ChildChange:
    """Everything the files change about one child (child_id None: a new child)."""

    reference: str
    child_id: int | None
    fields: dict = field(default_factory=dict)  # the child's fields that differ
    new_episodes: list[EpisodeRow] = field(default_factory=list)
    changed_episodes: list[tuple[int, dict]] = field(default_factory=list)  # (id, fields)
    uasc: date | None = None  # a DUC to record (new or different)
    ceases: tuple[date, str] | None = None
    looked_after_again: bool = False

    @property
    def anything(self) -> bool:
        return bool(self.child_id is None or self.fields or self.new_episodes or
                    self.changed_episodes or self.uasc or self.ceases or
                    self.looked_after_again)


@dataclass
class Counts:
    children_added: int = 0
    children_changed: int = 0
    episodes_added: int = 0
    episodes_changed: int = 0
    uasc: int = 0
    ceased: int = 0
    looked_after_again: int = 0
    reviews_added: int = 0

    def __str__(self) -> str:
        return (f"{self.children_added} children added, {self.children_changed} changed, "
                f"{self.episodes_added} episodes added, {self.episodes_changed} changed, "
                f"{self.uasc} UASC recorded, {self.ceased} ceased to be looked after, "
                f"{self.looked_after_again} looked after again, {self.reviews_added} "
                "reviews added")


@dataclass
class Preview:
    files: dict[str, str] = field(default_factory=dict)  # name -> which table
    lines: int = 0
    changes: list[ChildChange] = field(default_factory=list)
    reviews: list = field(default_factory=list)  # reviews_importer.Row, not yet held
    errors: list[FileError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> Counts:
        changes = self.changes
        return Counts(
            children_added=sum(c.child_id is None for c in changes),
            children_changed=sum(c.child_id is not None and bool(c.fields) for c in changes),
            episodes_added=sum(len(c.new_episodes) for c in changes),
            episodes_changed=sum(len(c.changed_episodes) for c in changes),
            uasc=sum(c.uasc is not None for c in changes),
            ceased=sum(c.ceases is not None for c in changes),
            looked_after_again=sum(c.looked_after_again for c in changes),
            reviews_added=len(self.reviews))

    @property
    def nothing_to_do(self) -> bool:
        return self.ok and not self.reviews and not any(c.anything for c in self.changes)


class _Check(_Line):
    """One line of a 903 table: columns named as the DfE writes them (upper case)."""

    def wrong(self, column: str, problem: str) -> None:
        super().wrong(column.upper(), problem)

    def value(self, column: str) -> str:
        return self.record.get(column.lower(), "").strip().upper()

    def code(self, column: str, allowed, *, required: bool = True) -> str | None:
        value = self.value(column)
        if not value:
            if required:
                self.wrong(column, _("empty"))
            return None
        if value not in allowed:
            self.wrong(column, _("%(code)s is not one of the DfE's 903 codes (%(codes)s)",
                                 code=value, codes=", ".join(sorted(allowed))))
            return None
        return value

    def date(self, column: str, today: date, *, required: bool = True) -> date | None:
        return self.day(column.lower(), today, required=required)

    def shaped(self, column: str, pattern: re.Pattern, what: str) -> str | None:
        value = self.value(column)
        if value and not pattern.fullmatch(value):
            self.wrong(column, what)
            return None
        return value or None

    def reference(self) -> str:
        value = self.record.get("child", "").strip()
        if not value:
            self.wrong("CHILD", _("empty"))
        elif len(value) > 40:
            self.wrong("CHILD", _("longer than %(max)d characters", max=40))
            return ""
        return value

    def miles(self, column: str) -> Decimal | None:
        value = self.value(column)
        if not value:
            return None
        try:
            miles = Decimal(value).quantize(Decimal("0.1"))
        except InvalidOperation:
            miles = None
        if miles is None or not miles.is_finite() or not 0 <= miles < 100000:
            self.wrong(column, _("not a distance in miles (write a number such as 12.5)"))
            return None
        return miles


def _kind(header: list[str]) -> str | None:
    names = {name.upper() for name in header}
    return next((kind for column, kind in _TELLS if column in names), None)


def read(files: list[tuple[str, bytes | str]]) -> Preview:
    """Check every line of every file and say what importing them all would do."""
    preview = Preview()
    today = clock.today()
    about: dict[str, About] = {}
    uasc: dict[str, tuple[Where, date]] = {}
    episodes: dict[str, list[EpisodeRow]] = {}
    review_rows: list = []
    named: set[str] = set()  # in the Header or UASC table, even on a line that is wrong
    for name, data in files:
        errors: list[LineError] = []
        kind = _read_file(data, today, errors, about, uasc, episodes, review_rows, name,
                          preview, named)
        if kind:
            preview.files[name] = kind
        preview.errors += [FileError(name, e) for e in errors]
    if not files:
        preview.errors.append(FileError("", LineError(1, None, _("choose the 903 files"))))
    _check_episodes(episodes, preview.errors)
    references = sorted(set(about) | set(uasc) | set(episodes))
    children = _children(references)
    _check_new_children(references, children, about, named, episodes, preview.errors)
    if preview.errors:
        return preview
    stored = _stored_episodes([c.id for c in children.values()])
    held = _stored_uasc([c.id for c in children.values()])
    for reference in references:
        change = _change(reference, children.get(reference), about.get(reference),
                         uasc.get(reference), episodes.get(reference, []), stored, held)
        if change.anything:
            preview.changes.append(change)
    preview.reviews = _new_reviews(review_rows)
    return preview


def _read_file(data, today, errors, about, uasc, episodes, review_rows, name,
               preview, named) -> str | None:
    try:
        text = _text(data)
    except NotText:
        errors.append(LineError(1, None, _("this is not a text file: save it as CSV")))
        return None
    header, records, problems = _records(text)
    errors += problems
    if header is None:
        errors.append(LineError(1, None, _("the file is empty: it needs the 903 table's "
                                           "header row")))
        return None
    kind = _kind(header)
    if kind is None:
        errors.append(LineError(1, None, _("this is not a 903 table My Say reads (Header, "
                                           "Episodes, UASC or Reviews): its header row names "
                                           "none of DECOM, REVIEW_CODE, DUC, ETHNIC")))
        return None
    names = {h.upper() for h in header}
    missing = [LineError(1, column, _("the header has no such column"))
               for column in TABLES[kind] if column not in names]
    if missing:
        errors += missing
        return None
    preview.lines += len(records)
    if kind == "reviews":
        try:
            review_rows += reviews_importer.read(io.StringIO(text, newline=""))
        except reviews_importer.ImportFailed as failed:
            for problem in failed.errors:
                found = _REVIEW_LINE.fullmatch(problem)
                errors.append(LineError(int(found.group(1)), None, found.group(2))
                              if found else LineError(1, None, problem))
        return kind
    first: dict[str, int] = {}
    for line, record in records:
        check = _Check(line, record, errors)
        before = len(errors)
        reference = check.reference()
        where = Where(name, line)
        if kind == "episodes":
            row = _episode(check, today, where)
            if row is not None and reference and len(errors) == before:
                episodes.setdefault(reference, []).append(row)
            continue
        named.add(reference)
        if reference in first:
            check.wrong("CHILD", _("the same CHILD is on line %(line)d", line=first[reference]))
        elif reference:
            first[reference] = line
        if kind == "header":
            fields = _header(check, today)
        else:
            fields, duc = _uasc(check, today)
        if len(errors) > before or not reference:
            continue
        known = about.get(reference)
        if known is not None:
            for column, key in (("SEX", "sex"), ("DOB", "date_of_birth")):
                if known.fields.get(key) != fields.get(key):
                    check.wrong(column, _("differs from %(file)s line %(line)d",
                                          file=known.where.file, line=known.where.line))
            if len(errors) > before:
                continue
            fields = {**known.fields, **fields}
        about[reference] = About(known.where if known else where, fields)
        if kind == "uasc":
            uasc[reference] = (where, duc)
    return kind


def _header(check: _Check, today: date) -> dict:
    sex = check.code("SEX", SEX)
    born = check.date("DOB", today)
    ethnic = check.code("ETHNIC", ETHNIC)
    upn = check.shaped("UPN", _UPN, _("not a unique pupil number (a letter and 12 "
                                      "characters, or UN1 to UN5)"))
    check.code("MOTHER", {"0", "1"}, required=False)
    check.date("MC_DOB", today, required=False)
    return {"sex": sex, "date_of_birth": born, "ethnicity": ethnic, "upn": upn}


def _uasc(check: _Check, today: date) -> tuple[dict, date | None]:
    sex = check.code("SEX", SEX)
    born = check.date("DOB", today)
    duc = check.day("duc", date.max, required=True)  # usually the 18th birthday, to come
    if born and duc and duc < born:
        check.wrong("DUC", _("before DOB"))
    return {"sex": sex, "date_of_birth": born}, duc


def _episode(check: _Check, today: date, where: Where) -> EpisodeRow | None:
    decom = check.date("DECOM", today)
    fields = {
        "rne": check.code("RNE", RNE), "ls": check.code("LS", LS),
        "cin": check.code("CIN", CIN), "place": check.code("PLACE", PLACE),
        "place_provider": check.code("PLACE_PROVIDER", PLACE_PROVIDER, required=False),
        "dec": check.date("DEC", today, required=False),
        "rec": check.code("REC", REC, required=False),
        "reason_place_change": check.code("REASON_PLACE_CHANGE", REASON_PLACE_CHANGE,
                                          required=False),
        "urn": check.shaped("URN", _URN, _("not an Ofsted unique reference number")),
        "pl_distance": check.miles("PL_DISTANCE"),
    }
    for column in ("HOME_POST", "PL_POST"):  # checked, then dropped
        check.shaped(column, _POSTCODE, _("not a postcode"))
    if check.value("DEC") and not check.value("REC"):
        check.wrong("REC", _("empty, but DEC is given: say why the episode ceased"))
    if check.value("REC") and not check.value("DEC"):
        check.wrong("DEC", _("empty, but REC is given"))
    if decom and fields["dec"] and fields["dec"] < decom:
        check.wrong("DEC", _("before DECOM"))
    return EpisodeRow(where, decom, fields) if decom else None


def _error(where: Where, column: str | None, problem: str) -> FileError:
    return FileError(where.file, LineError(where.line, column, problem))


def _check_episodes(episodes: dict[str, list[EpisodeRow]], errors: list[FileError]) -> None:
    """One episode per child and DECOM; each ends before the next starts; the last does
    not say a next one follows."""
    for rows in episodes.values():
        rows.sort(key=lambda r: r.decom)
        for before, after in zip(rows, rows[1:], strict=False):
            if before.decom == after.decom:
                errors.append(_error(after.where, "DECOM", _(
                    "the same CHILD and DECOM are on %(file)s line %(line)d",
                    file=before.where.file, line=before.where.line)))
            elif before.fields["dec"] is None or before.fields["dec"] > after.decom:
                errors.append(_error(after.where, "DECOM", _(
                    "starts before the episode on %(file)s line %(line)d ends",
                    file=before.where.file, line=before.where.line)))
        if rows and rows[-1].fields["rec"] == NEXT_EPISODE:
            errors.append(_error(rows[-1].where, "REC", _(
                "X1 says a new episode starts the same day, but none does")))


def _check_new_children(references, children, about, named, episodes, errors) -> None:
    for reference in references:
        if reference in children:
            continue
        if reference not in episodes and reference in about:
            errors.append(_error(about[reference].where, "CHILD", _(
                "new to My Say, and no episode of theirs is in the Episodes table")))
        elif reference not in named:
            errors.append(_error(episodes[reference][0].where, "CHILD", _(
                "new to My Say, and not in the Header or UASC table (which give their DOB)")))


def _chunks(ids: list[int]):
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def _stored_episodes(child_ids: list[int]) -> dict[int, list[Episode]]:
    found: dict[int, list[Episode]] = {}
    for chunk in _chunks(child_ids):
        for episode in db.session().scalars(select(Episode).where(Episode.child_id.in_(chunk))):
            found.setdefault(episode.child_id, []).append(episode)
    return found


def _stored_uasc(child_ids: list[int]) -> dict[int, date]:
    found: dict[int, date] = {}
    for chunk in _chunks(child_ids):
        found.update(db.session().execute(select(UascRecord.child_id, UascRecord.duc).where(
            UascRecord.child_id.in_(chunk))).all())
    return found


def _period_start(history: list[tuple[date, dict]]) -> date:
    """The first day of the child's latest period of care: the last episode that started
    one (RNE S), or their first episode."""
    starts = [decom for decom, fields in history if fields["rne"] == "S"]
    return max(starts) if starts else history[0][0]


def _change(reference: str, child: Child | None, known: About | None,
            uasc_row: tuple[Where, date] | None, rows: list[EpisodeRow],
            stored: dict[int, list[Episode]], held: dict[int, date]) -> ChildChange:
    change = ChildChange(reference, child.id if child else None)
    # Only the Header table gives "upn" (an empty UPN clears it); the UASC table gives
    # sex and DOB too.
    wanted = {k: v for k, v in (known.fields if known else {}).items()
              if v is not None or k == "upn"}
    if uasc_row is not None:
        wanted["asylum_seeking"] = True
        if child is None or held.get(child.id) != uasc_row[1]:
            change.uasc = uasc_row[1]
    old = {e.decom: e for e in stored.get(child.id, [])} if child else {}
    for row in rows:
        episode = old.get(row.decom)
        if episode is None:
            change.new_episodes.append(row)
        else:
            differs = {k: v for k, v in row.fields.items() if getattr(episode, k) != v}
            if differs:
                change.changed_episodes.append((episode.id, differs))
    history = sorted({**{d: {k: getattr(e, k) for k in _EPISODE_FIELDS} for d, e in old.items()},
                      **{r.decom: r.fields for r in rows}}.items())
    if child is None:
        change.fields = {"date_of_birth": wanted.pop("date_of_birth"), **wanted,
                         "looked_after_since": _period_start(history)}
        last = history[-1][1]
        if last["dec"] is not None:
            change.ceases = (last["dec"], last["rec"])
        return change
    change.fields = {k: v for k, v in wanted.items() if getattr(child, k) != v}
    if history:
        last = history[-1][1]
        if last["dec"] is not None:
            if (child.ceased_on, child.ceased_reason) != (last["dec"], last["rec"]):
                change.ceases = (last["dec"], last["rec"])
        elif child.ceased_on is not None:
            change.looked_after_again = True
            since = _period_start(history)
            if since != child.looked_after_since:
                change.fields["looked_after_since"] = since
    return change


def _new_reviews(rows: list) -> list:
    """The Reviews table's rows that are not held already (matched by child and day)."""
    references = sorted({r.reference for r in rows})
    held: set[tuple[str, date]] = set()
    for i in range(0, len(references), _CHUNK):
        held |= set(db.session().execute(select(Child.reference, Review.held_on).join(
            Review, Review.child_id == Child.id).where(
            Child.reference.in_(references[i:i + _CHUNK]),
            Review.held_on.is_not(None))).all())
    seen: set[tuple[str, date]] = set()
    fresh = []
    for row in rows:
        key = (row.reference, row.review_date)
        if key not in held and key not in seen:
            seen.add(key)
            fresh.append(row)
    return fresh


def apply(preview: Preview, by: Account | None) -> Counts:
    """Write what ``read`` found. Refuses a preview with errors. One transaction: the
    caller commits (or, on any failure, rolls back, leaving nothing half-imported)."""
    from portal.reviews import operations as reviews

    if preview.errors:
        raise ImportFailed(preview.errors)
    session = db.session()
    actor = by.id if by else None
    existing = {c.id: c for c in session.scalars(select(Child).where(Child.id.in_(
        [c.child_id for c in preview.changes if c.child_id is not None])))}
    for change in preview.changes:
        if change.child_id is None:
            fields = dict(change.fields)
            extra = {k: fields.pop(k) for k in ("sex", "ethnicity", "upn") if k in fields}
            child = operations.add_child(by, isro=None, reference=change.reference,
                                         preferred_name=change.reference, language="en",
                                         **fields)
            for name, value in extra.items():
                setattr(child, name, value)
        else:
            child = existing[change.child_id]
            if change.fields:
                operations.change_child(child, by, **change.fields)
        for row in change.new_episodes:
            session.add(Episode(child_id=child.id, decom=row.decom, **row.fields))
        for episode_id, fields in change.changed_episodes:
            episode = session.get(Episode, episode_id)
            for name, value in fields.items():
                setattr(episode, name, value)
        if change.new_episodes or change.changed_episodes:
            audit.record("child.episodes_imported", actor_id=actor, child_id=child.id,
                         added=len(change.new_episodes), changed=len(change.changed_episodes))
        if change.uasc is not None:
            record = session.get(UascRecord, child.id)
            if record is None:
                session.add(UascRecord(child_id=child.id, duc=change.uasc))
            else:
                record.duc = change.uasc
        if change.ceases is not None:
            operations.cease(child, *change.ceases, by)
        if change.looked_after_again:
            child.ceased_on, child.ceased_reason = None, None
            audit.record("child.looked_after_again", actor_id=actor, child_id=child.id)
            kind, due = reviews.next_due(child)
            reviews.add_review(child, due, kind=kind)
    session.flush()
    reviews_importer.add_reviews(preview.reviews)
    return preview.counts
