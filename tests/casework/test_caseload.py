"""The ISRO workspace: caseload, timeline, visits, challenges, export, manager's tools."""
import re
from contextlib import contextmanager

from sqlalchemy import event, select

from portal import db
from portal.accounts.models import Role
from portal.audit import AuditEvent
from tests.helpers import png_bytes, post_form, sign_in


def _as(app, username):
    client = app.test_client()
    sign_in(client, username)
    return client


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


def _ids(html):
    return dict((name, int(cid)) for cid, name in
                re.findall(r'href="/children/(\d+)"><bdi>(\w+)</bdi>', html))


def test_the_demo_caseload_shows_review_status_flags_and_letters(app, demo, make):
    isro = _as(app, "isro.demo")
    page = isro.get("/caseload").get_data(as_text=True)
    assert set(_ids(page)) == {"Sam", "Mia", "Amir", "Ruby"}
    amir = page.split("Amir</bdi>")[1].split("</li>")[0]
    assert "Overdue" in amir
    assert "new things sent" in page.split("Sam</bdi>")[1].split("</li>")[0]
    post_form(isro, "/caseload/filter", {"status": "overdue"}, page="/caseload")
    overdue = isro.get("/caseload").get_data(as_text=True)
    assert set(_ids(overdue)) == {"Amir"}


def test_a_flagged_child_comes_first(app, demo, make):
    from portal.accounts.models import Child

    with app.app_context():
        ruby_sibling = db.session().scalars(select(Child).where(
            Child.preferred_name == "Mia")).one()
    make.message(ruby_sibling, "I am scared")
    page = _as(app, "isro.demo").get("/caseload").get_data(as_text=True)
    # Mia, and Amir whose demo message raised a flag, before Sam and Ruby.
    assert set(list(_ids(page))[:2]) == {"Mia", "Amir"}
    assert page.count("1 safety flag") == 2


def test_the_caseload_costs_the_same_queries_for_3_or_30_children(app, make):
    isro = make.account(Role.ISRO)
    for n in range(3):
        make.child(10, isro=isro, username=f"few{n}")
    client = app.test_client()
    sign_in(client, isro)
    client.get("/caseload")
    with counting_queries(app) as few:
        assert client.get("/caseload").status_code == 200
    for n in range(27):
        child = make.child(10 + n % 6, isro=isro, username=f"many{n}")
        if n % 3 == 0:
            make.message(child, "hello")
    with counting_queries(app) as many:
        assert client.get("/caseload").status_code == 200
    assert len(few) == len(many), (len(few), len(many))


def test_reports_cost_the_same_queries_whatever_the_data(app, make, demo):
    client = _as(app, "manager.demo")
    with counting_queries(app) as before:
        client.get("/reports/")
    isro = make.account(Role.ISRO)
    for n in range(10):
        make.held_review(make.child(8, isro=isro, sign_in=False, name=f"Extra{n}"))
    with counting_queries(app) as after:
        client.get("/reports/")
    assert len(before) == len(after)


def test_timeline_mark_read_record_a_visit_and_a_challenge(app, demo):
    isro = _as(app, "isro.demo")
    sam = _ids(isro.get("/caseload").get_data(as_text=True))["Sam"]
    page = isro.get(f"/children/{sam}").get_data(as_text=True)
    assert "Mark 2 new things as read" in page
    post_form(isro, f"/children/{sam}/mark-read", {"all": "1"}, page=f"/children/{sam}")
    page = isro.get(f"/children/{sam}").get_data(as_text=True)
    assert "new things as read" not in page
    post_form(isro, f"/children/{sam}/contacts/new",
              {"on": "2026-11-20", "how": "visit", "note": "Saw Sam at school"})
    post_form(isro, f"/children/{sam}/challenges/new", {
        "raised_on": "2026-11-21", "theme": "drift_delay", "concern": "Plan for school is late",
        "raised_to": "Team manager", "stage": "formal", "outcome": "open"})
    page = isro.get(f"/children/{sam}").get_data(as_text=True)
    assert "Saw Sam at school" in page and "Challenge: drift delay" in page


def test_export_the_pdf_bundle_and_audit_it(app, demo):
    isro = _as(app, "isro.demo")
    sam = _ids(isro.get("/caseload").get_data(as_text=True))["Sam"]
    response = isro.get(f"/children/{sam}/bundle.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert len(response.data) > 10_000  # the drawing is embedded
    with app.app_context():
        actions = db.session().scalars(select(AuditEvent.action)).all()
    assert "staff.exported_bundle" in actions


def test_manager_reallocates_a_child_and_the_old_isro_loses_access(app, demo):
    manager = _as(app, "manager.demo")
    page = manager.get("/caseload").get_data(as_text=True)
    assert "Within 50 to 70" in page or "Under 50" in page
    sam = _ids(page)["Sam"]
    child_page = manager.get(f"/children/{sam}").get_data(as_text=True)
    other = re.search(r'<option value="(\d+)">Tom Evans</option>', child_page).group(1)
    post_form(manager, f"/children/{sam}/allocate", {"isro": other}, page=f"/children/{sam}")
    assert _as(app, "isro.demo").get(f"/children/{sam}").status_code == 404
    assert _as(app, "isro2.demo").get(f"/children/{sam}").status_code == 200


def test_manager_creates_suspends_and_reenables_accounts(app, demo):
    manager = _as(app, "manager.demo")
    response = post_form(manager, "/people/new", {"role": "carer", "name": "Ann Lee",
                                                  "username": "ann.lee"})
    assert "Setup code" in response.get_data(as_text=True)
    people = manager.get("/people?q=carer.demo").get_data(as_text=True)
    carer_id = re.search(r'/people/(\d+)/suspend', people).group(1)
    carer = _as(app, "carer.demo")
    post_form(manager, f"/people/{carer_id}/suspend", {}, page="/people")
    assert carer.get("/").status_code == 302
    post_form(manager, f"/people/{carer_id}/reenable", {}, page="/people")
    assert _as(app, "carer.demo").get("/").status_code == 200


def test_a_manager_can_page_through_many_children(app, make):
    isro = make.account(Role.ISRO)
    for n in range(75):  # a page holds a whole caseload of 70
        make.child(9, isro=isro, sign_in=False, name=f"Kid{n:02d}")
    manager = make.account(Role.MANAGER)
    client = app.test_client()
    sign_in(client, manager)
    post_form(client, "/caseload/filter", {"sort": "name"}, page="/caseload")
    first = client.get("/caseload").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Kid00" in first and "Kid74" not in first
    second = client.get("/caseload?page=2").get_data(as_text=True)
    assert "Kid74" in second
    response = post_form(client, "/caseload/filter", {"q": "kid07"}, page="/caseload")
    assert "kid07" not in response.headers["Location"]  # names stay out of addresses
    assert "Kid07" in client.get("/caseload").get_data(as_text=True)
    assert png_bytes()
