"""The service tables of the annual report, compared with counts worked out here from the
data the test builds: caseloads per ISRO with FTE, late reviews by reason, advocates,
challenges, minutes within 20 working days across Christmas, ISRO visits and contacts."""
import csv
import io
import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import audit, clock, db
from portal.accounts.models import Account, Child, Link, LinkKind, Role
from portal.casework.models import OUTCOMES, STAGES, THEMES, Challenge, Contact, ContactHow
from portal.clock import LONDON
from portal.reports import service
from portal.reviews.models import Letter, Review
from tests.helpers import post_form

START, END = date(2025, 4, 1), date(2026, 3, 31)
QUERY = "?from=2025-04-01&to=2026-03-31"
REASONS = ("social_worker", "placement", "booking_error", "isro", "other")
# England and Wales bank holidays around the letters' deadline, written out by hand.
HOLIDAYS = {date(2025, 12, 25), date(2025, 12, 26), date(2026, 1, 1)}


def _working_days_after(start: date, days: int) -> date:
    day = start
    while days:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in HOLIDAYS:
            days -= 1
    return day


def _rows(table) -> dict:
    return {str(row[0]): row[1:] for row in table.rows}


def _isro(name: str, fte: str | None, *, active: bool = True) -> Account:
    account = Account(username=name.lower().replace(" ", "."), role=Role.ISRO,
                      display_name=name, active=active,
                      fte=None if fte is None else Decimal(fte))
    db.session().add(account)
    return account


def _child(n: int, isro: Account | None, *, since: date = date(2024, 6, 1),
           ceased: date | None = None) -> Child:
    child = Child(preferred_name=f"Child {n}", date_of_birth=date(2012, 1, 1) +
                  timedelta(days=n), looked_after_since=since, ceased_on=ceased,
                  isro=isro, needs=[])
    db.session().add(child)
    return child


@pytest.fixture
def year(app):
    """A year of a small service, and what each table should say, counted here."""
    rng = random.Random(17)
    expected: dict = {}
    with app.app_context():
        ann = _isro("Ann Isro", "1.0")
        bea = _isro("Bea Isro", "0.5")
        cal = _isro("Cal Isro", None)
        _isro("Dee Left", "1.0", active=False)  # no children: not in the table
        advocate = Account(username="adv", role=Role.ADVOCATE, display_name="Advocate")
        db.session().add(advocate)
        children = []
        # Ann: 55 looked after on 31 March, 2 ceased before it, 1 ceased on the day,
        # 1 not looked after until after the period.
        for n in range(55):
            children.append(_child(n, ann))
        for n in range(55, 57):
            children.append(_child(n, ann, ceased=date(2026, 2, 1)))
        children.append(_child(57, ann, ceased=END))
        late_starter = _child(58, ann, since=date(2026, 5, 1))
        for n in range(59, 99):
            children.append(_child(n, bea))
        for n in range(99, 105):
            children.append(_child(n, cal))
        ceased_before = _child(105, None, since=date(2023, 1, 1), ceased=date(2025, 3, 1))
        db.session().flush()
        expected["caseloads"] = {"Ann Isro": [55, "1.00", "55.0", "Within"],
                                 "Bea Isro": [40, "0.50", "80.0", "Above"],
                                 "Cal Isro": [6, "–", "–", "FTE not set"],
                                 "Total": [101, "1.50", f"{95 / 1.5:.1f}", "Within"]}
        in_period = children  # the late starter and the one ceased before do not count

        # Reviews: on time, late with each reason, late with no reason (imported), and a
        # late one held before the period.
        late = Counter()
        for i, child in enumerate(children):
            due = START + timedelta(days=rng.randrange(0, 330))
            if i % 3 == 0:
                held, reason = due - timedelta(days=2), None
            else:
                held = due + timedelta(days=rng.randrange(1, 20))
                reason = rng.choice((*REASONS, None))
                late[reason] += 1
            db.session().add(Review(child_id=child.id, due_on=due, held_on=held,
                                    late_reason=reason, late_note="Room double-booked"
                                    if reason == "other" else None))
        db.session().add(Review(child_id=children[0].id, due_on=date(2025, 3, 1),
                                held_on=date(2025, 3, 20), late_reason="placement"))
        expected["late"] = late

        # Advocates: a link overlapping the period counts; one ended before it or starting
        # after it does not; a child looked after outside the period never counts.
        with_advocate = set()
        for child in children[::4]:
            db.session().add(Link(kind=LinkKind.ADVOCATE, account_id=advocate.id,
                                  child_id=child.id, starts_on=date(2025, 1, 1),
                                  ends_on=date(2025, 4, 1)))
            with_advocate.add(child.id)
        for child in children[1::10]:
            db.session().add(Link(kind=LinkKind.ADVOCATE, account_id=advocate.id,
                                  child_id=child.id, starts_on=date(2024, 1, 1),
                                  ends_on=date(2025, 3, 31)))
            db.session().add(Link(kind=LinkKind.CARER, account_id=advocate.id,
                                  child_id=child.id, starts_on=date(2025, 5, 1)))
        for child in children[2::10]:
            db.session().add(Link(kind=LinkKind.ADVOCATE, account_id=advocate.id,
                                  child_id=child.id, starts_on=date(2026, 4, 1)))
        for child in (late_starter, ceased_before):
            db.session().add(Link(kind=LinkKind.ADVOCATE, account_id=advocate.id,
                                  child_id=child.id, starts_on=date(2024, 1, 1)))
        expected["advocates"] = (len(with_advocate), len(in_period))

        # Challenges, some raised outside the period.
        raised = []
        for _n in range(80):
            child = rng.choice(children)
            on = START + timedelta(days=rng.randrange(-60, 425))
            row = (rng.choice(THEMES), rng.choice(STAGES), rng.choice(OUTCOMES))
            db.session().add(Challenge(child_id=child.id, raised_on=on, theme=row[0],
                                       concern="A concern", stage=row[1], outcome=row[2]))
            if START <= on <= END:
                raised.append(row)
        expected["challenges"] = raised

        # Visits and contacts, some outside the period.
        contacts = []
        for _n in range(150):
            child = rng.choice(children + [late_starter])
            on = START + timedelta(days=rng.randrange(-30, 395))
            how = rng.choice(list(ContactHow))
            db.session().add(Contact(child_id=child.id, on=on, how=how))
            if START <= on <= END:
                contacts.append((child.id, how.value))
        expected["contacts"] = contacts
        expected["contacted"] = ({c for c, _how in contacts} & {c.id for c in in_period},
                                 len(in_period))
        db.session().commit()
    return expected


def test_each_isro_caseload_is_counted_on_the_last_day_against_the_guidance(app, year):
    with app.app_context():
        table = service.caseloads(START, END)
    assert _rows(table) == year["caseloads"]
    assert [str(column) for column in table.columns] == [
        "ISRO", "Children", "FTE", "Children per FTE", "Against the guidance of 50 to 70"]


def test_late_reviews_are_counted_by_the_reason_recorded(app, year):
    with app.app_context():
        table = service.late_reviews(START, END)
    late = year["late"]
    total = sum(late.values())
    labels = {"social_worker": "Change of social worker", "placement": "Change of placement",
              "booking_error": "Booking error", "isro": "Change of ISRO", "other": "Other",
              None: "Reason not recorded"}
    assert _rows(table) == {
        **{label: [late[key], f"{100 * late[key] / total:.0f}%"]
           for key, label in labels.items()},
        "Total": [total, "100%"]}


def test_children_with_an_advocate_at_any_point_in_the_period(app, year):
    with app.app_context():
        rows = _rows(service.advocates(START, END))
    linked, total = year["advocates"]
    assert rows["With an advocate"][0] == linked
    assert rows["Without an advocate"][0] == total - linked
    assert rows["Total"] == [total, "100%"]
    assert rows["With an advocate"][1] == f"{100 * linked / total:.0f}%"


def test_challenges_raised_in_the_period_by_theme_stage_and_outcome(app, year):
    with app.app_context():
        by_theme, by_stage, by_outcome = service.challenges(START, END)
    raised = year["challenges"]
    for table, index in ((by_theme, 0), (by_stage, 1), (by_outcome, 2)):
        counts = Counter(row[index] for row in raised)
        assert [row[1] for row in table.rows[:-1]] == [
            counts[k] for k in (THEMES, STAGES, OUTCOMES)[index]]
        assert table.rows[-1][:2] == ["Total", len(raised)]
    assert [str(row[0]) for row in by_stage.rows] == ["Informal", "Formal", "Escalated",
                                                      "Total"]


def test_visits_and_contacts_by_kind_and_the_children_with_one(app, year):
    with app.app_context():
        by_kind, children = service.contacts(START, END)
    counts = Counter(how for _child, how in year["contacts"])
    assert {str(k): v[0] for k, v in _rows(by_kind).items()} == {
        "Visit": counts["visit"], "Phone call": counts["phone"], "Video call": counts["video"],
        "Message": counts["message"], "Other": counts["other"],
        "Total": len(year["contacts"])}
    seen, total = year["contacted"]
    rows = _rows(children)
    assert rows["At least one visit or contact"][0] == len(seen)
    assert rows["No visit or contact"][0] == total - len(seen)


def _held_with_letter(child_id: int, held: date, sent: date | None, *,
                      letter: bool = True) -> None:
    review = Review(child_id=child_id, due_on=held, held_on=held)
    db.session().add(review)
    db.session().flush()
    if letter:
        db.session().add(Letter(
            review_id=review.id, child_id=child_id, sections={}, actions=[],
            deadline_on=held, first_published_at=None if sent is None else
            datetime.combine(sent, time(16, 30), LONDON)))


def test_minutes_within_20_working_days_count_christmas_and_new_year_as_holidays(app):
    held = date(2025, 12, 10)
    day_19, day_20, day_21 = (_working_days_after(held, n) for n in (19, 20, 21))
    assert (day_19, day_20, day_21) == (date(2026, 1, 9), date(2026, 1, 12), date(2026, 1, 13))
    with app.app_context():
        child = _child(1, None)
        db.session().flush()
        for sent in (day_19, day_20, day_19, day_21, None):
            _held_with_letter(child.id, held, sent)
        _held_with_letter(child.id, held, None, letter=False)  # no letter started
        _held_with_letter(child.id, date(2025, 3, 3), date(2025, 3, 4))  # before the period
        db.session().commit()
        rows = _rows(service.minutes_on_time(START, END))
    assert rows == {"Sent within 20 working days": [3, "50%"], "Sent later": [1, "17%"],
                    "Not sent yet": [2, "33%"], "Total": [6, "100%"]}


def test_the_reports_page_shows_the_service_tables_and_each_has_a_csv(app, year, signed_in):
    manager = signed_in(Role.MANAGER)
    page = manager.get(f"/reports/{QUERY}").get_data(as_text=True)
    for title in ("Caseload per ISRO", "Late reviews by reason", "Children with an advocate",
                  "Challenges by stage", "Minutes sent within 20 working days",
                  "ISRO visits and contacts between reviews"):
        assert f">{title}</h3>" in page
    with app.app_context():
        keys = [t.key for t in service.service_tables(START, END)]
    for key in keys:
        response = manager.get(f"/reports/{key}.csv{QUERY}")
        assert response.status_code == 200, key
        assert response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(manager.get(
        f"/reports/service-caseloads.csv{QUERY}").get_data(as_text=True))))
    assert lines[0] == ["ISRO", "Children", "FTE", "Children per FTE",
                        "Against the guidance of 50 to 70"]
    assert lines[1] == ["Ann Isro", "55", "1.00", "55.0", "Within"]


def test_small_numbers_are_hidden_in_a_service_csv(app, signed_in):
    with app.app_context():
        child = _child(1, None)
        db.session().flush()
        db.session().add(Contact(child_id=child.id, on=date(2025, 6, 1), how=ContactHow.VISIT))
        db.session().commit()
    manager = signed_in(Role.MANAGER)
    lines = manager.get(f"/reports/service-contacts.csv{QUERY}").get_data(
        as_text=True).splitlines()
    assert lines[1] == "Visit,fewer than 5,hidden"
    assert lines[2] == "Phone call,0,0%"


# The record form asks why a late review was late.

def _review(app, make, *, due: date) -> tuple[int, int]:
    isro = make.account(Role.ISRO)
    child = make.child(12, isro=isro)
    with app.app_context():
        review = Review(child_id=child.id, due_on=due)
        db.session().add(review)
        db.session().commit()
        return review.id, isro


def _record(client, review_id: int, held: date, **extra):
    return post_form(client, f"/reviews/{review_id}/record", {
        "held_on": held.isoformat(), "child_attended": "yes", "code": "PN1", **extra})


def test_a_late_review_cannot_be_recorded_without_a_reason(app, make, signed_in):
    review_id, isro = _review(app, make, due=date.today() - timedelta(days=10))
    client = signed_in(isro)
    response = _record(client, review_id, date.today() - timedelta(days=3),
                       attended="Sam, carer")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "Choose why it was late" in page
    assert "Sam, carer" in page  # what was typed is kept
    with app.app_context():
        assert db.session().get(Review, review_id).held_on is None


def test_other_needs_a_note_and_the_reason_is_saved(app, make, signed_in):
    review_id, isro = _review(app, make, due=date.today() - timedelta(days=10))
    client = signed_in(isro)
    held = date.today() - timedelta(days=3)
    page = _record(client, review_id, held, late_reason="other").get_data(as_text=True)
    assert "Say why the review was late" in page
    response = _record(client, review_id, held, late_reason="other",
                       late_note="The school closed for snow")
    assert response.status_code == 302
    with app.app_context():
        review = db.session().get(Review, review_id)
        assert (review.held_on, review.late_reason, review.late_note) == (
            held, "other", "The school closed for snow")


def test_a_review_held_on_time_keeps_no_late_reason(app, make, signed_in):
    review_id, isro = _review(app, make, due=date.today() - timedelta(days=1))
    client = signed_in(isro)
    response = _record(client, review_id, date.today() - timedelta(days=1),
                       late_reason="placement")
    assert response.status_code == 302
    with app.app_context():
        assert db.session().get(Review, review_id).late_reason is None


# The manager sets a staff member's FTE on the People page.

def test_a_manager_sets_an_isros_fte_and_it_is_audited(app, make, signed_in):
    isro = make.account(Role.ISRO, name="Ivy Isro")
    manager = signed_in(Role.MANAGER)
    response = post_form(manager, f"/people/{isro.id}/fte", {f"fte-{isro.id}-fte": "0,6"},
                         page="/people")
    assert response.status_code == 302
    with app.app_context():
        assert db.session().get(Account, isro.id).fte == Decimal("0.60")
        events = db.session().scalars(select(audit.AuditEvent).where(
            audit.AuditEvent.action == "account.fte_set")).all()
        assert [e.detail["fte"] for e in events] == ["0.60"]
    assert 'value="0.60"' in manager.get("/people").get_data(as_text=True)


def test_an_fte_that_is_not_a_number_is_refused_and_kept(app, make, signed_in):
    isro = make.account(Role.ISRO)
    manager = signed_in(Role.MANAGER)
    response = post_form(manager, f"/people/{isro.id}/fte", {f"fte-{isro.id}-fte": "lots"},
                         page="/people")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error:" in page
    assert "Enter a number from 0.1 to 1.0, for example 0.6" in page
    assert 'value="lots"' in page
    with app.app_context():
        assert db.session().get(Account, isro.id).fte is None


def test_a_childs_fte_cannot_be_set(app, make, signed_in):
    child = make.child(12)
    manager = signed_in(Role.MANAGER)
    response = post_form(manager, f"/people/{child.account.id}/fte",
                         {f"fte-{child.account.id}-fte": "1"}, page="/people")
    assert response.status_code == 404


def test_the_clock_does_not_change_the_tables(app, year):
    with app.app_context(), clock.fixed(datetime(2030, 1, 1, 12, tzinfo=LONDON)):
        assert _rows(service.caseloads(START, END)) == year["caseloads"]


# The review tables were made faster (age bands worked out in the database from the day
# each child turned 4, 8, 13, 16 and 18): the figures must be those of the (month, day)
# rule, on both sides of every birthday, 29 February included.

BIRTHDAYS = {date(2012, 6, 10): ("2025-06-09 23:30", "2025-06-10 00:30"),
             date(2008, 2, 29): ("2026-02-28 12:00", "2026-03-01 09:00", "2021-02-28 10:00",
                                 "2021-03-01 10:00"),
             date(2013, 2, 28): ("2021-02-27 23:59", "2021-02-28 00:00"),
             date(2020, 2, 29): ("2024-02-28 18:00", "2024-02-29 06:00"),
             date(2009, 12, 31): ("2025-12-30 23:00", "2025-12-31 01:00"),
             date(2007, 5, 1): ("2025-04-30 22:00", "2025-05-01 00:00")}


def test_submissions_fall_in_the_age_band_of_the_day_they_were_sent(app):
    from portal.consultations.models import Submission
    from portal.reports import tables

    expected = Counter()
    with app.app_context():
        for n, (born, times) in enumerate(BIRTHDAYS.items()):
            child = Child(preferred_name=f"B{n}", date_of_birth=born, needs=[],
                          looked_after_since=date(2020, 1, 1))
            db.session().add(child)
            db.session().flush()
            for when in times:
                sent = datetime.fromisoformat(when).replace(tzinfo=UTC)
                db.session().add(Submission(child_id=child.id, kind="picture", status="sent",
                                            visibility="isro", answers={}, language="en",
                                            sent_at=sent, created_at=sent, updated_at=sent))
                age = sent.year - born.year - ((sent.month, sent.day) < (born.month, born.day))
                expected[next(name for name, low, high in tables.AGE_BANDS
                              if low <= age <= high)] += 1
        db.session().commit()
        by_age = tables.submissions(date(2020, 1, 1), date(2026, 12, 31))[2]
    assert {row[0]: row[1] for row in by_age.rows[:-1]} == {
        name: expected[name] for name, _low, _high in tables.AGE_BANDS}
    assert expected == {"under 4": 1, "4-7": 2, "8-12": 3, "13-15": 3, "16-17": 3, "18+": 2}
