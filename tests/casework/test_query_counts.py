"""The caseload and "new across my caseload" cost a fixed number of queries: the same for
an ISRO with 10 children as with 40 (issue 15, item 8), on SQLite and PostgreSQL alike.

Every child has what makes a row or an entry costly: a message (unread), and by turns a
picture sent (new), a review held with its letter not yet published (a letter due, a next
review, views counted since), a contact recorded and a safety flag."""
from datetime import date, timedelta

import pytest

from portal import db
from portal.accounts.models import Role
from portal.casework import operations
from tests.casework.test_caseload import counting_queries
from tests.helpers import post_form

# Per request, signing in included (the session, with its account: 1), and the safety
# banner on every staff page (1):
# /caseload: the rows with every figure and the total, their next reviews, the letters
#   due (3), the Messages panel's inbox (3): 8.
# /caseload.csv: the rows, their next reviews, the letters due (3), the audit event (1),
#   no banner: 5.
# /new: what was sent, with its children and who entered it; the messages, with their
#   conversations, children and authors; "This hasn't happened" on My plan, with its
#   action and child (3); the audit events (1): 6.
EXPECTED = {"/caseload": 8, "/caseload.csv": 5, "/new": 6}


def _add_children(make, isro, first: int, last: int) -> None:
    for n in range(first, last):
        child = make.child(8 + n % 9, isro=isro, username=f"kid{n}", name=f"Kid{n:02d}")
        make.message(child, "I am scared" if n % 5 == 0 else f"hello from {n}")
        if n % 2 == 0:
            make.picture(child)
        if n % 3 == 0:
            make.held_review(child, days_ago=20, publish=False)
        if n % 4 == 0:
            with make.app.app_context():
                operations.record_contact(db.session().merge(child), db.session().merge(isro),
                                          on=date.today() - timedelta(days=n), how="visit",
                                          note="")
                db.session().commit()


def _counts(app, client) -> dict[str, int]:
    found = {}
    for path in EXPECTED:
        client.get(path)  # anything done once (a translation catalogue, a cache) is done
        with counting_queries(app) as statements:
            assert client.get(path).status_code == 200, path
        found[path] = len(statements)
    return found


@pytest.mark.parametrize("sort", ["flags", "due", "new", "contact", "name"])
def test_the_caseload_and_new_cost_the_same_for_10_or_40_children(app, make, signed_in,
                                                                  sort):
    isro_account = make.account(Role.ISRO)
    _add_children(make, isro_account, 0, 10)
    isro = signed_in(isro_account)
    post_form(isro, "/caseload/filter", {"sort": sort}, page="/caseload")
    few = _counts(app, isro)
    other = make.account(Role.ISRO)  # another caseload must not change the count either
    make.child(10, isro=other, username="other0", name="Other")
    _add_children(make, isro_account, 10, 40)
    more = _counts(app, isro)
    assert few == more == EXPECTED, (few, more)
    page = isro.get("/caseload").get_data(as_text=True)
    assert page.count('<li class="case') == 40 and page.count("Letter due") == 14
    assert page.count("1 safety flag") == 8
    assert isro.get("/new").get_data(as_text=True).count('name="child"') == 40

