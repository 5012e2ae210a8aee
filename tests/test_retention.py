"""Retention: the schedule decides what may go, a dry run lists exactly that, --apply deletes
it (rows, then files), writes ids only to the audit trail, and a second run finds nothing.
Staff confirm an export from the child's page; managers see the counts on /retention."""
from __future__ import annotations

import json
import os
import re
import time as wall_clock
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, update

from portal import backup, clock, db, retention
from portal.accounts import operations as accounts
from portal.accounts.models import Account, AccountSession, Child, LinkKind, Role, SetupCode
from portal.accounts.throttle import ThrottleCount
from portal.audit import AuditEvent
from portal.clock import LONDON
from portal.config import Config, ConfigError
from portal.consultations.models import Kind, Status, Submission
from portal.media.models import StoredFile
from portal.messages.models import Flag, FlagReason, Message
from portal.reviews.models import Letter, LetterVersion, Review
from tests.helpers import csrf_token, png_bytes, sign_in

TODAY = date(2026, 3, 2)


def days_ago(days: int, hour: int = 12) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days), time(hour), tzinfo=LONDON)


def _set(app, model, row_id, **values) -> None:
    with app.app_context():
        db.session().execute(update(model).where(model.id == row_id).values(**values))
        db.session().commit()


def _add(app, *rows) -> list[int]:
    with app.app_context():
        db.session().add_all(rows)
        db.session().commit()
        return [row.id for row in rows]


def _link(app, account, child, starts: date, ends: date | None) -> None:
    with app.app_context():
        accounts.link(db.session().merge(account), db.session().merge(child),
                      LinkKind(account.role), starts, ends)
        db.session().commit()


def _files_of(app, model, row_id) -> list[str]:
    with app.app_context():
        stored = db.session().get(StoredFile, db.session().get(model, row_id).file_id)
        return [n for n in (stored.name, stored.thumbnail_name) if n]


def _orphan(app, hours_old: float) -> str:
    """A file in the store that no row names, last touched ``hours_old`` ago."""
    import secrets

    name = f"{secrets.token_hex(16)}.jpg"
    path = app.config["PORTAL"].upload_dir / name[:2] / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"left over")
    touched = wall_clock.time() - hours_old * 3600
    os.utime(path, (touched, touched))
    return f"{name[:2]}/{name}"


@pytest.fixture
def world(app, make):
    """Something of every kind on either side of its line, on TODAY's schedule."""
    w = {}
    with clock.fixed(days_ago(500)):
        isro = make.account(Role.ISRO)
        keeper = make.child(12, isro=isro, name="Keeper")  # still looked after
        left = make.child(15, isro=isro, name="Leftcare")  # left 100 days ago, all exported
        kept_whole = make.child(15, isro=isro, name="Keptwhole")  # left, one thing not exported
        recent = make.child(16, isro=isro, name="Recentleaver")  # left 30 days ago
        gone_carer = make.account(Role.CARER)  # last link ended 100 days ago
        left_carer = make.account(Role.CARER)  # linked only to the child who left
        current_carer = make.account(Role.CARER)
        recent_advocate = make.account(Role.ADVOCATE)  # link ended 30 days ago
        unexported_carer = make.account(Role.CARER)  # wrote a message not yet exported
    w.update(isro=isro, keeper=keeper, left=left, kept_whole=kept_whole, recent=recent,
             gone_carer=gone_carer, left_carer=left_carer, current_carer=current_carer,
             recent_advocate=recent_advocate, unexported_carer=unexported_carer)
    long_ago, ended_long_ago, ended_lately = (TODAY - timedelta(days=400),
                                              TODAY - timedelta(days=100),
                                              TODAY - timedelta(days=30))
    _link(app, gone_carer, keeper, long_ago, ended_long_ago)
    _link(app, left_carer, left, long_ago, ended_long_ago)
    _link(app, current_carer, keeper, long_ago, None)
    _link(app, recent_advocate, keeper, long_ago, ended_lately)
    _link(app, unexported_carer, keeper, long_ago, ended_long_ago)
    _set(app, Child, left.id, ceased_on=ended_long_ago, ceased_reason="E4A")
    _set(app, Child, kept_whole.id, ceased_on=ended_long_ago, ceased_reason="E4A")
    _set(app, Child, recent.id, ceased_on=ended_lately, ceased_reason="E4A")

    # Keeper's reviews: three held (only the oldest letter may go) and one to come.
    r1, r2, r3, r4 = _add(app, *[Review(child_id=keeper.id, due_on=TODAY - timedelta(days=d),
                                        held_on=TODAY - timedelta(days=d)) for d in
                                 (400, 220, 40)], Review(child_id=keeper.id,
                                                         due_on=TODAY + timedelta(days=100)))
    letters = _add(app, *[Letter(review_id=r, child_id=keeper.id, sections={"told_me": "Hi"},
                                 actions=[], deadline_on=TODAY) for r in (r1, r2, r3)])
    _add(app, LetterVersion(letter_id=letters[0], number=1, sections={}, actions=[]))
    w.update(reviews=(r1, r2, r3, r4), letters=letters)

    def picture(child, sent: int, exported: int | None):
        with clock.fixed(days_ago(sent)):
            item = make.picture(child)
        if exported is not None:
            _set(app, Submission, item.id, exported_at=days_ago(exported))
        return item.id

    w["old_picture"] = picture(keeper, 120, 100)  # exported 100 days ago: goes
    w["unexported_picture"] = picture(keeper, 300, None)  # never exported: stays
    w["recent_picture"] = picture(keeper, 70, 60)  # exported 60 days ago: stays
    w["flagged_picture"] = picture(keeper, 300, 200)  # exported, but a flag is open: stays
    _add(app, Flag(child_id=keeper.id, submission_id=w["flagged_picture"],
                   reason=FlagReason.WORDS, raised_at=days_ago(300)))
    w["left_picture"] = picture(left, 60, 50)  # goes with the child's record
    w["kept_whole_picture"] = picture(kept_whole, 200, None)

    def draft(child, updated: int):
        with clock.fixed(days_ago(updated)):
            return _add(app, Submission(child_id=child.id, kind=Kind.FORM, status=Status.DRAFT,
                                        questionnaire="8-12", answers={}))[0]

    w["old_draft"], w["recent_draft"] = draft(keeper, 100), draft(keeper, 50)

    def message(child, sent: int, exported: int | None, body: str, **kw):
        with clock.fixed(days_ago(sent)):
            found = make.message(child, body, **kw)
        if exported is not None:
            _set(app, Message, found.id, exported_at=days_ago(exported))
        return found.id

    w["old_message"] = message(keeper, 400, 380, "Old words about home",
                               attachment=png_bytes())
    w["recent_message"] = message(keeper, 120, 100, "Newer words")
    w["flagged_message"] = message(keeper, 400, 380, "", feels_unsafe=True)  # flag still open
    w["left_message"] = message(left, 60, 50, "Bye from Leftcare")
    w["gone_carer_message"] = message(keeper, 200, 150, "From the carer who left",
                                      author=gone_carer, attachment=png_bytes())
    w["unexported_carer_message"] = message(keeper, 150, None, "Not exported yet",
                                            author=unexported_carer)

    w["old_session"], w["live_session"], w["old_code"], w["live_code"] = _add(
        app,
        AccountSession(account_id=isro.id, token_hash="a" * 64, created_at=days_ago(50),
                       last_seen_at=days_ago(50), ended_at=days_ago(45)),
        AccountSession(account_id=isro.id, token_hash="b" * 64, created_at=days_ago(1),
                       last_seen_at=days_ago(1)),
        SetupCode(account_id=current_carer.id, code_hash="x", created_at=days_ago(60),
                  expires_at=days_ago(46)),
        SetupCode(account_id=current_carer.id, code_hash="y", created_at=days_ago(1),
                  expires_at=days_ago(-13)))
    with app.app_context():
        db.session().add_all([
            ThrottleCount(key="c" * 64, window_start=days_ago(40), tries=3),
            ThrottleCount(key="d" * 64, window_start=days_ago(0), tries=1)])
        db.session().commit()
    w["old_event"], w["mid_event"], w["new_event"] = _add(
        app, AuditEvent(at=days_ago(800), action="sign_in", address="192.0.2.6"),
        AuditEvent(at=days_ago(200), action="sign_in", address="192.0.2.7"),
        AuditEvent(at=days_ago(10), action="sign_in", address="192.0.2.8"))
    w["old_orphan"], w["new_orphan"] = _orphan(app, 2), _orphan(app, 0)
    with app.app_context():
        w["left_account"] = db.session().get(Child, left.id).account_id
    return w


def _expected(w) -> dict[str, tuple]:
    return {
        "submissions": (w["old_picture"],),
        "drafts": (w["old_draft"],),
        "messages": (w["old_message"],),
        "letters": (w["letters"][0],),
        "adults": tuple(sorted((w["gone_carer"].id, w["left_carer"].id))),
        "children": (w["left"].id,),
        "sessions": (w["old_session"],),
        "setup_codes": (w["old_code"],),
        "throttle_counts": ("c" * 64,),
        "audit_events": (w["old_event"],),
        "addresses": (w["mid_event"],),
        "orphan_files": (w["old_orphan"],),
    }


def _plan(app):
    with app.app_context(), clock.fixed(days_ago(0)):
        return retention.plan(TODAY)


def test_the_plan_lists_exactly_what_the_schedule_lets_go(app, world):
    planned = _plan(app)
    # Expected: one of each kind past its line, and nothing else: not the picture never
    # exported, the one exported 60 days ago, the one with an open flag; not the letters of
    # the last two reviews; not a child still looked after, or one whose record still holds
    # something not exported; not a carer still linked, or one whose message is not exported.
    assert planned.ids == _expected(world)
    with app.app_context(), clock.fixed(days_ago(0)):
        kept = retention.waiting(TODAY)
    assert (kept.submissions, kept.messages, kept.children) == (2, 1, 1)


def test_the_dry_run_prints_counts_and_deletes_nothing(app, world):
    with clock.fixed(days_ago(0)):
        result = app.test_cli_runner().invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing deleted" in result.output
    assert "things children sent, exported to the case record: 1" in result.output
    assert "carers' and advocates' accounts: 2" in result.output
    assert "children's whole records (left care): 1" in result.output
    assert "Run with --apply" in result.output
    assert _plan(app).ids == _expected(world)  # still all there


def _all_files(app) -> set[str]:
    root = app.config["PORTAL"].upload_dir
    return {p.name for p in root.rglob("*") if p.is_file()}


def test_apply_deletes_it_with_its_files_names_only_ids_and_a_second_run_finds_nothing(
        app, world):
    w = world
    gone_files = (_files_of(app, Submission, w["old_picture"])
                  + _files_of(app, Message, w["old_message"])
                  + _files_of(app, Submission, w["left_picture"])
                  + _files_of(app, Message, w["gone_carer_message"]))
    kept_files = (_files_of(app, Submission, w["unexported_picture"])
                  + _files_of(app, Submission, w["recent_picture"])
                  + _files_of(app, Submission, w["kept_whole_picture"]))
    assert set(gone_files) | set(kept_files) <= _all_files(app)
    with app.app_context():
        left_events = db.session().scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.child_id == w["left"].id))
    assert left_events > 0

    with clock.fixed(days_ago(0)):
        result = app.test_cli_runner().invoke(args=["retention", "--apply"])
    assert result.exit_code == 0, result.output
    assert "Deleted:" in result.output and "things children sent" in result.output

    with app.app_context():
        session = db.session()
        # The rows are gone, and what hangs off them with them.
        assert session.get(Submission, w["old_picture"]) is None
        assert session.get(Submission, w["old_draft"]) is None
        assert session.get(Message, w["old_message"]) is None
        assert session.get(Letter, w["letters"][0]) is None
        assert session.scalars(select(LetterVersion).where(
            LetterVersion.letter_id == w["letters"][0])).all() == []
        assert session.get(Child, w["left"].id) is None
        assert session.get(Account, w["left_account"]) is None
        assert session.get(Account, w["gone_carer"].id) is None
        assert session.get(Message, w["gone_carer_message"]) is None
        assert session.get(AccountSession, w["old_session"]) is None
        assert session.get(SetupCode, w["old_code"]) is None
        assert session.get(ThrottleCount, "c" * 64) is None
        assert session.get(AuditEvent, w["old_event"]) is None
        assert session.get(AuditEvent, w["mid_event"]).address is None
        # Everything on the right side of its line is still there.
        for model, key in ((Submission, "unexported_picture"), (Submission, "recent_picture"),
                           (Submission, "flagged_picture"), (Submission, "recent_draft"),
                           (Submission, "kept_whole_picture"), (Message, "recent_message"),
                           (Message, "flagged_message"), (Message, "unexported_carer_message"),
                           (AccountSession, "live_session"), (SetupCode, "live_code")):
            assert session.get(model, w[key]) is not None, key
        for key in ("keeper", "kept_whole", "recent", "current_carer", "recent_advocate",
                    "unexported_carer"):
            assert session.get(Account if key.endswith(("carer", "advocate")) else Child,
                               w[key].id) is not None, key
        assert [session.get(Letter, i) is not None for i in w["letters"]] == [False, True, True]
        assert session.get(ThrottleCount, "d" * 64) is not None
        assert session.get(AuditEvent, w["new_event"]).address == "192.0.2.8"
        # The child's audit events keep their rows, without the link to the child.
        assert session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.child_id.is_(None), AuditEvent.subject.like("conversation:%"))) > 0
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "retention.deleted")).all()
        subjects = {e.subject for e in events}
        stored = retention.stored_names()
    # One event per deleted record, by id; one per kind of housekeeping, with the count.
    assert subjects == {
        f"submission:{w['old_picture']}", f"submission:{w['old_draft']}",
        f"message:{w['old_message']}", f"letter:{w['letters'][0]}",
        f"account:{w['gone_carer'].id}", f"account:{w['left_carer'].id}",
        f"child:{w['left'].id}", f"account:{w['left_account']}",
        "sessions", "setup_codes", "throttle_counts", "audit_events", "addresses",
        "orphan_files"}
    assert all(re.fullmatch(r"[a-z_]+(:\d+)?", s) for s in subjects)
    written = json.dumps([[e.subject, e.detail, e.address] for e in events])
    for words in ("Leftcare", "Keeper", "Old words", "Bye", "From the carer", "Person"):
        assert words not in written
    # No file is left for a deleted row; kept rows keep theirs; only the new orphan is left.
    files = _all_files(app)
    assert not set(gone_files) & files
    assert set(kept_files) <= files
    orphans = backup.orphans(app.config["PORTAL"].upload_dir, stored)
    assert [p.name for p in orphans] == [world["new_orphan"].split("/")[1]]

    # A second run deletes nothing.
    assert _plan(app).total == 0
    with clock.fixed(days_ago(0)):
        again = app.test_cli_runner().invoke(args=["retention", "--apply"])
    assert again.exit_code == 0
    assert re.findall(r": (\d+)$", again.output.split("Deleted:")[1].split("Removed")[0],
                      re.M) == ["0"] * len(retention.KINDS)
    assert "Removed 0 file(s)" in again.output


def test_a_failed_commit_leaves_the_rows_and_the_files(app, world, monkeypatch):
    files = _files_of(app, Submission, world["old_picture"])
    with app.app_context(), clock.fixed(days_ago(0)):
        planned = retention.plan(TODAY)
        session = db.session()

        def refused():
            raise RuntimeError("the database went away")

        monkeypatch.setattr(session, "commit", refused)
        with pytest.raises(RuntimeError):
            retention.apply(planned)
    with app.app_context():
        assert db.session().get(Submission, world["old_picture"]) is not None
    assert set(files) <= _all_files(app)  # files go only after the rows' commit


def test_the_plan_is_checked_again_when_applied(app, world):
    """Something that stops qualifying between plan and apply is kept."""
    planned = _plan(app)
    _set(app, Child, world["left"].id, ceased_on=None)  # back in care after all
    with app.app_context(), clock.fixed(days_ago(0)):
        done = retention.apply(planned)
        assert db.session().get(Child, world["left"].id) is not None
    assert done.deleted["children"] == []
    assert done.deleted["submissions"] == [world["old_picture"]]


def test_a_letter_waits_while_what_was_sent_for_its_review_is_not_exported(app, world):
    _set(app, Submission, world["unexported_picture"], review_id=world["reviews"][0])
    # Expected: the oldest review's letter is kept while a thing sent for it is not exported.
    assert _plan(app).ids["letters"] == ()
    _set(app, Submission, world["unexported_picture"], exported_at=days_ago(1))
    assert _plan(app).ids["letters"] == (world["letters"][0],)


def test_the_periods_come_from_the_settings(app, world):
    config = replace(app.config["PORTAL"], retain_days_submissions=50, retain_days_drafts=200)
    app.config["PORTAL"], saved = config, app.config["PORTAL"]
    try:
        planned = _plan(app)
    finally:
        app.config["PORTAL"] = saved
    # Expected: exported 60 days ago now goes too; a draft untouched for 100 days stays.
    assert planned.ids["submissions"] == (world["old_picture"], world["recent_picture"])
    assert planned.ids["drafts"] == ()


def test_retention_settings_are_read_from_the_environment(tmp_path):
    config = Config.from_env({"PORTAL_INSTANCE_DIR": str(tmp_path),
                              "PORTAL_RETAIN_DAYS_SUBMISSIONS": "30",
                              "PORTAL_RETAIN_DAYS_DRAFTS": "31",
                              "PORTAL_RETAIN_DAYS_MESSAGES": "32",
                              "PORTAL_RETAIN_DAYS_AFTER_CARE": "33",
                              "PORTAL_RETAIN_DAYS_ADULTS": "34",
                              "PORTAL_RETAIN_DAYS_SESSIONS": "35",
                              "PORTAL_RETAIN_DAYS_AUDIT": "36",
                              "PORTAL_RETAIN_DAYS_ADDRESSES": "37"})
    assert retention.Schedule.from_config(config) == retention.Schedule(30, 31, 32, 33, 34, 35,
                                                                        36, 37)
    assert retention.Schedule.from_config(Config.from_env(
        {"PORTAL_INSTANCE_DIR": str(tmp_path)})) == retention.Schedule()
    with pytest.raises(ConfigError, match="PORTAL_RETAIN_DAYS_AUDIT"):
        Config.from_env({"PORTAL_INSTANCE_DIR": str(tmp_path), "PORTAL_RETAIN_DAYS_AUDIT": "-1"})


# --- Confirming the export ------------------------------------------------------------------

def _confirm(client, child_id: int):
    page = client.get(f"/children/{child_id}").get_data(as_text=True)
    assert "I have put this in the case record" in page
    form = page.split(f'action="/children/{child_id}/exported"')[1].split("</form>")[0]
    review = re.search(r'name="review" value="([^"]*)"', form).group(1)
    return client.post(f"/children/{child_id}/exported",
                       data={"csrf_token": csrf_token(form), "review": review},
                       follow_redirects=True)


def test_the_confirmation_marks_what_the_exported_pdf_held(app, make):
    start = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
    with clock.fixed(start):
        isro = make.account(Role.ISRO)
        child = make.child(12, isro=isro)
        with app.app_context():
            from portal.reviews import operations as reviews

            reviews.add_review(db.session().merge(child), TODAY + timedelta(days=30))
            db.session().commit()
        before = make.picture(child)
        words = make.message(child, "Please read this before my review")
        client = app.test_client()
        sign_in(client, isro)
        # Expected: nothing is marked before the PDF was exported.
        refused = _confirm(client, child.id).get_data(as_text=True)
        assert "Export the PDF first" in refused
    with app.app_context():
        assert db.session().get(Submission, before.id).exported_at is None
    with clock.fixed(start + timedelta(minutes=5)):
        assert client.get(f"/children/{child.id}/bundle.pdf").status_code == 200
    with clock.fixed(start + timedelta(minutes=10)):
        after = make.picture(child)  # sent after the PDF was made: not in it
        page = _confirm(client, child.id).get_data(as_text=True)
    assert "2 things are marked as in the case record." in page
    with app.app_context():
        session = db.session()
        assert session.get(Submission, before.id).exported_at == start + timedelta(minutes=10)
        assert session.get(Message, words.id).exported_at == start + timedelta(minutes=10)
        assert session.get(Submission, after.id).exported_at is None
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "staff.confirmed_export")).one()
        assert event.child_id == child.id and event.actor_id == isro.id
        assert event.detail == {"submissions": 1, "messages": 1}
    with clock.fixed(start + timedelta(minutes=15)):
        again = _confirm(client, child.id).get_data(as_text=True)
    assert "already marked" in again
    with app.app_context():  # the first confirmation's time is kept
        assert db.session().get(Submission, before.id).exported_at == start + timedelta(
            minutes=10)


# --- The managers' page ---------------------------------------------------------------------

def test_managers_see_the_schedule_and_the_counts(app, world, make):
    with clock.fixed(days_ago(0)):
        manager = make.account(Role.MANAGER)
        client = app.test_client()
        sign_in(client, manager)
        response = client.get("/retention")
        isro = app.test_client()
        sign_in(isro, world["isro"])
        refused = isro.get("/retention")
        isro_home = isro.get("/caseload").get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and refused.status_code == 403
    counts = dict(re.findall(r'data-kind="([a-z_]+)">(\d+)<', page))
    assert counts == {kind: str(len(ids)) for kind, ids in _expected(world).items()}
    assert "PORTAL_RETAIN_DAYS_SUBMISSIONS" in page and ">90<" in page and ">730<" in page
    assert "2 things children sent are waiting" in page
    assert "1 child who left care is kept whole" in page
    assert re.search(r"hold 1 things sent, 1 messages, 0 reviews and 1 files", page)
    assert "<form" not in page.split("<main")[1].split("</main>")[0]  # nothing deletes here
    for name in ("Keeper", "Leftcare", "Keptwhole"):
        assert name not in page
    # The menu offers the page to managers only.
    assert 'href="/retention"' in page and 'href="/retention"' not in isro_home
