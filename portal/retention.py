"""Retention and deletion: the council's schedule (docs/dpia.md, section 12), run daily.

My Say is not the case record. Staff export a child's bundle for a review and say "I have
put this in the case record" (``confirm_export``); only then may the portal copy go.

``plan(today)`` only reads: for each kind of data, the ids the schedule says may go now.
``apply(plan)`` deletes them, one transaction per kind. Rows are deleted with plain
``DELETE`` statements and the database cascades what hangs off them (a child's whole
record, a message's flags, a letter's versions). The files those rows named (pictures,
thumbnails, voice notes) are removed from the store only after that kind's commit has
succeeded, so a failed commit leaves every file in place (``sweep-uploads`` and the
orphan kind here find leftovers). ``apply`` checks each planned id again inside its
transaction, so running it twice deletes nothing the second time.

Each deleted record of a person or a child is written to the audit trail as one
``retention.deleted`` event naming it by id only (``submission:12``, ``child:3``), never by
name or words. Housekeeping (sessions, setup codes, sign-in counts, old audit events,
addresses, orphan files) is written as one event per kind with the count.

Never deleted here: anything a child (or their carer or advocate) sent that staff have not
confirmed is in the case record, or anything with a safety flag still open. A child who
has left care is kept, whole, until both are true of everything in their record.
"""
from __future__ import annotations

import contextlib
import time as wall_clock
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, func, insert, or_, select, update

from portal import audit, clock, db
from portal.accounts.models import Account, AccountSession, Child, Link, Role, SetupCode
from portal.accounts.throttle import ThrottleCount, throttle
from portal.audit import AuditEvent
from portal.clock import LONDON
from portal.consultations.models import Status, Submission
from portal.media.models import StoredFile
from portal.messages.models import Conversation, Flag, IsroProfile, Message
from portal.reviews.models import Letter, Review

# A file younger than this with no row naming it may be an upload whose commit has not
# happened yet: it is left for the next run.
ORPHAN_AFTER_SECONDS = 3600
# Ids per statement, well inside every database's limit on bound parameters.
CHUNK = 500


@dataclass(frozen=True)
class Kind:
    key: str
    label: object  # shown on the managers' page
    describe: str  # printed by the command
    # Per-record events "<subject>:<id>"; None: one event for the kind, with the count.
    subject: str | None = None


KINDS = (
    Kind("submissions", _l("Things children sent, and their files"),
         "things children sent, exported to the case record", "submission"),
    Kind("drafts", _l("Drafts never sent"), "drafts never sent", "submission"),
    Kind("messages", _l("Messages and their attachments and flags"),
         "messages, exported to the case record", "message"),
    Kind("letters", _l("Letters of reviews before the last two"),
         "letters of reviews before the last two held", "letter"),
    # Before children: deleting a child ends the links an adult's period is counted from.
    Kind("adults", _l("Carers' and advocates' accounts"), "carers' and advocates' accounts",
         "account"),
    Kind("children", _l("Children's whole records and sign-ins"),
         "children's whole records (left care)", "child"),
    Kind("sessions", _l("Sessions"), "sessions ended or expired"),
    Kind("setup_codes", _l("Setup codes"), "setup codes used or expired"),
    Kind("throttle_counts", _l("Sign-in counts"), "sign-in counts whose window passed"),
    Kind("audit_events", _l("Audit events"), "audit events"),
    Kind("addresses", _l("Addresses blanked on audit events"),
         "IP addresses blanked on audit events"),
    Kind("orphan_files", _l("Files no record names"), "files in the upload folder no record names"),
)
BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass(frozen=True)
class Schedule:
    """The periods in force, in days (portal/config.py, PORTAL_RETAIN_DAYS_*)."""

    submissions: int = 90
    drafts: int = 90
    messages: int = 365
    after_care: int = 90
    adults: int = 90
    sessions: int = 30
    audit: int = 730
    addresses: int = 180

    @classmethod
    def from_config(cls, config) -> Schedule:
        return cls(**{name: getattr(config, f"retain_days_{name}")
                      for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Plan:
    """What the schedule says may go on ``today``: kind -> ids (for sign-in counts their
    keys; for orphan files their paths inside the upload folder)."""

    today: date
    schedule: Schedule
    ids: dict[str, tuple]

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(found) for kind, found in self.ids.items()}

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Done:
    """What ``apply`` deleted: kind -> ids, and how many files went from the store."""

    deleted: dict[str, list] = field(default_factory=dict)
    files_removed: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(found) for kind, found in self.deleted.items()}


@dataclass(frozen=True)
class Waiting:
    """What the schedule would let go but is kept: it is not confirmed as in the case record."""

    # Sent things staff have not yet confirmed as exported: never deleted until they are.
    submissions: int
    messages: int
    # Children past their period after care, kept whole until everything is exported.
    children: int


def schedule() -> Schedule:
    return Schedule.from_config(current_app.config["PORTAL"])


# --- What the schedule says may go ---------------------------------------------------------

def _start(day: date) -> datetime:
    """Midnight at the start of ``day`` in England."""
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _days_before(today: date, days: int) -> date:
    return today - timedelta(days=days)


def _open_flag_on_submission():
    return select(Flag.id).where(Flag.submission_id == Submission.id,
                                 Flag.cleared_at.is_(None)).exists()


def _open_flag_on_message():
    return select(Flag.id).where(Flag.message_id == Message.id, Flag.cleared_at.is_(None)).exists()


def _participant_messages():
    """Messages the child, carer or advocate of a conversation wrote (those a bundle holds;
    the ISRO's replies are not in it)."""
    return (select(Message.id).join(Conversation, Conversation.id == Message.conversation_id)
            .where(Message.author_id == Conversation.participant_id))


def _unexported_submission():
    return select(Submission.id).where(Submission.status == Status.SENT,
                                       Submission.exported_at.is_(None))


def _still_needed_by_child():
    """A child's record must stay while anything sent in it is not yet in the case record,
    or a safety flag on them is open."""
    return or_(
        _unexported_submission().where(Submission.child_id == Child.id).exists(),
        _participant_messages().where(Conversation.child_id == Child.id,
                                      Message.exported_at.is_(None)).exists(),
        select(Flag.id).where(Flag.child_id == Child.id, Flag.cleared_at.is_(None)).exists(),
    )


def _past_care(today: date, s: Schedule):
    return select(Child.id).where(Child.ceased_on.is_not(None),
                                  Child.ceased_on < _days_before(today, s.after_care))


def _selection(kind: str, today: date, s: Schedule) -> Select:
    """The ids of ``kind`` the schedule says may go on ``today`` (database kinds only)."""
    if kind == "submissions":
        return (select(Submission.id)
                .where(Submission.status == Status.SENT, Submission.exported_at.is_not(None),
                       Submission.exported_at < _start(_days_before(today, s.submissions)),
                       ~_open_flag_on_submission()))
    if kind == "drafts":
        return (select(Submission.id)
                .where(Submission.status == Status.DRAFT,
                       Submission.updated_at < _start(_days_before(today, s.drafts)),
                       ~_open_flag_on_submission()))
    if kind == "messages":
        return (select(Message.id)
                .where(Message.exported_at.is_not(None),
                       Message.exported_at < _start(_days_before(today, s.messages)),
                       ~_open_flag_on_message()))
    if kind == "letters":
        # "Until the next-but-one review": a child keeps the letters of their last two
        # held reviews; an earlier one goes, unless what was sent for it is not exported.
        ranked = (select(Review.id.label("review_id"), func.row_number().over(
            partition_by=Review.child_id,
            order_by=(Review.held_on.desc(), Review.id.desc())).label("place"))
            .where(Review.held_on.is_not(None)).subquery())
        older = select(ranked.c.review_id).where(ranked.c.place > 2)
        waiting = _unexported_submission().where(Submission.review_id == Letter.review_id)
        return select(Letter.id).where(Letter.review_id.in_(older), ~waiting.exists())
    if kind == "children":
        return _past_care(today, s).where(~_still_needed_by_child())
    if kind == "adults":
        cutoff = _days_before(today, s.adults)
        # A link still running, starting later, or ended within the period keeps them.
        recent_link = select(Link.id).where(
            Link.account_id == Account.id, or_(Link.ends_on.is_(None), Link.ends_on >= cutoff))
        waiting = _participant_messages().where(
            Conversation.participant_id == Account.id, Message.exported_at.is_(None))
        open_flag = (select(Flag.id).join(Message, Message.id == Flag.message_id)
                     .join(Conversation, Conversation.id == Message.conversation_id)
                     .where(Conversation.participant_id == Account.id,
                            Flag.cleared_at.is_(None)))
        # An account with no link at all (its child's record already deleted, or never
        # linked) counts from when it was made.
        return select(Account.id).where(
            Account.role.in_((Role.CARER, Role.ADVOCATE)), Account.created_at < _start(cutoff),
            ~recent_link.exists(), ~waiting.exists(), ~open_flag.exists())
    if kind == "sessions":
        cutoff = _start(_days_before(today, s.sessions))
        config = current_app.config["PORTAL"]
        return select(AccountSession.id).where(or_(
            AccountSession.ended_at < cutoff,
            AccountSession.last_seen_at < cutoff - timedelta(minutes=config.idle_minutes),
            AccountSession.created_at < cutoff - timedelta(hours=config.absolute_hours)))
    if kind == "setup_codes":
        cutoff = _start(_days_before(today, s.sessions))
        return select(SetupCode.id).where(or_(SetupCode.used_at < cutoff,
                                              SetupCode.expires_at < cutoff))
    if kind == "throttle_counts":
        cutoff = _start(_days_before(today, s.sessions)) - throttle().window
        return select(ThrottleCount.key).where(ThrottleCount.window_start < cutoff)
    if kind == "audit_events":
        return select(AuditEvent.id).where(
            AuditEvent.at < _start(_days_before(today, s.audit)))
    if kind == "addresses":  # (events old enough to be deleted are counted there)
        return select(AuditEvent.id).where(
            AuditEvent.address.is_not(None),
            AuditEvent.at < _start(_days_before(today, s.addresses)),
            AuditEvent.at >= _start(_days_before(today, s.audit)))
    raise ValueError(f"no selection for {kind}")


def stored_names() -> set[str]:
    """Every file name a row names: stored files, their thumbnails, ISROs' photos."""
    session = db.session()
    known = set(session.scalars(select(StoredFile.name)))
    known |= {n for n in session.scalars(select(StoredFile.thumbnail_name)) if n}
    known |= {n for n in session.scalars(select(IsroProfile.photo_name)) if n}
    return known


def _orphan_files() -> list[str]:
    """Files in the upload folder no row names, and temporaries left by interrupted
    writes, untouched for an hour (paths inside the folder); with uploads in a bucket
    (PORTAL_STORAGE_URL), objects no row names written over an hour ago (their keys)."""
    from portal import backup
    from portal.media.serving import app_store
    from portal.media.storage import TEMPORARY_PREFIX

    if current_app.config["PORTAL"].storage_url:  # objects in a bucket: their keys
        return app_store().orphans(stored_names(), older_than_seconds=ORPHAN_AFTER_SECONDS)
    root = current_app.config["PORTAL"].upload_dir
    cutoff = wall_clock.time() - ORPHAN_AFTER_SECONDS  # file times are the disk's own
    found = backup.orphans(root, stored_names())
    found += [p for p in root.glob(f"*/{TEMPORARY_PREFIX}*") if p.is_file()]
    old = []
    for path in found:
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                old.append(path.relative_to(root).as_posix())
    return sorted(old)


def _eligible(kind: str, today: date, s: Schedule) -> list:
    if kind == "orphan_files":
        return _orphan_files()
    return sorted(db.session().scalars(_selection(kind, today, s)))


def plan(today: date | None = None) -> Plan:
    """What the schedule says may go on ``today`` (reads only)."""
    today = today or clock.today()
    s = schedule()
    return Plan(today, s, {kind.key: tuple(_eligible(kind.key, today, s)) for kind in KINDS})


def waiting(today: date | None = None) -> Waiting:
    """What is kept only because staff have not confirmed it is in the case record."""
    today = today or clock.today()
    session = db.session()
    held_children = _past_care(today, schedule()).where(_still_needed_by_child())
    return Waiting(
        submissions=session.scalar(select(func.count()).select_from(
            _unexported_submission().subquery())),
        messages=session.scalar(select(func.count()).select_from(
            _participant_messages().where(Message.exported_at.is_(None)).subquery())),
        children=session.scalar(select(func.count()).select_from(held_children.subquery())))


def children_contents(child_ids: Iterable[int]) -> dict[str, int]:
    """How much the records of these children hold (for the managers' page)."""
    ids = list(child_ids)
    session = db.session()
    found = {"submissions": 0, "messages": 0, "reviews": 0, "files": 0}
    for chunk in _chunks(ids):
        found["submissions"] += session.scalar(
            select(func.count(Submission.id)).where(Submission.child_id.in_(chunk)))
        found["messages"] += session.scalar(
            select(func.count(Message.id)).join(Conversation)
            .where(Conversation.child_id.in_(chunk)))
        found["reviews"] += session.scalar(
            select(func.count(Review.id)).where(Review.child_id.in_(chunk)))
        found["files"] += session.scalar(
            select(func.count(StoredFile.id)).where(StoredFile.child_id.in_(chunk)))
    return found


# --- Deleting ------------------------------------------------------------------------------

def _chunks(ids: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _drop_files(file_ids: set[int]) -> list[str]:
    """Delete the StoredFile rows no remaining submission or message names; returns the
    names of the files in the store to remove once the transaction has committed."""
    session = db.session()
    ids = sorted(i for i in file_ids if i is not None)
    names: list[str] = []
    for chunk in _chunks(ids):
        unused = select(StoredFile.id).where(
            StoredFile.id.in_(chunk),
            ~select(Submission.id).where(Submission.file_id == StoredFile.id).exists(),
            ~select(Message.id).where(Message.file_id == StoredFile.id).exists())
        gone = list(session.scalars(unused))
        for name, thumbnail in session.execute(
                select(StoredFile.name, StoredFile.thumbnail_name)
                .where(StoredFile.id.in_(gone))):
            names += [n for n in (name, thumbnail) if n]
        session.execute(delete(StoredFile).where(StoredFile.id.in_(gone)))
    return names


def _delete_submissions(chunk: list[int]) -> tuple[list, list[str]]:
    session = db.session()
    rows = session.execute(select(Submission.id, Submission.child_id, Submission.file_id)
                           .where(Submission.id.in_(chunk))).all()
    session.execute(delete(Submission).where(Submission.id.in_(chunk)))
    names = _drop_files({file_id for _id, _child, file_id in rows})
    return [(row_id, child_id) for row_id, child_id, _file in rows], names


def _delete_messages(chunk: list[int]) -> tuple[list, list[str]]:
    session = db.session()
    rows = session.execute(select(Message.id, Conversation.child_id, Message.file_id)
                           .join(Conversation).where(Message.id.in_(chunk))).all()
    session.execute(delete(Message).where(Message.id.in_(chunk)))
    names = _drop_files({file_id for _id, _child, file_id in rows})
    return [(row_id, child_id) for row_id, child_id, _file in rows], names


def _delete_letters(chunk: list[int]) -> tuple[list, list[str]]:
    session = db.session()
    rows = session.execute(select(Letter.id, Letter.child_id).where(Letter.id.in_(chunk))).all()
    session.execute(delete(Letter).where(Letter.id.in_(chunk)))  # versions cascade
    return [tuple(row) for row in rows], []


def _delete_children(chunk: list[int]) -> tuple[list, list[str]]:
    session = db.session()
    accounts = [a for a in session.scalars(select(Child.account_id).where(Child.id.in_(chunk)))
                if a is not None]
    file_ids = set(session.scalars(select(StoredFile.id).where(StoredFile.child_id.in_(chunk))))
    file_ids |= set(session.scalars(select(Message.file_id).join(Conversation).where(
        Conversation.child_id.in_(chunk), Message.file_id.is_not(None))))
    names = [n for name, thumb in session.execute(
        select(StoredFile.name, StoredFile.thumbnail_name).where(StoredFile.id.in_(file_ids)))
        for n in (name, thumb) if n]
    existing = list(session.scalars(select(Child.id).where(Child.id.in_(chunk))))
    # Everything about the child cascades; audit events keep their rows (child_id SET NULL).
    session.execute(delete(Child).where(Child.id.in_(chunk)))
    session.execute(delete(StoredFile).where(StoredFile.id.in_(file_ids)))
    session.execute(delete(Account).where(Account.id.in_(accounts), Account.role == Role.CHILD))
    events = [(child_id, None) for child_id in existing]
    events += [(f"account:{account_id}", None) for account_id in accounts]
    return events, names


def _delete_adults(chunk: list[int]) -> tuple[list, list[str]]:
    session = db.session()
    existing = list(session.scalars(select(Account.id).where(
        Account.id.in_(chunk), Account.role.in_((Role.CARER, Role.ADVOCATE)))))
    file_ids = set(session.scalars(select(Message.file_id).join(Conversation).where(
        Conversation.participant_id.in_(existing), Message.file_id.is_not(None))))
    # Their links, sessions, setup codes and conversations (with messages) cascade; what
    # they entered for a child stays with the child, no longer saying who entered it.
    session.execute(delete(Account).where(Account.id.in_(existing)))
    return [(account_id, None) for account_id in existing], _drop_files(file_ids)


def _delete_housekeeping(kind: str, chunk: list) -> None:
    session = db.session()
    if kind == "sessions":
        session.execute(delete(AccountSession).where(AccountSession.id.in_(chunk)))
    elif kind == "setup_codes":
        session.execute(delete(SetupCode).where(SetupCode.id.in_(chunk)))
    elif kind == "throttle_counts":
        session.execute(delete(ThrottleCount).where(ThrottleCount.key.in_(chunk)))
    elif kind == "audit_events":
        session.execute(delete(AuditEvent).where(AuditEvent.id.in_(chunk)))
    elif kind == "addresses":
        session.execute(update(AuditEvent).where(AuditEvent.id.in_(chunk)).values(address=None))


DELETERS = {"submissions": _delete_submissions, "drafts": _delete_submissions,
            "messages": _delete_messages, "letters": _delete_letters,
            "children": _delete_children, "adults": _delete_adults}


def _remove_files(names: list[str]) -> int:
    """After the commit: remove stored files (already gone is fine)."""
    from portal.media.serving import app_store

    store = app_store()
    removed = 0
    for name in names:
        try:
            if not store.exists(name):
                continue
        except ValueError:
            continue
        store.delete(name)  # the folder or the bucket (PORTAL_STORAGE_URL)
        removed += 1
    return removed


def _remove_orphans(paths: list[str]) -> int:
    if current_app.config["PORTAL"].storage_url:  # keys in the bucket
        from portal.media.serving import app_store

        store = app_store()
        for key in paths:
            store.remove_orphan(key)  # only keys under the store's own prefix
        return len(paths)
    root = Path(current_app.config["PORTAL"].upload_dir).resolve()
    removed = 0
    for relative in paths:
        path = (root / relative).resolve()
        if path.parent.parent != root:
            continue  # only files in the store's own folders
        if path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _audit_rows(kind: Kind, events: list[tuple], by_id: int | None) -> list[dict]:
    rows = []
    for subject_id, child_id in events:
        subject = subject_id if isinstance(subject_id, str) else f"{kind.subject}:{subject_id}"
        rows.append({"at": clock.now(), "action": "retention.deleted", "actor_id": by_id,
                     "child_id": child_id, "subject": subject, "address": None,
                     "detail": {"kind": kind.key}})
    return rows


def apply(planned: Plan, by: Account | None = None) -> Done:
    """Delete what ``planned`` lists and the schedule still allows, kind by kind, each in
    its own transaction; files go only after their rows' commit. A failure rolls that
    kind back (its files stay), and is raised: kinds already done stay done."""
    session = db.session()
    by_id = by.id if by is not None else None
    done = Done()
    for kind in KINDS:
        wanted = planned.ids.get(kind.key, ())
        if not wanted:
            done.deleted[kind.key] = []
            continue
        still = set(_eligible(kind.key, planned.today, planned.schedule))
        ids = [i for i in wanted if i in still]
        names: list[str] = []
        try:
            if kind.key in DELETERS:
                events = []
                for chunk in _chunks(ids):
                    found, files = DELETERS[kind.key](chunk)
                    events += found
                    names += files
                rows = _audit_rows(kind, events, by_id)
                for chunk in _chunks(rows):
                    session.execute(insert(AuditEvent), chunk)
            else:
                for chunk in _chunks(ids):
                    _delete_housekeeping(kind.key, chunk)
                if ids:
                    audit.record("retention.deleted", actor_id=by_id, subject=kind.key,
                                 kind=kind.key, count=len(ids))
            session.commit()
        except BaseException:
            session.rollback()
            raise
        done.deleted[kind.key] = ids
        if kind.key == "orphan_files":
            done.files_removed += _remove_orphans(ids)
        else:
            done.files_removed += _remove_files(names)
    return done


# --- Confirming the export -----------------------------------------------------------------

def confirm_export(child: Child, review_id: int | None, by: Account) -> tuple[int, int] | None:
    """``by`` has put the bundle of this review in the council's case record: mark what it
    held as exported (from now on the schedule counts). Only what the last PDF ``by``
    downloaded for it could hold is marked: things sent after that wait for the next.

    Returns (submissions, messages) newly marked, or None when ``by`` has not exported that
    bundle. The caller commits."""
    from portal.casework import bundle

    session = db.session()
    review = bundle.review_for(child, review_id)
    subject = f"review:{review.id if review else 'none'}"
    exported_at = session.scalar(
        select(AuditEvent.at).where(AuditEvent.action == "staff.exported_bundle",
                                    AuditEvent.actor_id == by.id,
                                    AuditEvent.child_id == child.id, AuditEvent.subject == subject)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1))
    if exported_at is None:
        return None
    found = bundle.contents(child, review.id if review else None)
    now = clock.now()
    submissions = [s for s in found.submissions
                   if s.exported_at is None and (s.sent_at or s.created_at) <= exported_at]
    messages = [m for m in found.messages if m.exported_at is None and m.created_at <= exported_at]
    for item in (*submissions, *messages):
        item.exported_at = now
    audit.record("staff.confirmed_export", actor_id=by.id, child_id=child.id, subject=subject,
                 submissions=len(submissions), messages=len(messages))
    return len(submissions), len(messages)


# --- The command ---------------------------------------------------------------------------

def describe_schedule(s: Schedule) -> list[str]:
    return [
        f"things children sent: {s.submissions} days after the export is confirmed "
        "(PORTAL_RETAIN_DAYS_SUBMISSIONS)",
        f"drafts never sent: {s.drafts} days after their last change (PORTAL_RETAIN_DAYS_DRAFTS)",
        f"messages: {s.messages} days after the export is confirmed "
        "(PORTAL_RETAIN_DAYS_MESSAGES)",
        "letters: until the next-but-one review (the last two held reviews' letters are kept)",
        f"a child's record and sign-in: {s.after_care} days after they cease to be looked after "
        "(PORTAL_RETAIN_DAYS_AFTER_CARE)",
        f"carers' and advocates' accounts: {s.adults} days after their last link ends "
        "(PORTAL_RETAIN_DAYS_ADULTS)",
        f"sessions, setup codes, sign-in counts: {s.sessions} days after they end "
        "(PORTAL_RETAIN_DAYS_SESSIONS)",
        f"audit events: {s.audit} days (PORTAL_RETAIN_DAYS_AUDIT); their IP addresses: "
        f"{s.addresses} days (PORTAL_RETAIN_DAYS_ADDRESSES)",
    ]


@click.command("retention")
@click.option("--apply", "do_apply", is_flag=True,
              help="Delete what the schedule allows (default: only list it).")
@with_appcontext
def command(do_apply: bool) -> None:
    """Delete data on the council's schedule (docs/dpia.md, section 12); a dry run unless
    --apply. Run it daily (docs/operations.md, "Retention and deletion")."""
    planned = plan()
    click.echo(f"Retention schedule on {planned.today:%d/%m/%Y}:")
    for line in describe_schedule(planned.schedule):
        click.echo(f"  {line}")
    if do_apply:
        done = apply(planned)
        click.echo("Deleted:")
        for kind in KINDS:
            click.echo(f"  {kind.describe}: {done.counts.get(kind.key, 0)}")
        click.echo(f"Removed {done.files_removed} file(s) from the upload folder.")
    else:
        click.echo("Dry run, nothing deleted. The next run would delete:")
        for kind in KINDS:
            click.echo(f"  {kind.describe}: {planned.counts[kind.key]}")
    kept = waiting(planned.today)
    click.echo(f"Kept until staff confirm the export to the case record: {kept.submissions} "
               f"thing(s) sent, {kept.messages} message(s); {kept.children} child(ren) past "
               "their period after care, kept whole until then (or while a flag is open).")
    if not do_apply:
        click.echo("Run with --apply to delete.")
