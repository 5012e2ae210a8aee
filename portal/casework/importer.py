"""Children from the council's case-management system (Liquidlogic LCS, Mosaic, Eclipse),
exported as CSV, so the portal's list of children follows the record it serves.

The header names the columns (any order; other columns are ignored):
  reference, preferred_name, date_of_birth, looked_after_since, isro_username, language,
  and optionally carer_username, advocate_username (several: separated by ";"),
  ceased_on, ceased_reason.
Dates are yyyy-mm-dd or dd/mm/yyyy, in the digits of any keyboard. ``language`` is a
portal code (``i18n.LANGUAGE_NAMES``); ``ceased_reason`` a DfE REC code or one of the
words in ``accounts.leaving.WORDS``.

Rows are matched to children by ``reference``. ``read`` checks every line and says what
would be added, changed, ended and linked, or what is wrong on which line; ``apply``
writes it through the usual operations (each change audited), only when nothing is
wrong. The same file read again finds nothing to do: fields are changed only when they
differ, a person is linked only when they have no current link to the child, and a
child is ceased only once. Links the file no longer gives are left alone.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO, TextIO

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from portal import clock, db
from portal.accounts import leaving, operations
from portal.accounts.models import Account, Child, Link, LinkKind, Role
from portal.i18n import ALIASES, LANGUAGE_NAMES
from portal.numbers import ascii_digits, parse_date

REQUIRED = ("reference", "preferred_name", "date_of_birth", "looked_after_since",
            "isro_username", "language")
OPTIONAL = ("carer_username", "advocate_username", "ceased_on", "ceased_reason")
COLUMNS = REQUIRED + OPTIONAL
# The child's fields a row sets, by column name (the rest say who and whether they left).
CHILD_COLUMNS = ("preferred_name", "date_of_birth", "looked_after_since", "language")
LIMITS = {"reference": 40, "preferred_name": 80}
_SLASHED = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
# A spreadsheet may add a midnight time to a date ("2015-03-02 00:00:00").
_MIDNIGHT = re.compile(r"[ T]00:00(?::00)?$")
_CHUNK = 500


@dataclass(frozen=True)
class LineError:
    line: int
    column: str | None
    problem: str

    def __str__(self) -> str:
        if self.column:
            return _("line %(line)d, %(column)s: %(problem)s", line=self.line,
                     column=self.column, problem=self.problem)
        return _("line %(line)d: %(problem)s", line=self.line, problem=self.problem)


@dataclass
class Row:
    """One line of the file, checked."""

    line: int
    reference: str
    fields: dict  # CHILD_COLUMNS -> value
    isro: str  # the ISRO's username
    ceased_on: date | None
    ceased_reason: str | None

    @property
    def preferred_name(self) -> str:
        return self.fields["preferred_name"]


@dataclass
class Change:
    """What one row does: the child it matches (None: a new child) and what changes."""

    row: Row
    child_id: int | None
    fields: dict = field(default_factory=dict)  # only the ones that differ
    allocate_to: int | None = None  # an ISRO's account id, when it differs
    links: list[tuple[Account, LinkKind]] = field(default_factory=list)
    ends: bool = False

    @property
    def changed_fields(self) -> list[str]:
        return list(self.fields) + (["isro_username"] if self.allocate_to else [])


@dataclass
class Counts:
    added: int = 0
    changed: int = 0
    ended: int = 0
    linked: int = 0


@dataclass
class Preview:
    lines: int = 0
    changes: list[Change] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def added(self) -> list[Change]:
        return [c for c in self.changes if c.child_id is None]

    @property
    def changed(self) -> list[Change]:
        return [c for c in self.changes if c.child_id is not None and c.changed_fields]

    @property
    def ended(self) -> list[Change]:
        return [c for c in self.changes if c.ends]

    @property
    def linked(self) -> list[tuple[Change, Account, LinkKind]]:
        return [(c, person, kind) for c in self.changes for person, kind in c.links]

    @property
    def counts(self) -> Counts:
        return Counts(len(self.added), len(self.changed), len(self.ended), len(self.linked))

    @property
    def nothing_to_do(self) -> bool:
        return self.ok and not (self.added or self.changed or self.ended or self.linked)


class ImportFailed(Exception):
    def __init__(self, errors: list[LineError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


class NotText(ValueError):
    pass


def _text(file: BinaryIO | TextIO | bytes | str) -> str:
    data = file.read() if hasattr(file, "read") else file
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    for encoding in ("utf-8-sig", "cp1252"):  # "CSV UTF-8", or Excel's default on Windows
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NotText


def parse_day(text: str) -> date | None:
    """yyyy-mm-dd or dd/mm/yyyy (d/m/yyyy too), in any script's digits, else None."""
    text = _MIDNIGHT.sub("", ascii_digits(text.strip()))
    slashed = _SLASHED.fullmatch(text)
    if slashed:
        day, month, year = slashed.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}"
    return parse_date(text)


def language_code(text: str) -> str | None:
    """The portal's code for ``text`` (case and separator forgiven: fa-AF, FA_af), else None."""
    wanted = text.strip().replace("-", "_")
    wanted = ALIASES.get(wanted, wanted).lower()
    return next((code for code in LANGUAGE_NAMES if code.lower() == wanted), None)


def _usernames(text: str) -> list[str]:
    found = []
    for name in text.split(";"):
        name = name.strip().lower()
        if name and name not in found:
            found.append(name)
    return found


def _records(text: str) -> tuple[list[str] | None, list[tuple[int, dict]], list[LineError]]:
    """(the header's column names, [(line, {column: value})], problems with the file)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header, records, previous = None, [], 0
    try:
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if header is None:
                header = [c.strip().lower() for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue  # a blank line, or one of commas only
            records.append((line, {name: (cells[i] if i < len(cells) else "").strip()
                                   for i, name in enumerate(header) if name}))
    except csv.Error:
        return header, records, [LineError(previous + 1, None,
                                           _("this is not a CSV file My Say can read"))]
    return header, records, []


def _accounts(usernames: set[str]) -> dict[str, Account]:
    found: dict[str, Account] = {}
    names = sorted(usernames)
    for i in range(0, len(names), _CHUNK):
        for account in db.session().scalars(select(Account).where(
                func.lower(Account.username).in_(names[i:i + _CHUNK]))):
            found[account.username.lower()] = account
    return found


def _children(references: list[str]) -> dict[str, Child]:
    found: dict[str, Child] = {}
    for i in range(0, len(references), _CHUNK):
        for child in db.session().scalars(select(Child).where(
                Child.reference.in_(references[i:i + _CHUNK]))):
            found[child.reference] = child
    return found


def _current_links(child_ids: list[int], today: date) -> set[tuple[int, int]]:
    """(account id, child id) of every link not yet ended (a later start counts too)."""
    found: set[tuple[int, int]] = set()
    for i in range(0, len(child_ids), _CHUNK):
        found |= {(account_id, child_id) for account_id, child_id in db.session().execute(
            select(Link.account_id, Link.child_id).where(
                Link.child_id.in_(child_ids[i:i + _CHUNK]),
                or_(Link.ends_on.is_(None), Link.ends_on > today)))}
    return found


class _Line:
    """Checks one record, collecting every problem on it."""

    def __init__(self, line: int, record: dict, errors: list[LineError]) -> None:
        self.line, self.record, self.errors = line, record, errors

    def wrong(self, column: str, problem: str) -> None:
        self.errors.append(LineError(self.line, column, problem))

    def text(self, column: str, *, required: bool = True) -> str:
        value = self.record.get(column, "")
        if required and not value:
            self.wrong(column, _("empty"))
        elif column in LIMITS and len(value) > LIMITS[column]:
            self.wrong(column, _("longer than %(max)d characters", max=LIMITS[column]))
        return value

    def day(self, column: str, today: date, *, required: bool = True) -> date | None:
        value = self.record.get(column, "")
        if not value:
            if required:
                self.wrong(column, _("empty"))
            return None
        found = parse_day(value)
        if found is None:
            self.wrong(column, _("not a date (write yyyy-mm-dd or dd/mm/yyyy)"))
        elif found > today:
            self.wrong(column, _("in the future"))
            return None
        return found

    def person(self, column: str, username: str, role: Role,
               accounts: dict[str, Account]) -> Account | None:
        account = accounts.get(username)
        if account is None:
            self.wrong(column, _("nobody has the username %(username)s", username=username))
        elif account.role is not role:
            self.wrong(column, {
                Role.ISRO: _("%(username)s is not an ISRO", username=username),
                Role.CARER: _("%(username)s is not a carer", username=username),
                Role.ADVOCATE: _("%(username)s is not an advocate", username=username),
            }[role])
        elif not account.active:
            self.wrong(column, _("%(username)s's account is suspended", username=username))
        else:
            return account
        return None


def read(file: BinaryIO | TextIO | bytes | str) -> Preview:
    """Check every line of the file and say what importing it would do."""
    try:
        text = _text(file)
    except NotText:
        return Preview(errors=[LineError(1, None, _("this is not a text file: save it from "
                                                    "the spreadsheet as CSV UTF-8"))])
    header, records, errors = _records(text)
    if header is None:
        return Preview(errors=[LineError(1, None, _("the file is empty: it needs a header "
                                                    "row naming the columns"))])
    missing = [LineError(1, name, _("the header has no such column"))
               for name in REQUIRED if name not in header]
    if missing:
        return Preview(errors=missing + errors)
    preview = Preview(lines=len(records), errors=errors)
    today = clock.today()
    usernames = {name for _line, record in records
                 for column in ("isro_username", "carer_username", "advocate_username")
                 for name in _usernames(record.get(column, ""))}
    accounts = _accounts(usernames)
    children = _children(sorted({r["reference"] for _line, r in records if r["reference"]}))
    linked = _current_links([c.id for c in children.values()], today)
    first_line: dict[str, int] = {}
    for line, record in records:
        change = _check(_Line(line, record, preview.errors), today, accounts, children,
                        linked, first_line)
        if change is not None:
            preview.changes.append(change)
    if preview.errors:
        preview.changes = []
    return preview


def _check(check: _Line, today: date, accounts: dict[str, Account],
           children: dict[str, Child], linked: set[tuple[int, int]],
           first_line: dict[str, int]) -> Change | None:
    errors_before = len(check.errors)
    reference = check.text("reference")
    if reference in first_line:
        check.wrong("reference", _("the same reference is on line %(line)d",
                                   line=first_line[reference]))
    elif reference:
        first_line[reference] = check.line
    name = check.text("preferred_name")
    born = check.day("date_of_birth", today)
    since = check.day("looked_after_since", today)
    if born and since and since < born:
        check.wrong("looked_after_since", _("before date_of_birth"))
    language = None
    typed_language = check.text("language")
    if typed_language:
        language = language_code(typed_language)
        if language is None:
            check.wrong("language", _("%(code)s is not one of My Say's language codes "
                                      "(%(codes)s)", code=typed_language,
                                      codes=", ".join(LANGUAGE_NAMES)))
    isro_name = check.text("isro_username").lower()
    isro = check.person("isro_username", isro_name, Role.ISRO, accounts) if isro_name else None
    people = [(person, LinkKind(role.value))
              for column, role in (("carer_username", Role.CARER),
                                   ("advocate_username", Role.ADVOCATE))
              for username in _usernames(check.record.get(column, ""))
              if (person := check.person(column, username, role, accounts)) is not None]
    ceased_on = check.day("ceased_on", today, required=False)
    typed_reason = check.record.get("ceased_reason", "")
    reason = leaving.reason_code(typed_reason) if typed_reason else None
    if typed_reason and reason is None:
        check.wrong("ceased_reason", _("%(reason)s is not a DfE reason code (E2 to E48) or "
                                       "one of: %(words)s", reason=typed_reason,
                                       words=", ".join(sorted(set(leaving.WORDS)))))
    if ceased_on and not typed_reason:
        check.wrong("ceased_reason", _("empty: say why the child ceased to be looked after"))
    if typed_reason and not check.record.get("ceased_on"):
        check.wrong("ceased_on", _("empty, but ceased_reason is given"))
    if ceased_on and since and ceased_on < since:
        check.wrong("ceased_on", _("before looked_after_since"))
    if len(check.errors) > errors_before:
        return None
    row = Row(check.line, reference, {"preferred_name": name, "date_of_birth": born,
                                      "looked_after_since": since, "language": language},
              isro_name, ceased_on, reason)
    child = children.get(reference)
    if child is None:
        change = Change(row, None, ends=ceased_on is not None)
    else:
        change = Change(row, child.id, ends=ceased_on is not None and child.ceased_on is None)
        change.fields = {k: v for k, v in row.fields.items() if getattr(child, k) != v}
        change.allocate_to = isro.id if isro.id != child.isro_id else None
    # A child leaving care (or who has left) is linked to nobody new.
    if ceased_on is None and (child is None or child.ceased_on is None):
        change.links = [(person, kind) for person, kind in people
                        if child is None or (person.id, child.id) not in linked]
    return change


def apply(preview: Preview, by: Account | None) -> Counts:
    """Write what ``read`` found, through the usual operations (each audited). Refuses a
    preview with errors. One transaction: the caller commits (or, on any failure, rolls
    back, leaving nothing half-imported)."""
    from portal.casework import operations as casework

    if preview.errors:
        raise ImportFailed(preview.errors)
    session = db.session()
    today = clock.today()
    isros = _accounts({c.row.isro for c in preview.changes})
    existing = {c.id: c for c in session.scalars(select(Child).where(Child.id.in_(
        [c.child_id for c in preview.changes if c.child_id is not None])))} \
        if any(c.child_id is not None for c in preview.changes) else {}
    counts = Counts()
    for change in preview.changes:
        row = change.row
        if change.child_id is None:
            child = operations.add_child(by, isro=isros[row.isro], reference=row.reference,
                                         **row.fields)
            counts.added += 1
        else:
            child = existing[change.child_id]
            if change.fields:
                operations.change_child(child, by, **change.fields)
            if change.allocate_to:
                casework.allocate(child, isros[row.isro], by)
            counts.changed += bool(change.changed_fields)
        for person, kind in change.links:
            operations.link(person, child, kind, today, by=by)
            counts.linked += 1
        if change.ends:
            operations.cease(child, row.ceased_on, row.ceased_reason, by)
            counts.ended += 1
    session.flush()
    return counts
