"""The audit trail's screens: filters, the CSV, the week's unusual patterns, and the
reason asked for a new sign-in card for a child who already has a password."""
from __future__ import annotations

import csv
import io
import re
from contextlib import contextmanager
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, event, func, select

from portal import audit, clock, db
from portal.accounts.models import Role, SetupCode
from portal.audit import AuditEvent
from portal.audit_trail import queries
from portal.clock import LONDON
from tests.helpers import post_form, sign_in

TUESDAY = datetime(2026, 3, 10, 10, 0, tzinfo=LONDON)  # in office hours
SATURDAY_9PM = datetime(2026, 3, 14, 21, 0, tzinfo=LONDON)
NEXT_MONDAY = datetime(2026, 3, 16, 10, 0, tzinfo=LONDON)  # the week is 10 to 16 March


@contextmanager
def counting_queries(app):
    engine = app.extensions["portal.engine"]
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def team(make):
    priya = make.account(Role.ISRO, "priya.shah", name="Priya Shah")
    jo = make.account(Role.ISRO, "jo.bloggs", name="Jo Bloggs")
    manager = make.account(Role.MANAGER, "mo.manager", name="Mo Khan")
    sam = make.child(12, isro=priya, name="Sam", reference="R-SAM", username="sam.child")
    leo = make.child(11, isro=jo, name="Leo", reference="R-LEO", username="leo.child")
    return SimpleNamespace(priya=priya, jo=jo, manager=manager, sam=sam, leo=leo)


def _clear_trail(app):
    with app.app_context():
        db.session().execute(delete(AuditEvent))
        db.session().commit()


def _record(app, *events):
    """(action, when, actor, child, subject) each, written with the clock at ``when``."""
    with app.app_context():
        for action, at, actor, child, subject, *detail in events:
            with clock.fixed(at):
                audit.record(action, actor_id=actor.id if actor else None,
                             child_id=child.id if child else None, subject=subject,
                             **(detail[0] if detail else {}))
                db.session().flush()  # the time is taken when the row is written
        db.session().commit()


def _manager(app, team, signed_in):
    """The manager signed in, with an empty trail (their own sign-in cleared away)."""
    client = signed_in(team.manager)
    _clear_trail(app)
    return client


def _subjects(page: str) -> list[str]:
    """The subjects of the events shown, in the order shown (the tests' are e1, e2...)."""
    return [s for s in re.findall(r'<td><span dir="ltr">([^<]*)</span></td>', page)
            if re.fullmatch(r"e\d+|=.*|\+.*|-.*|@.*", s)]


def _filter(client, **fields):
    response = post_form(client, "/audit/filter", fields, page="/audit")
    assert response.status_code == 302 and response.headers["Location"].endswith("/audit")
    return client.get("/audit").get_data(as_text=True)


@pytest.fixture
def trail(app, team, signed_in):
    client = _manager(app, team, signed_in)
    sam_account = SimpleNamespace(id=team.sam.account_id)
    _record(app,
            ("staff.viewed_child", datetime(2026, 3, 10, 10, 0, tzinfo=LONDON), team.priya,
             team.sam, "e1"),
            ("staff.viewed_letter", datetime(2026, 3, 11, 11, 0, tzinfo=LONDON), team.priya,
             team.leo, "e2"),
            ("staff.viewed_child", datetime(2026, 3, 12, 12, 0, tzinfo=LONDON), team.jo,
             team.leo, "e3"),
            ("contact.recorded", datetime(2026, 3, 13, 13, 0, tzinfo=LONDON), team.jo,
             team.sam, "e4"),
            ("flag.escalated", datetime(2026, 3, 14, 14, 0, tzinfo=LONDON), None, team.sam,
             "e5"),
            ("sign_in", datetime(2026, 3, 15, 9, 0, tzinfo=LONDON), sam_account, None, "e6"))
    return client


def test_the_trail_shows_every_event_newest_first_with_who_and_which_child(trail, team):
    page = trail.get("/audit").get_data(as_text=True)
    assert _subjects(page) == ["e6", "e5", "e4", "e3", "e2", "e1"]
    assert "6 events" in page
    e1 = page.split('<span dir="ltr">e1</span>')[0].rsplit("<tr>", 1)[1]
    assert "10 Mar 2026, 10:00:00" in e1 and "<bdi>Priya Shah</bdi> (ISRO)" in e1
    assert f'href="/children/{team.sam.id}"><bdi>Sam</bdi>' in e1
    assert "Looked at a child" in e1 and "page" in e1
    e5 = page.split('<span dir="ltr">e5</span>')[0].rsplit("<tr>", 1)[1]
    assert "the system" in e5 and "Safety flag escalated to managers" in e5
    e6 = page.split('<span dir="ltr">e6</span>')[0].rsplit("<tr>", 1)[1]
    assert "<bdi>Sam</bdi> (child)" in e6 and "—" in e6
    # The action list offers the actions the trail holds, and no others.
    assert 'value="contact.recorded"' in page and 'value="staff.exported_903"' not in page


def test_an_action_without_a_label_is_shown_by_its_code(app, trail, team):
    _record(app, ("flag.late_notices", TUESDAY, None, team.sam, "e7"))
    page = trail.get("/audit").get_data(as_text=True)
    assert "flag.late_notices" in page.split('<span dir="ltr">e7</span>')[0].rsplit("<tr>", 1)[1]


def test_times_are_shown_in_london(app, trail, team):
    _record(app, ("staff.viewed_child", datetime(2026, 7, 1, 12, 0, tzinfo=LONDON),
                  team.priya, team.sam, "e9"))
    page = trail.get("/audit").get_data(as_text=True)
    assert "1 Jul 2026, 12:00:00" in page  # 11:00 UTC


@pytest.mark.parametrize(("fields", "expected"), [
    ({"person": "priya"}, ["e2", "e1"]),  # part of a username
    ({"person": "Bloggs"}, ["e4", "e3"]),  # part of a name
    ({"child": "r-sam"}, ["e6", "e5", "e4", "e1"]),  # reference; the child's own sign-in
    ({"child": "Leo"}, ["e3", "e2"]),  # preferred name
    ({"action": "staff.viewed_child"}, ["e3", "e1"]),
    ({"start": "2026-03-11", "end": "2026-03-13"}, ["e4", "e3", "e2"]),
    ({"start": "2026-03-14"}, ["e6", "e5"]),
    ({"end": "2026-03-10"}, ["e1"]),
    ({"person": "priya", "child": "leo"}, ["e2"]),
    ({"person": "nobody"}, []),
    ({"child": "%"}, []),  # typed as it is, not a wildcard
])
def test_filters_show_exactly_the_matching_events(trail, fields, expected):
    page = _filter(trail, **fields)
    assert _subjects(page) == expected
    if not expected:
        assert "No events match these filters." in page


def test_filters_are_kept_in_the_session_not_the_url_and_can_be_cleared(trail):
    response = post_form(trail, "/audit/filter", {"child": "Sam"}, page="/audit")
    assert response.headers["Location"].endswith("/audit")  # no name in the address
    page = trail.get("/audit").get_data(as_text=True)
    assert 'value="Sam"' in page and _subjects(page) == ["e6", "e5", "e4", "e1"]
    assert _subjects(trail.get("/audit?page=1").get_data(as_text=True)) == [
        "e6", "e5", "e4", "e1"]
    post_form(trail, "/audit/filter", {"clear": "1"}, page="/audit")
    assert len(_subjects(trail.get("/audit").get_data(as_text=True))) == 6


def test_days_are_london_days(app, trail, team):
    _record(app,
            ("staff.viewed_child", datetime(2026, 7, 1, 23, 30, tzinfo=LONDON), team.priya,
             team.sam, "e10"),  # 22:30 UTC
            ("staff.viewed_child", datetime(2026, 7, 2, 0, 30, tzinfo=LONDON), team.priya,
             team.sam, "e11"))  # 23:30 UTC on 1 July
    assert _subjects(_filter(trail, start="2026-07-01", end="2026-07-01")) == ["e10"]
    assert _subjects(_filter(trail, start="2026-07-02", end="2026-07-02")) == ["e11"]


def test_bad_filters_say_what_is_wrong_and_keep_what_was_typed(trail):
    response = post_form(trail, "/audit/filter", {"person": "priya", "start": "2026-02-30"},
                         page="/audit")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r"<title>Error:", page) and "Enter a real date, like 2026-03-14" in page
    assert 'value="priya"' in page
    page = post_form(trail, "/audit/filter", {"start": "2026-03-12", "end": "2026-03-11"},
                     page="/audit").get_data(as_text=True)
    assert "The end date must be on or after the start date" in page
    page = post_form(trail, "/audit/filter", {"action": "made.up"},
                     page="/audit").get_data(as_text=True)
    assert "Choose what happened from the list" in page
    page = post_form(trail, "/audit/filter", {"start": "0001-01-01"},
                     page="/audit").get_data(as_text=True)
    assert "Enter a date from 2000 to 2100" in page
    # Nothing was kept: the trail still shows every event.
    assert len(_subjects(trail.get("/audit").get_data(as_text=True))) == 6


def _csv(client) -> list[list[str]]:
    response = client.get("/audit.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "private, no-store"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_csv_holds_the_pages_events_and_is_itself_audited(app, trail, team):
    page = _filter(trail, person="priya")
    header, *rows = _csv(trail)
    assert header == ["at", "actor_username", "actor_role", "child_reference", "action",
                      "subject", "address"]
    assert [r[5] for r in rows] == _subjects(page) == ["e2", "e1"]
    assert rows[1] == ["2026-03-10T10:00:00+00:00", "priya.shah", "isro", "R-SAM",
                       "staff.viewed_child", "e1", ""]
    with app.app_context():
        exported = db.session().scalars(select(AuditEvent).where(
            AuditEvent.action == "staff.exported_audit")).all()
    assert [(e.actor_id, e.child_id) for e in exported] == [(team.manager.id, None)]
    # The export is in the trail, and in the next file that takes in the manager's events.
    _filter(trail, person="mo.manager")
    header, *rows = _csv(trail)
    assert [r[4] for r in rows] == ["staff.exported_audit"]


def test_the_csv_makes_formulas_harmless(app, trail, team):
    _record(app, *(("staff.viewed_child", TUESDAY, team.priya, team.sam, text)
                   for text in ("=HYPERLINK(1)", "+1", "-1", "@SUM(1)")))
    _filter(trail, start="2026-03-10", end="2026-03-10", action="staff.viewed_child")
    _header, *rows = _csv(trail)
    assert sorted(r[5] for r in rows) == sorted(["'=HYPERLINK(1)", "'+1", "'-1", "'@SUM(1)",
                                                 "e1"])


def test_the_csv_reads_a_long_trail_in_batches(app, trail, team):
    _record(app, *(("staff.viewed_child", TUESDAY, team.priya, team.sam, f"b{n}")
                   for n in range(7)))
    with app.test_request_context():
        found = [r.event.subject for r in queries.every_event(
            queries.Filters(action="staff.viewed_child"), batch=3)]
    assert sorted(found) == sorted(["e1", "e3", *(f"b{n}" for n in range(7))])
    assert len(found) == len(set(found)) == 9


def _section(page: str, start: str, end: str | None) -> str:
    part = page.split(f'id="{start}"')[1]
    return part.split(f'id="{end}"')[0] if end else part


def test_views_outside_office_hours_are_listed(app, team, signed_in):
    with clock.fixed(NEXT_MONDAY):
        client = _manager(app, team, signed_in)
    _record(app,
            ("staff.viewed_child", SATURDAY_9PM, team.priya, team.sam, "late1"),
            ("staff.viewed_messages", SATURDAY_9PM.replace(minute=30), team.priya, team.sam,
             "late2"),
            ("staff.exported_caseload", datetime(2026, 3, 11, 17, 0, tzinfo=LONDON), team.jo,
             None, "late3"),  # 17:00 is closed
            # Ordinary: in office hours, or not a child's content.
            ("staff.viewed_child", TUESDAY, team.jo, team.leo, "ok1"),
            ("staff.viewed_child", datetime(2026, 3, 12, 16, 59, tzinfo=LONDON), team.jo,
             team.leo, "ok2"),
            ("sign_in", datetime(2026, 3, 12, 22, 0, tzinfo=LONDON), team.priya, None, "ok3"),
            ("message.sent", SATURDAY_9PM, team.priya, team.sam, "ok4"))
    with clock.fixed(NEXT_MONDAY):
        page = client.get("/audit/patterns").get_data(as_text=True)
        earlier = client.get("/audit/patterns?week=1").get_data(as_text=True)
    late = _section(page, "out-of-hours", "many-children")
    rows = re.findall(r"<tr>(.*?)</tr>", late, re.S)[1:]
    assert len(rows) == 2
    assert "Jo Bloggs" in rows[0] and "Wed 11 Mar" in rows[0] and "17:00–17:00" in rows[0]
    assert "Priya Shah" in rows[1] and "Sat 14 Mar" in rows[1] and "21:00–21:30" in rows[1]
    assert re.findall(r"<td>(\d+)</td>", rows[1]) == ["2", "1"]  # 2 views of 1 child
    assert "From 10 March 2026 to 16 March 2026." in page
    assert "Priya Shah" not in _section(earlier, "out-of-hours", "many-children")
    assert "From 3 March 2026 to 9 March 2026." in earlier


def test_a_bank_holiday_is_outside_office_hours(app, team):
    _record(app, ("staff.viewed_child", datetime(2026, 4, 3, 10, 0, tzinfo=LONDON),  # Good Friday
                  team.priya, team.sam, "holiday"),
            ("staff.viewed_child", datetime(2026, 4, 2, 10, 0, tzinfo=LONDON), team.jo,
             team.sam, "thursday"))
    with app.test_request_context():
        found = queries.patterns(app.config["PORTAL"].hours, date(2026, 3, 30),
                                 date(2026, 4, 5))
        assert [(f.actor.username, f.day) for f in found.out_of_hours] == [
            ("priya.shah", date(2026, 4, 3))]


def test_one_person_looking_at_many_children_in_a_day_is_listed(app, make, team, signed_in):
    children = [make.child(8, isro=team.priya, sign_in=False, name=f"Kid{n}")
                for n in range(queries.MANY_CHILDREN_A_DAY + 1)]
    with clock.fixed(NEXT_MONDAY):
        client = _manager(app, team, signed_in)
    wednesday = datetime(2026, 3, 11, 10, 0, tzinfo=LONDON)
    _record(app,
            # Priya: 21 children on Tuesday.
            *(("staff.viewed_child", TUESDAY.replace(minute=n), team.priya, child, "many")
              for n, child in enumerate(children)),
            # Ordinary: Jo looks at 20 children on Wednesday, some twice.
            *(("staff.viewed_child", wednesday.replace(minute=n), team.jo, child, "ok")
              for n, child in enumerate(children[:queries.MANY_CHILDREN_A_DAY])),
            ("staff.viewed_letter", wednesday.replace(hour=11), team.jo, children[0], "ok"),
            # Ordinary: Priya opens the caseload-wide "New" page, one event for each child.
            *(("staff.viewed_new", wednesday.replace(hour=12), team.priya, child, "day.new")
              for child in children))
    with clock.fixed(NEXT_MONDAY):
        page = client.get("/audit/patterns").get_data(as_text=True)
    many = _section(page, "many-children", "new-cards")
    rows = re.findall(r"<tr>(.*?)</tr>", many, re.S)[1:]
    assert len(rows) == 1
    assert "Priya Shah" in rows[0] and "Tue 10 Mar" in rows[0]
    assert re.findall(r"<td>(\d+)</td>", rows[0]) == ["21", "21"]


def test_a_card_for_a_child_with_a_password_needs_a_reason(app, team, signed_in):
    with clock.fixed(TUESDAY):
        isro = signed_in(team.priya)
        child_page = isro.get(f"/children/{team.sam.id}").get_data(as_text=True)
        assert 'name="reason"' in child_page
        refused = post_form(isro, f"/children/{team.sam.id}/sign-in-card", {},
                            page=f"/children/{team.sam.id}")
        blank = post_form(isro, f"/children/{team.sam.id}/sign-in-card", {"reason": "   "},
                          page=f"/children/{team.sam.id}")
    for response in (refused, blank):
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert re.search(r"<title>Error:", page) and "Enter why they need a new card" in page
        assert "setup-code" not in page and "Sam" not in re.search(
            r"<title>(.*?)</title>", page).group(1)
    with app.app_context():
        assert db.session().scalar(select(func.count(SetupCode.id))) == 0
        assert not db.session().scalars(select(AuditEvent).where(
            AuditEvent.action == "account.setup_code_issued")).all()
    with clock.fixed(TUESDAY):
        printed = post_form(isro, f"/children/{team.sam.id}/sign-in-card",
                            {"reason": " Forgot their password "},
                            page=f"/children/{team.sam.id}")
    assert printed.status_code == 200 and 'class="setup-code"' in printed.get_data(as_text=True)
    with app.app_context():
        issued = db.session().scalars(select(AuditEvent).where(
            AuditEvent.action == "account.setup_code_issued")).one()
    assert (issued.actor_id, issued.child_id) == (team.priya.id, team.sam.id)
    assert issued.detail == {"had_password": True, "reason": "Forgot their password"}


def test_a_first_card_needs_no_reason(app, make, team, signed_in):
    mia = make.child(9, isro=team.priya, sign_in=False, name="Mia")
    isro = signed_in(team.priya)
    assert 'name="reason"' not in isro.get(f"/children/{mia.id}").get_data(as_text=True)
    printed = post_form(isro, f"/children/{mia.id}/sign-in-card", {},
                        page=f"/children/{mia.id}")
    assert 'class="setup-code"' in printed.get_data(as_text=True)
    with app.app_context():
        issued = db.session().scalars(select(AuditEvent).where(
            AuditEvent.action == "account.setup_code_issued")).one()
    assert issued.child_id == mia.id and issued.detail == {}


def test_new_cards_for_children_with_a_password_are_listed(app, make, team, signed_in):
    mia = make.child(9, isro=team.priya, sign_in=False, name="Mia")
    with clock.fixed(TUESDAY):
        isro = signed_in(team.priya)
        post_form(isro, f"/children/{mia.id}/sign-in-card", {}, page=f"/children/{mia.id}")
        post_form(isro, f"/children/{team.sam.id}/sign-in-card",
                  {"reason": "Forgot their password"}, page=f"/children/{team.sam.id}")
    with clock.fixed(NEXT_MONDAY):
        manager = signed_in(team.manager)
        page = manager.get("/audit/patterns").get_data(as_text=True)
        trail = manager.get("/audit").get_data(as_text=True)
    cards = _section(page, "new-cards", None)
    rows = re.findall(r"<tr>(.*?)</tr>", cards, re.S)[1:]
    assert len(rows) == 1  # Mia's first card is ordinary
    assert f'href="/children/{team.sam.id}"><bdi>Sam</bdi>' in rows[0]
    assert "Forgot their password" in rows[0] and "Priya Shah" in rows[0]
    assert "Tue 10 Mar, 10:00" in rows[0]
    assert "Reason:" in trail and "Forgot their password" in trail


def test_ordinary_use_makes_no_patterns(app, team, signed_in):
    with clock.fixed(NEXT_MONDAY):
        client = _manager(app, team, signed_in)
    _record(app, ("staff.viewed_child", TUESDAY, team.priya, team.sam, "ok"),
            ("account.setup_code_issued", TUESDAY, team.priya, team.leo, "account:1"))
    with clock.fixed(NEXT_MONDAY):
        page = client.get("/audit/patterns").get_data(as_text=True)
    assert page.count("None this week.") == 3


@pytest.mark.parametrize("role", [Role.CHILD, Role.CARER, Role.ADVOCATE, Role.ISRO])
def test_only_managers_may_see_the_audit_trail(app, make, signed_in, role):
    if role is Role.CHILD:
        make.child(12, username="kid.test")
        client = app.test_client()
        assert sign_in(client, "kid.test").status_code == 302
    else:
        client = signed_in(role)
    for path in ("/audit", "/audit.csv", "/audit/patterns", "/audit/patterns?week=2"):
        assert client.get(path).status_code == 403, path
    assert post_form(client, "/audit/filter", {"person": "x"},
                     page="/settings").status_code == 403
    with app.app_context():
        assert not db.session().scalars(select(AuditEvent).where(
            AuditEvent.action == "staff.exported_audit")).all()


def test_the_menu_offers_the_audit_trail_to_managers_only(team, signed_in):
    assert 'href="/audit"' in signed_in(team.manager).get("/caseload").get_data(as_text=True)
    assert 'href="/audit"' not in signed_in(team.priya).get("/caseload").get_data(as_text=True)


def _many_events(app, count: int, people, children):
    with app.app_context():
        for n in range(count):
            with clock.fixed(datetime(2026, 3, 1, 9, 0, tzinfo=LONDON).replace(minute=n % 60,
                                                                              second=n // 60)):
                audit.record("staff.viewed_child" if n % 3 else "sign_in",
                             actor_id=people[n % len(people)].id if n % 7 else None,
                             child_id=children[n % len(children)].id if n % 3 else None,
                             subject=f"e{n}")
                db.session().flush()
        db.session().commit()


def test_the_trail_costs_the_same_queries_for_5_or_150_events(app, make, team, signed_in):
    people = [make.account(Role.ISRO) for _ in range(6)] + [team.priya, team.jo]
    children = [make.child(8, sign_in=False, name=f"Kid{n}") for n in range(6)]
    children += [team.sam, team.leo]
    client = _manager(app, team, signed_in)
    _many_events(app, 5, people, children)
    client.get("/audit")
    with counting_queries(app) as few:
        assert client.get("/audit").status_code == 200
    _clear_trail(app)
    _many_events(app, 150, people, children)
    with counting_queries(app) as many:
        page = client.get("/audit").get_data(as_text=True)
    assert "150 events" in page and "Page 1 of 2" in page
    assert len(_subjects(page)) == queries.PAGE_SIZE
    assert len(few) == len(many), (len(few), len(many))
