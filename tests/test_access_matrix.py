"""Every route × every role × a child the person is not linked to.

Who may use each route is written out below, by hand, in ACCESS: it is not read from
the views' own declarations, so a wrong declaration fails here. Every route the app has
must be in the table (a new route fails the suite until it is added), and every route is
walked as each role, with the ids of another child's things, expecting:

- signed out: a public route answers; any other sends the person to sign in;
- a role the table does not name: 403;
- a role it names, on a route about one child, when the person is not linked to that
  child: 404, as if the child did not exist (a manager may see every child);
- a role it names otherwise: no refusal (no 403, and no refusal in the audit trail).
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.routing import Rule as UrlRule

from portal import db
from portal.accounts.models import Role
from portal.audit import AuditEvent
from tests.helpers import csrf_token, png_bytes, sign_in

ROLES = [None, *Role]  # None: signed out

PUBLIC = "anyone, signed in or not"
SIGNED_IN = "anyone signed in"
CHILD, CARER, ADVOCATE = Role.CHILD, Role.CARER, Role.ADVOCATE
ISRO, MANAGER = Role.ISRO, Role.MANAGER
STAFF = {ISRO, MANAGER}
ABOUT_A_CHILD = True  # the route names one child, or one of their things

# endpoint -> (who may use it, whether it is about one child)
ACCESS: dict[str, tuple[str | set[Role], bool]] = {
    # Signing in and settings
    "accounts.sign_in": (PUBLIC, False),
    "accounts.second_factor": (PUBLIC, False),
    "accounts.set_up_app": (PUBLIC, False),
    "accounts.start": (PUBLIC, False),
    "accounts.choose_password": (PUBLIC, False),
    "accounts.settings": (PUBLIC, False),
    "accounts.choose_language": (PUBLIC, False),
    "accounts.change_password": (SIGNED_IN, False),
    "accounts.keep_alive": (SIGNED_IN, False),
    "accounts.sign_out": (SIGNED_IN, False),
    "accounts.leave_quickly": (PUBLIC, False),  # "Leave this site quickly" ends the session
    "two_step.two_step": ({CARER, ADVOCATE}, False),  # staff always have a second step
    "accounts.sign_in_card": (STAFF, ABOUT_A_CHILD),
    "accounts.set_express": (STAFF, ABOUT_A_CHILD),
    # Pages
    "pages.help": (PUBLIC, False),
    "pages.home": (SIGNED_IN, False),
    "pages.child": (STAFF, ABOUT_A_CHILD),
    # A child's own say
    "consultations.start": ({CHILD}, False),
    "consultations.start_form": ({CHILD}, False),
    "consultations.choose_form": ({CHILD}, False),
    "consultations.question": ({CHILD}, False),
    "consultations.say_answer": ({CHILD}, False),
    "consultations.check": ({CHILD}, False),
    "consultations.send_form": ({CHILD}, False),
    "consultations.picture": ({CHILD}, False),
    "consultations.poem": ({CHILD}, False),
    "consultations.voice": ({CHILD}, False),
    "consultations.my_things": ({CHILD}, False),
    "consultations.sent": ({CHILD}, ABOUT_A_CHILD),
    "consultations.thing": ({CHILD, CARER, ISRO, MANAGER}, ABOUT_A_CHILD),
    "consultations.file": ({CHILD, CARER, ISRO, MANAGER}, ABOUT_A_CHILD),
    # A child's own file: the child's download, a manager's for a subject access request
    "exports.mine": ({CHILD}, False),
    "exports.child_file": ({MANAGER}, ABOUT_A_CHILD),
    # Carers and advocates on a child's behalf
    "on_behalf.observations": ({CARER, ISRO, MANAGER}, ABOUT_A_CHILD),
    "on_behalf.observation_photo": ({CARER}, ABOUT_A_CHILD),
    "on_behalf.help_with_form": ({CARER}, ABOUT_A_CHILD),
    "on_behalf.advocacy": ({ADVOCATE}, ABOUT_A_CHILD),
    # Messages
    "messages.index": ({CHILD, CARER, ADVOCATE}, False),
    "messages.meet_isro": ({CHILD, CARER, ADVOCATE}, False),
    "messages.thread": ({CHILD, CARER, ADVOCATE}, ABOUT_A_CHILD),
    "messages.attachment": ({CHILD, CARER, ADVOCATE, ISRO, MANAGER}, ABOUT_A_CHILD),
    "messages.inbox": (STAFF, False),
    "messages.conversation": (STAFF, ABOUT_A_CHILD),
    "messages.isro_page": (STAFF, False),
    "messages.isro_photo": (SIGNED_IN, False),
    "messages.profile": ({ISRO}, False),
    # Safety
    "safety.feel_unsafe": ({CHILD}, False),
    "safety.told": ({CHILD}, False),
    "safety.safety": (STAFF, False),
    "safety.acknowledge": (STAFF, ABOUT_A_CHILD),
    "safety.clear_flag": (STAFF, ABOUT_A_CHILD),
    "safety.words": ({MANAGER}, False),
    "safety.word_list": ({MANAGER}, False),
    # Reviews and letters
    "reviews.schedule": (STAFF, ABOUT_A_CHILD),
    "reviews.record": (STAFF, ABOUT_A_CHILD),
    "reviews.plans": (STAFF, ABOUT_A_CHILD),
    "reviews.letter": (STAFF, ABOUT_A_CHILD),
    "reviews.read": ({CHILD, CARER, ISRO, MANAGER}, ABOUT_A_CHILD),
    "reviews.pdf": ({CHILD, CARER, ISRO, MANAGER}, ABOUT_A_CHILD),
    "reviews.understood": ({CHILD}, ABOUT_A_CHILD),
    "reviews.my_letters": ({CHILD, CARER}, False),
    # The ISRO's workspace
    "casework.caseload": (STAFF, False),
    "casework.caseload_csv": (STAFF, False),
    "casework.filter_caseload": (STAFF, False),
    "casework.mark_read": (STAFF, ABOUT_A_CHILD),
    "casework.export_bundle": (STAFF, ABOUT_A_CHILD),
    "casework.confirm_export": (STAFF, ABOUT_A_CHILD),
    "casework.new_contact": (STAFF, ABOUT_A_CHILD),
    "casework.new_challenge": (STAFF, ABOUT_A_CHILD),
    "casework.edit_challenge": (STAFF, ABOUT_A_CHILD),
    "casework.allocate": ({MANAGER}, ABOUT_A_CHILD),
    "casework.people_list": ({MANAGER}, False),
    "casework.new_person": ({MANAGER}, False),
    "casework.change_person": ({MANAGER}, False),
    "casework.reset_second_factor": ({MANAGER}, False),
    "casework.set_fte": ({MANAGER}, False),
    # The ISRO's day: what is new, the next eight weeks of reviews
    "day.new": (STAFF, False),
    "day.mark_read": (STAFF, False),
    "day.calendar": (STAFF, False),
    # A child's record and the people linked to them
    "children.new_child": (STAFF, False),
    "children.edit_child": (STAFF, ABOUT_A_CHILD),
    "children.cease": (STAFF, ABOUT_A_CHILD),
    "children.links": (STAFF, ABOUT_A_CHILD),
    "children.end_link": (STAFF, ABOUT_A_CHILD),
    "child_import.upload": ({MANAGER}, False),
    "child_import.confirm": ({MANAGER}, False),
    # Reports
    "reports.index": ({MANAGER}, False),
    "reports.csv_table": ({MANAGER}, False),
    "reports.small_numbers": ({MANAGER}, False),
    "reports.return_903": ({MANAGER}, False),
    "reports.return_903_csv": ({MANAGER}, False),
    "import_903.upload": ({MANAGER}, False),
    "import_903.confirm": ({MANAGER}, False),
    "annual.document": ({MANAGER}, False),
    "annual.pdf": ({MANAGER}, False),
    "annual.csv_table": ({MANAGER}, False),
    "annual.narrative": ({MANAGER}, False),
    "annual.action_plan": ({MANAGER}, False),
    "annual.remove_action": ({MANAGER}, False),
    "annual.carry": ({MANAGER}, False),
    "annual.quotes": ({MANAGER}, False),
    "annual.change_quote": ({MANAGER}, False),
    # Retention: the schedule and what the next run would delete
    "retention.index": ({MANAGER}, False),
    # Background jobs: the ones that failed every try, and "Try again"
    "jobs.index": ({MANAGER}, False),
    "jobs.try_again": ({MANAGER}, False),
    # The audit trail
    "audit_trail.index": ({MANAGER}, False),
    "audit_trail.filter_events": ({MANAGER}, False),
    "audit_trail.csv_file": ({MANAGER}, False),
    "audit_trail.patterns": ({MANAGER}, False),
    # "How was my review?" and "I want an advocate"
    "voice.review_feedback": ({CHILD}, False),
    "voice.ask_advocate": ({CHILD}, False),
    "voice.advocate_requests": (STAFF, ABOUT_A_CHILD),
    # "Quick say" and "I plan my review"
    "planning.quick_say": ({CHILD}, False),
    "planning.plan": ({CHILD}, False),
    # My plan: the actions agreed at the review, their status, "This hasn't happened"
    "my_plan.mine": ({CHILD}, False),
    "my_plan.not_happened": ({CHILD}, False),
    "my_plan.child_plan": (STAFF, ABOUT_A_CHILD),
    # Read-aloud with the server's voice: anyone signed in, for a token signed for them
    "speech.make": (SIGNED_IN, False),
}

ANSWERS = {200, 204, 302, 400, 404}  # 404 here: nothing there for this person


def _routes(app) -> list[UrlRule]:
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def test_every_route_is_in_the_table_and_every_entry_is_a_route(app):
    endpoints = {r.endpoint for r in _routes(app)}
    # Expected: no route the table does not name (add a new route to ACCESS, saying who
    # may use it), and no entry for a route that has gone.
    assert sorted(endpoints - ACCESS.keys()) == []
    assert sorted(ACCESS.keys() - endpoints) == []


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
             "challenge_id": world["stranger_challenge"], "link_id": world["stranger_link"],
             "change": "suspend",
             "key": "participation", "code": "en", "year": 2025, "job_id": 1,
             "action_id": 1}
    missing = set(rule.arguments) - known.keys()
    assert not missing, f"{rule.endpoint}: say which id of the stranger's to use for {missing}"
    return rule.build({arg: known[arg] for arg in rule.arguments})[1]


def _expected(endpoint: str, role: Role | None) -> tuple[set[int], bool]:
    """(the answers expected, whether the role has a right to this route here)."""
    who, about_a_child = ACCESS[endpoint]
    if who == PUBLIC:
        return {200, 302, 400}, True
    if role is None:
        return {302}, False  # to the sign-in page
    if who == SIGNED_IN:
        return ANSWERS, True
    if role not in who:
        return {403}, False
    if about_a_child and role is not MANAGER:
        return {404}, False  # not linked to the stranger child
    return ANSWERS, True


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
    strangers_carer = make.link(make.account(Role.CARER), stranger)
    picture = make.picture(stranger, visibility="isro_and_carer")
    # "I don't feel safe" ticked: a flag whatever the word lists hold.
    message = make.message(stranger, "I am scared at home", feels_unsafe=True,
                           attachment=png_bytes())
    review_id, letter_id = make.held_review(stranger)
    return {"isro": isro, "other_isro": other_isro, "carer": carer, "advocate": advocate,
            "own": own, "stranger": stranger, "stranger_picture": picture.id,
            "stranger_conversation": message.conversation_id, "stranger_message": message.id,
            "stranger_flag": make.open_flag_ids(stranger)[0], "stranger_review": review_id,
            "stranger_letter": letter_id, "stranger_challenge": make.challenge(stranger),
            "stranger_link": strangers_carer.id}


def _client_for(app, role: Role | None, world):
    client = app.test_client()
    username = {Role.CHILD: "own.child10", Role.CARER: world["carer"].username,
                Role.ADVOCATE: world["advocate"].username, Role.ISRO: world["isro"].username,
                Role.MANAGER: "manager1"}.get(role)
    if username:
        assert sign_in(client, username).status_code == 302
    return client


def _refused_endpoints(app) -> set[str]:
    """The routes the audit trail says someone was refused."""
    with app.app_context():
        return set(db.session().scalars(select(AuditEvent.subject).where(
            AuditEvent.action.like("access.%_refused"))))


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "signed-out")
def test_access_matrix(app, world, role):
    client = _client_for(app, role, world)
    token = csrf_token(client.get("/settings").get_data(as_text=True))
    problems, with_a_right = [], set()
    for rule in _routes(app):
        if rule.endpoint not in ACCESS:
            problems.append(f"{rule.endpoint}: not in ACCESS, so nobody has said who may use it")
            continue
        url = _url(rule, world)
        expected, has_right = _expected(rule.endpoint, role)
        if has_right:
            with_a_right.add(rule.endpoint)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.endpoint in ("accounts.sign_out", "accounts.leave_quickly"):
                continue  # checked below: it would end this client's session
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token})
            if response.status_code not in expected:
                problems.append(f"{method} {url} ({rule.endpoint}): {response.status_code}, "
                                f"expected {sorted(expected)}")
            if expected == {302} and response.status_code == 302:
                location = response.headers["Location"]
                if not re.search(r"/sign-in", location):
                    problems.append(f"{method} {url}: sent to {location}, not to sign in")
    # Expected: nobody was refused where the table gives them a right (a 404 there is
    # "nothing to show", never "not yours").
    wrongly_refused = sorted(_refused_endpoints(app) & with_a_right)
    assert problems == [] and wrongly_refused == []


def test_sign_out_needs_a_signed_in_person(client):
    response = client.post("/sign-out")
    assert response.status_code in (302, 400)


def test_isro_sees_own_child_but_not_a_stranger(app, world):
    client = _client_for(app, Role.ISRO, world)
    assert client.get(f"/children/{world['own'].id}").status_code == 200
    assert client.get(f"/children/{world['stranger'].id}").status_code == 404


def test_refused_access_is_audited(app, world):
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
