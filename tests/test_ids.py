"""Ids from anywhere (the path, the query string, a form) are checked: another child's
object is refused as not found, and no number, however odd, gives a 500."""
import re

import pytest

from portal.accounts.models import Role
from tests.helpers import post_form


@pytest.fixture
def two(make):
    isro = make.account(Role.ISRO, name="Priya Shah")
    sam = make.child(14, isro=isro, username="sam14", name="Sam")
    leo = make.child(11, isro=isro, username="leo11", name="Leo")
    sam_review, sam_letter = make.held_review(sam, days_ago=20)
    leo_review, leo_letter = make.held_review(leo, days_ago=20)
    leo_thing = make.picture(leo).id
    return {"isro": isro, "sam": sam, "leo": leo, "sam_review": sam_review,
            "leo_review": leo_review, "leo_letter": leo_letter, "sam_letter": sam_letter,
            "leo_thing": leo_thing}


def test_a_bundle_for_one_child_cannot_print_another_childs_review(two, signed_in):
    isro = signed_in(two["isro"])
    sam = two["sam"].id
    assert isro.get(f"/children/{sam}/bundle.pdf?review={two['sam_review']}").status_code == 200
    refused = isro.get(f"/children/{sam}/bundle.pdf?review={two['leo_review']}")
    assert refused.status_code == 404 and b"%PDF" not in refused.data


def test_marking_read_cannot_reach_another_childs_submission(two, signed_in):
    isro = signed_in(two["isro"])
    sam = two["sam"].id
    response = post_form(isro, f"/children/{sam}/mark-read",
                         {"submission": str(two["leo_thing"])}, page=f"/children/{sam}")
    assert response.status_code == 404


def test_a_question_cannot_be_linked_to_another_childs_letter(app, two):
    from tests.helpers import sign_in

    kid = app.test_client()
    sign_in(kid, "sam14")
    sam = two["sam"].id
    assert kid.get(f"/messages/about/{sam}?letter={two['sam_letter']}").status_code == 200
    assert kid.get(f"/messages/about/{sam}?letter={two['leo_letter']}").status_code == 404


@pytest.mark.parametrize("value", ["9" * 20, str(2**63), str(2**31), "²", "-1", "0", "1e3",
                                   "abc", "٣" * 30, " ", "1;2"])
def test_odd_ids_in_the_query_string_are_refused_or_ignored_never_a_500(two, signed_in, value):
    isro = signed_in(two["isro"])
    response = isro.get(f"/children/{two['sam'].id}/bundle.pdf?review={value}")
    assert response.status_code in (200, 404)  # blank is "no review given"; junk is 404
    if value.strip():
        assert response.status_code == 404


def test_every_id_in_a_path_beyond_what_the_database_holds_is_a_404(app, two, signed_in):
    clients = {Role.ISRO: signed_in(two["isro"]), Role.MANAGER: signed_in(Role.MANAGER)}
    huge = str(2**63)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not any(type(c).__name__ == "IdConverter" for c in rule._converters.values()):
            continue
        path = re.sub(r"<int:\w+>", huge, rule.rule)
        path = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", path)
        path = re.sub(r"<\w+>", "x", path)
        for client in clients.values():
            method = "GET" if "GET" in rule.methods else "POST"
            response = client.open(path, method=method)
            assert response.status_code in (404, 405), (path, response.status_code)
            checked += 1
    assert checked > 60  # about 35 routes take an id


@pytest.mark.parametrize("query", ["from=9999-12-31&to=9999-12-31", "from=0001-01-01",
                                   "to=2026-02-31", "from=٢٠٢٦-٠٤-٠١&to=٢٠٢٧-٠٣-٣١", "year=²",
                                   "year=99999999999999999999"])
def test_odd_dates_and_years_in_reports_fall_back_not_fail(signed_in, query):
    manager = signed_in(Role.MANAGER)
    for path in ("/reports/", "/reports/903", "/reports/reviews-by-month.csv"):
        response = manager.get(f"{path}?{query}")
        assert response.status_code in (200, 404), (path, response.status_code)


def test_arabic_digits_in_a_report_date_are_read(signed_in):
    manager = signed_in(Role.MANAGER)
    page = manager.get("/reports/?from=٢٠٢٥-٠٤-٠١&to=٢٠٢٦-٠٣-٣١").get_data(as_text=True)
    assert 'value="2025-04-01"' in page


def test_a_page_number_in_any_digits_and_junk_lock_versions_are_fine(two, signed_in):
    isro = signed_in(two["isro"])
    assert isro.get("/caseload?page=٢").status_code == 200
    assert isro.get("/caseload?page=²").status_code == 200
    letter = f"/reviews/{two['sam_review']}/letter"
    response = post_form(isro, letter, {"told_me": "Hello", "lock_version": "abc"})
    assert response.status_code == 200
    assert "changed since you opened it" in response.get_data(as_text=True).lower() or \
        "someone else" in response.get_data(as_text=True).lower()
