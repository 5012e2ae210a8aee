"""Hostile input to every form, as every role: never a 500; another child's things are
refused, whatever is sent.

Two children, each with a real submission, conversation (with a message and its
attachment), safety flag, review, letter and challenge. Hypothesis sends random and
hostile text, huge fields, wrong types and missing CSRF tokens to every route the URL map
has, built with the real ids of those things. As the people of the first child (the
child, their carer, advocate and ISRO), every route that names the second child or one of
their things must be refused (403 or 404), and nothing may ever answer 500.
"""
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule as UrlRule

from portal.accounts.models import Role
from tests.helpers import Factory, csrf_token, png_bytes, sign_in

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "\x00", "../../etc/passwd",
                     "%(name)s", "{{ 7*7 }}", "\u202e\u202d", "🙂" * 50, "9" * 400,
                     "2025-02-31", "-1", "PN9", "null", "[]"]),
    st.just("x" * 20_000),
)
FIELDS = ("username", "password", "code", "answer", "text", "title", "words", "body",
          "note", "about", "language", "visibility", "day", "time", "held_on", "code",
          "child_attended", "plans", "lock_version", "q_views", "consent", "theme",
          "stage", "outcome", "raised_on", "on", "how", "isro", "role", "name", "action",
          "review", "listened", "understood", "right_people", "comment", "help_with",
          "request", "late_reason", "late_note", "fte")
# Route arguments that name a child or one of a child's things.
CHILDS_IDS = {"child_id", "submission_id", "conversation_id", "message_id", "flag_id",
              "review_id", "letter_id", "challenge_id", "link_id"}
ATTACKERS = ("fuzz.child", "fuzz.carer", "fuzz.advocate", "fuzz.isro")  # not the stranger's
REFUSED = {403, 404}


def _things(make: Factory, child, isro, carer) -> dict:
    """A child's submission, conversation, message, flag, review, letter, challenge and
    carer's link."""
    link = make.link(carer, child)
    picture = make.picture(child, visibility="isro_and_carer")
    message = make.message(child, "Please read this", feels_unsafe=True,
                           attachment=png_bytes())
    review_id, letter_id = make.held_review(child)
    return {"child_id": child.id, "submission_id": picture.id,
            "conversation_id": message.conversation_id, "message_id": message.id,
            "flag_id": make.open_flag_ids(child)[0], "review_id": review_id,
            "letter_id": letter_id, "challenge_id": make.challenge(child), "link_id": link.id,
            "account_id": isro.id, "variant": "full", "change": "suspend",
            "question_id": "worries", "key": "participation", "code": "en", "year": 2025,
            "job_id": 1, "action_id": 1}


def _build(rule: UrlRule, ids: dict) -> str:
    missing = set(rule.arguments) - ids.keys()
    assert not missing, f"{rule.endpoint}: say which value to use for {missing}"
    return rule.build({arg: ids[arg] for arg in rule.arguments})[1]


def _post_routes(app, ids: dict) -> list[str]:
    return [_build(rule, ids) for rule in app.url_map.iter_rules()
            if "POST" in rule.methods
            and rule.endpoint not in ("accounts.sign_out", "accounts.leave_quickly")]


def _strangers_routes(app, ids: dict) -> list[tuple[str, str]]:
    """(method, address) of every route that names the stranger child or their things."""
    return sorted((method, _build(rule, ids)) for rule in app.url_map.iter_rules()
                  if CHILDS_IDS & set(rule.arguments)
                  for method in rule.methods - {"HEAD", "OPTIONS"})


@pytest.fixture
def people(app):
    """One signed-in client per role, for the first child; the second child's ids."""
    make = Factory(app)
    isro = make.account(Role.ISRO, username="fuzz.isro")
    child = make.child(10, isro=isro, username="fuzz.child")
    carer = make.account(Role.CARER, username="fuzz.carer")
    advocate = make.account(Role.ADVOCATE, username="fuzz.advocate")
    make.link(advocate, child)
    make.account(Role.MANAGER, username="fuzz.manager")
    other_isro = make.account(Role.ISRO, username="fuzz.other.isro")
    stranger = make.child(9, isro=other_isro, username="fuzz.stranger", name="Alex")
    clients = {None: app.test_client()}
    for username in ("fuzz.isro", "fuzz.child", "fuzz.carer", "fuzz.manager", "fuzz.advocate"):
        client = app.test_client()
        assert sign_in(client, username).status_code == 302
        clients[username] = client
    clients["own"] = _things(make, child, isro, carer)
    clients["stranger"] = _things(make, stranger, other_isro,
                                  make.account(Role.CARER, username="fuzz.other.carer"))
    yield clients


def test_the_two_children_have_different_things(people):
    own, stranger = people["own"], people["stranger"]
    # Expected: no id is shared, so a route that works with the stranger's ids is a leak.
    assert all(own[arg] != stranger[arg] for arg in CHILDS_IDS)


def _send(client, method: str, route: str, data: dict):
    if method == "GET":
        return client.get(route, query_string=data)
    return client.post(route, data=data)


@pytest.mark.parametrize("who", ATTACKERS)
def test_another_childs_things_are_refused_whatever_is_sent(app, people, who):
    client = people[who]
    token = csrf_token(client.get("/settings").get_data(as_text=True))
    routes = _strangers_routes(app, people["stranger"])
    named = {arg for rule in app.url_map.iter_rules() for arg in rule.arguments}
    assert named & CHILDS_IDS == CHILDS_IDS  # each kind of the stranger's ids is sent

    # Every one of them once, with a CSRF token and ordinary-looking fields.
    answers = {(method, route): _send(client, method, route, {
        "csrf_token": token, "body": "hello", "note": "seen", "title": "x"}).status_code
        for method, route in routes}
    # Expected: each refused (403 for a role that may not use the route, 404 for one that
    # may but is not linked to this child); none answered.
    assert {key: status for key, status in answers.items() if status not in REFUSED} == {}

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(route=st.sampled_from(routes), values=st.lists(HOSTILE, min_size=len(FIELDS),
                                                          max_size=len(FIELDS)),
           with_token=st.booleans())
    def attack(route, values, with_token):
        method, address = route
        data = dict(zip(FIELDS, values, strict=True))
        if with_token:
            data["csrf_token"] = token
        status = _send(client, method, address, data).status_code
        # Expected: refused; without a token a POST may be refused for that first (400).
        allowed = REFUSED if with_token or method == "GET" else REFUSED | {400}
        assert status in allowed, (method, address, status)

    attack()


@pytest.mark.parametrize("who", [None, "fuzz.child", "fuzz.carer", "fuzz.advocate",
                                 "fuzz.isro", "fuzz.manager"])
def test_no_form_ever_answers_500(app, people, who):
    client = people[who]
    token = csrf_token(client.get("/settings").get_data(as_text=True))
    # The real ids of the person's own child's things, and of the other child's.
    routes = sorted(set(_post_routes(app, people["own"]) + _post_routes(app, people["stranger"])))

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(route=st.sampled_from(routes), values=st.lists(HOSTILE, min_size=len(FIELDS),
                                                          max_size=len(FIELDS)),
           with_token=st.booleans())
    def attack(route, values, with_token):
        data = dict(zip(FIELDS, values, strict=True))
        if with_token:
            data["csrf_token"] = token
        response = client.post(route, data=data)
        # Expected: never a server error; without a token, refused or sent to sign in.
        assert response.status_code < 500, (route, response.status_code)
        if not with_token and route not in NO_TOKEN_NEEDED:
            assert response.status_code in (302, 400, 403, 404, 405, 429), route

    attack()


# "I don't feel safe" must work from a page left open for hours: it takes no token. The
# session cookie is SameSite=Lax, so another site's form cannot post it as the child.
NO_TOKEN_NEEDED = {"/safe", "/safe/told"}


def test_a_missing_csrf_token_is_refused_on_every_form_for_a_signed_in_person(app, people):
    client = people["fuzz.manager"]
    for route in _post_routes(app, people["own"]):
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
