"""Every route × every role × a child the person is not linked to.

Each route declares its rule in portal.access; this walks the URL map, so a new route
is checked the day it is added, and a route without a rule fails the suite.
"""
from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule as UrlRule

from portal.accounts.models import Role
from tests.helpers import csrf_token, png_bytes, sign_in

ROLES = [None, *Role]  # None: signed out


def _routes(app) -> list[UrlRule]:
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def test_every_route_declares_an_access_rule(app):
    missing = [r.endpoint for r in _routes(app)
               if getattr(app.view_functions[r.endpoint], "access_rule", None) is None]
    assert missing == []


def test_a_route_without_a_rule_is_refused(app, client):
    view = app.view_functions["pages.help"]
    saved, view.access_rule = view.access_rule, None
    try:
        assert client.get("/help").status_code == 403
    finally:
        view.access_rule = saved


def _url(rule: UrlRule, world: dict) -> str:
    """The route's address about the stranger child: their id, their picture's id."""
    known = {"child_id": world["stranger"].id, "submission_id": world["stranger_picture"],
             "variant": "full", "question_id": "home_feel",
             "conversation_id": world["stranger_conversation"], "flag_id": world["stranger_flag"],
             "message_id": world["stranger_message"], "account_id": world["other_isro"].id,
             "review_id": world["stranger_review"], "letter_id": world["stranger_letter"],
             "challenge_id": world["stranger_challenge"], "change": "suspend",
             "key": "participation"}
    return rule.build({arg: known.get(arg, 999_999) for arg in rule.arguments})[1]


def _expected(rule_decl, role: Role | None) -> set[int]:
    if rule_decl.public:
        return {200, 302, 400}
    if role is None:
        return {302}
    if rule_decl.roles is not None and role not in rule_decl.roles:
        return {403}
    if rule_decl.child_arg or rule_decl.subject_arg:
        # A manager may see every child; a 404 then only means "not for this child"
        # (an observation form for a 9-year-old). Everyone else unlinked gets 404.
        return {200, 302, 400, 404} if role is Role.MANAGER else {404}
    return {200, 204, 302, 400, 404}  # 404: nothing there for this person, not a refusal


@pytest.fixture
def world(make):
    """An ISRO, carer and advocate with their own children, and one stranger child."""
    isro = make.account(Role.ISRO)
    other_isro = make.account(Role.ISRO)
    carer = make.account(Role.CARER)
    advocate = make.account(Role.ADVOCATE)
    make.account(Role.MANAGER, username="manager1")
    own = make.child(10, isro=isro, username="own.child10")
    make.link(carer, own)
    make.link(advocate, own)
    stranger = make.child(9, isro=other_isro, username="stranger.child9", name="Alex")
    picture = make.picture(stranger, visibility="isro_and_carer")
    message = make.message(stranger, "I am scared at home", attachment=png_bytes())
    review_id, letter_id = make.held_review(stranger)
    return {"isro": isro, "other_isro": other_isro, "carer": carer, "advocate": advocate,
            "own": own, "stranger": stranger, "stranger_picture": picture.id,
            "stranger_conversation": message.conversation_id, "stranger_message": message.id,
            "stranger_flag": make.open_flag_ids(stranger)[0], "stranger_review": review_id,
            "stranger_letter": letter_id, "stranger_challenge": make.challenge(stranger)}


def _client_for(app, role: Role | None, world):
    client = app.test_client()
    username = {Role.CHILD: "own.child10", Role.CARER: world["carer"].username,
                Role.ADVOCATE: world["advocate"].username, Role.ISRO: world["isro"].username,
                Role.MANAGER: "manager1"}.get(role)
    if username:
        assert sign_in(client, username).status_code == 302
    return client


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "signed-out")
def test_access_matrix(app, world, role):
    client = _client_for(app, role, world)
    token = csrf_token(client.get("/settings").get_data(as_text=True))
    problems = []
    for rule in _routes(app):
        declared = app.view_functions[rule.endpoint].access_rule
        url = _url(rule, world)
        expected = _expected(declared, role)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.endpoint == "accounts.sign_out":
                continue  # checked below: it would end this client's session
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token})
            if response.status_code not in expected:
                problems.append(f"{method} {url} ({rule.endpoint}): {response.status_code}, "
                                f"expected {sorted(expected)}")
            if response.status_code == 302 and role is None and not declared.public:
                assert re.search(r"/sign-in", response.headers["Location"])
    assert problems == []


def test_sign_out_needs_a_signed_in_person(client):
    response = client.post("/sign-out")
    assert response.status_code in (302, 400)


def test_isro_sees_own_child_but_not_a_stranger(app, world):
    client = _client_for(app, Role.ISRO, world)
    assert client.get(f"/children/{world['own'].id}").status_code == 200
    assert client.get(f"/children/{world['stranger'].id}").status_code == 404


def test_refused_access_is_audited(app, world):
    from sqlalchemy import select

    from portal import db
    from portal.audit import AuditEvent

    client = _client_for(app, Role.ISRO, world)
    client.get(f"/children/{world['stranger'].id}")
    with app.app_context():
        actions = db.session().scalars(select(AuditEvent.action)).all()
    assert "access.child_refused" in actions


def test_a_manager_sees_any_childs_page_and_things(app, world):
    client = _client_for(app, Role.MANAGER, world)
    assert client.get(f"/children/{world['stranger'].id}").status_code == 200
    assert client.get(f"/things/{world['stranger_picture']}").status_code == 200
    assert client.get(f"/letters/{world['stranger_letter']}").status_code == 200
