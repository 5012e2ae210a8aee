"""An ISRO's day with 70 children: a menu on every staff page, the caseload with what
each child needs, everything new in one place, and the reviews of the next 8 weeks — each
in a fixed number of queries."""
import csv
import io
import re

from portal.accounts.models import Role
from tests.casework.test_caseload import counting_queries
from tests.helpers import post_form


def _caseload(make, isro, children: int, prefix: str = "kid"):
    made = []
    for n in range(children):
        child = make.child(8 + n % 9, isro=isro, username=f"{prefix}{n}",
                           name=f"{prefix.capitalize()}{n:02d}")
        if n % 4 == 0:
            make.message(child, f"hello from {n}")
        if n % 5 == 0:
            make.picture(child)
        made.append(child)
    return made


def test_every_staff_page_has_the_menu_and_no_childrens_footer(app, make, signed_in):
    isro = signed_in(make.account(Role.ISRO))
    for path in ("/caseload", "/new", "/inbox", "/safety", "/reviews/next-8-weeks"):
        page = isro.get(path).get_data(as_text=True)
        menu = re.search(r'<nav class="staff-menu".*?</nav>', page, re.S).group()
        for wanted in ("/caseload", "/new", "/inbox", "/safety", "/reviews/next-8-weeks"):
            assert f'href="{wanted}"' in menu, (path, wanted)
        assert 'href="/reports/"' not in menu  # managers only
        assert "Childline is free" not in page.split("</main>")[1]
        assert 'aria-current="page"' in menu
    manager = signed_in(make.account(Role.MANAGER)).get("/caseload").get_data(as_text=True)
    assert 'href="/reports/"' in manager and 'href="/people"' in manager


def test_the_caseload_shows_what_each_child_needs_and_downloads_as_csv(app, make, signed_in):
    isro_account = make.account(Role.ISRO)
    kids = _caseload(make, isro_account, 6)
    make.held_review(kids[1], days_ago=30)
    make.held_review(kids[2], days_ago=30)
    make.picture(kids[1])  # sent for the review after the one just held
    isro = signed_in(isro_account)
    page = isro.get("/caseload").get_data(as_text=True)
    assert "No contact recorded" in page and "No views sent for it yet" in page  # Kid02
    assert "1 thing sent for it" in page  # Kid01
    response = isro.get("/caseload.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 6 and {r["preferred_name"] for r in rows} == {f"Kid0{n}" for n in range(6)}
    assert rows[0].keys() >= {"next_review_due", "booked", "views_received", "last_contact",
                              "new_items", "unread_messages", "open_flags"}


def test_a_name_that_looks_like_a_formula_is_made_harmless_in_the_csv(app, make, signed_in):
    isro_account = make.account(Role.ISRO)
    make.child(9, isro=isro_account, name="=HYPERLINK(\"http://evil\")")
    rows = signed_in(isro_account).get("/caseload.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in rows


def test_new_across_the_caseload_with_previews_and_mark_all_read(app, make, signed_in):
    isro_account = make.account(Role.ISRO)
    kids = _caseload(make, isro_account, 8)
    isro = signed_in(isro_account)
    page = isro.get("/new").get_data(as_text=True)
    assert "hello from 4" in page and "Kid04" in page
    assert page.count('name="child"') == len({0, 4, 5})  # Kid00, Kid04 (message), Kid05 (picture)
    post_form(isro, "/new/mark-read", {"child": str(kids[4].id)}, page="/new")
    page = isro.get("/new").get_data(as_text=True)
    assert "hello from 4" not in page and "hello from 0" in page
    post_form(isro, "/new/mark-read", {"all": "1"}, page="/new")
    assert "Nothing new" in isro.get("/new").get_data(as_text=True)


def test_the_next_8_weeks_lists_reviews_with_bookings_and_views(app, make, signed_in):
    isro_account = make.account(Role.ISRO)
    kid = make.child(12, isro=isro_account, name="Sam")
    make.held_review(kid, days_ago=60)  # the next is due 3 months on: in about 4 weeks
    make.picture(kid)
    page = signed_in(isro_account).get("/reviews/next-8-weeks").get_data(as_text=True)
    assert "Sam" in page and "Not booked" in page and "1 thing sent" in page


def test_caseload_new_and_calendar_cost_the_same_queries_for_7_or_70_children(app, make,
                                                                              signed_in):
    isro_account = make.account(Role.ISRO)
    _caseload(make, isro_account, 7)
    isro = signed_in(isro_account)
    paths = ("/caseload", "/new", "/reviews/next-8-weeks")
    for path in paths:
        isro.get(path)
    few = {}
    for path in paths:
        with counting_queries(app) as queries:
            assert isro.get(path).status_code == 200
        few[path] = len(queries)
    more = make.account(Role.ISRO)  # another ISRO's children must not change the count
    _caseload(make, more, 3, prefix="other")
    for n in range(63):
        child = make.child(8 + n % 9, isro=isro_account, username=f"more{n}", name=f"More{n}")
        if n % 3 == 0:
            make.message(child, "more news")
    for path in paths:
        with counting_queries(app) as queries:
            assert isro.get(path).status_code == 200
        assert len(queries) == few[path], (path, few[path], len(queries))
