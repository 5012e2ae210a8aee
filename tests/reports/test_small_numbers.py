"""Counts from 1 to 4 can identify a child: hidden in every CSV, and on the page unless the
manager turns it off. 0 stays 0."""
import re
from datetime import datetime

from portal import clock, db
from portal.accounts.models import Role
from portal.clock import LONDON
from portal.reports import suppress
from portal.reports.tables import Table
from tests.helpers import post_form

SENT = datetime(2026, 5, 12, 11, 0, tzinfo=LONDON)
RANGE = {"from": "2026-04-01", "to": "2027-03-31"}
QUERY = "?from=2026-04-01&to=2027-03-31"


def _one_tigrinya_poem(app, make) -> None:
    from portal.consultations import operations as sent

    child = make.child(14, isro=make.account(Role.ISRO), name="Selam", language="ti")
    with app.app_context(), clock.fixed(SENT):
        child = db.session().merge(child)
        sent.add_poem(child, child.account, "My home", "I like football.", "isro", "ti")
        db.session().commit()


def _cell(page: str, label: str) -> str:
    """The first count shown in the report row labelled ``label``."""
    found = re.search(rf'<th scope="row">{label}</th><td>([^<]*)</td>', page)
    assert found, f"no row {label}"
    return found.group(1)


def test_one_tigrinya_speaking_child_is_fewer_than_5_in_the_csv(app, make, signed_in):
    _one_tigrinya_poem(app, make)
    manager = signed_in(Role.MANAGER)
    lines = manager.get(f"/reports/by-language.csv{QUERY}").get_data(as_text=True).splitlines()
    assert lines == ["Language,Submissions,Share", "ti,fewer than 5,hidden",
                     "Total,fewer than 5,hidden"]
    by_age = manager.get(f"/reports/by-age.csv{QUERY}").get_data(as_text=True).splitlines()
    assert "under 4,0,0%" in by_age and "13-15,fewer than 5,hidden" in by_age  # 0 stays 0


def test_the_page_hides_it_by_default_and_shows_it_when_the_toggle_is_off(app, make,
                                                                         signed_in):
    _one_tigrinya_poem(app, make)
    manager = signed_in(Role.MANAGER)
    page = manager.get(f"/reports/{QUERY}").get_data(as_text=True)
    assert _cell(page, "ti") == "fewer than 5" and _cell(page, "under 4") == "0"
    assert 'name="hide" type="checkbox" value="y" checked' in page or re.search(
        r'<input[^>]*checked[^>]*name="hide"|<input[^>]*name="hide"[^>]*checked', page)
    assert ">1</text>" not in page  # nor in a chart's label
    off = post_form(manager, "/reports/small-numbers", RANGE, page=f"/reports/{QUERY}")
    assert off.status_code == 302 and "from=2026-04-01" in off.headers["Location"]
    shown = manager.get(f"/reports/{QUERY}").get_data(as_text=True)
    assert _cell(shown, "ti") == "1" and _cell(shown, "under 4") == "0"
    # A file still leaves the team with the small number hidden.
    csv = manager.get(f"/reports/by-language.csv{QUERY}").get_data(as_text=True)
    assert "ti,fewer than 5,hidden" in csv
    post_form(manager, "/reports/small-numbers", {**RANGE, "hide": "y"},
              page=f"/reports/{QUERY}")
    assert _cell(manager.get(f"/reports/{QUERY}").get_data(as_text=True), "ti") == \
        "fewer than 5"


def test_the_toggle_is_for_managers(app, signed_in):
    isro = signed_in(Role.ISRO)
    assert post_form(isro, "/reports/small-numbers", {}, page="/settings").status_code == 403


def test_the_rule_hides_small_counts_and_the_shares_worked_out_from_them():
    assert suppress.row(["2026-04", 10, 3, "30%"]) == ["2026-04", 10, "fewer than 5", "hidden"]
    assert suppress.row(["2026-05", 3, 3, "100%"]) == ["2026-05", "fewer than 5",
                                                       "fewer than 5", "hidden"]
    assert suppress.row(["PN1", 0, "0%"]) == ["PN1", 0, "0%"]
    assert suppress.row(["PN2", 5, "50%"]) == ["PN2", 5, "50%"]
    assert suppress.row(["Total", 0, "–"]) == ["Total", 0, "–"]
    table = suppress.table(Table("t", "T", ["a", "n", "share"], [["x", 4, "40%"], ["y", 6, "60%"],
                                                                 ["Total", 10, "100%"]],
                                 chart=[("x", 4), ("y", 6)]), fewer="<5", hidden="-")
    assert table.rows == [["x", "<5", "-"], ["y", 6, "60%"], ["Total", 10, "100%"]]
    assert table.chart == [("x", "<5"), ("y", 6)]
