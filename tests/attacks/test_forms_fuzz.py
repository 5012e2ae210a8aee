"""Hostile input to every form, as every role: never a 500.

Hypothesis sends random and hostile text, huge fields, wrong types and missing CSRF
tokens to every POST route the URL map has.
"""
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.accounts.models import Role
from tests.helpers import csrf_token, sign_in

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "\x00", "../../etc/passwd",
                     "%(name)s", "{{ 7*7 }}", "\u202e\u202d", "🙂" * 50, "9" * 400,
                     "2025-02-31", "-1", "PN9", "null", "[]"]),
    st.just("x" * 20_000),
)


def _post_routes(app) -> list[str]:
    routes = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and rule.endpoint != "accounts.sign_out":
            values = {arg: 1 for arg in rule.arguments}
            if "variant" in rule.arguments:
                values["variant"] = "full"
            if "change" in rule.arguments:
                values["change"] = "suspend"
            if "question_id" in rule.arguments:
                values["question_id"] = "worries"
            routes.append(rule.build(values)[1])
    return routes


@pytest.fixture
def people(app):
    """One signed-in client per role."""
    from tests.helpers import Factory

    make = Factory(app)
    isro = make.account(Role.ISRO, username="fuzz.isro")
    child = make.child(10, isro=isro, username="fuzz.child")
    carer = make.account(Role.CARER, username="fuzz.carer")
    make.link(carer, child)
    make.account(Role.MANAGER, username="fuzz.manager")
    make.account(Role.ADVOCATE, username="fuzz.advocate")
    clients = {None: app.test_client()}
    for username in ("fuzz.isro", "fuzz.child", "fuzz.carer", "fuzz.manager", "fuzz.advocate"):
        client = app.test_client()
        assert sign_in(client, username).status_code == 302
        clients[username] = client
    yield clients


@pytest.mark.parametrize("who", [None, "fuzz.child", "fuzz.carer", "fuzz.advocate",
                                 "fuzz.isro", "fuzz.manager"])
def test_no_form_ever_answers_500(app, people, who):
    client = people[who]
    token = csrf_token(client.get("/settings").get_data(as_text=True))
    routes = _post_routes(app)
    fields = ("username", "password", "code", "answer", "text", "title", "words", "body",
              "note", "about", "language", "visibility", "day", "time", "held_on", "code",
              "child_attended", "plans", "lock_version", "q_views", "consent", "theme",
              "stage", "outcome", "raised_on", "on", "how", "isro", "role", "name", "action")

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(route=st.sampled_from(routes), values=st.lists(HOSTILE, min_size=len(fields),
                                                          max_size=len(fields)),
           with_token=st.booleans())
    def attack(route, values, with_token):
        data = dict(zip(fields, values, strict=True))
        if with_token:
            data["csrf_token"] = token
        response = client.post(route, data=data)
        assert response.status_code < 500, (route, response.status_code)
        if not with_token and route not in NO_TOKEN_NEEDED:
            assert response.status_code in (302, 400, 403, 404, 405, 429), route

    attack()


# "I don't feel safe" must work from a page left open for hours: it takes no token. The
# session cookie is SameSite=Lax, so another site's form cannot post it as the child.
NO_TOKEN_NEEDED = {"/safe", "/safe/told"}


def test_a_missing_csrf_token_is_refused_on_every_form_for_a_signed_in_person(app, people):
    client = people["fuzz.manager"]
    for route in _post_routes(app):
        if route in NO_TOKEN_NEEDED:
            continue
        response = client.post(route, data={"anything": "x"})
        assert response.status_code == 400, route


def test_the_forms_that_need_no_token_are_for_children_only(app, people):
    for who in ("fuzz.manager", "fuzz.isro", "fuzz.carer"):
        for route in NO_TOKEN_NEEDED:
            assert people[who].post(route, data={}).status_code == 403, (who, route)
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_session_fixation_a_planted_session_is_not_used(app, people):
    attacker = app.test_client()
    attacker.get("/sign-in")
    cookie = attacker.get_cookie("mysay_session")
    victim = app.test_client()
    victim.set_cookie("mysay_session", cookie.value)
    assert sign_in(victim, "fuzz.child").status_code == 302
    assert victim.get_cookie("mysay_session").value != cookie.value
    assert attacker.get("/").status_code == 302  # the attacker's copy is not signed in
    assert re.search("Hello", victim.get("/").get_data(as_text=True))
