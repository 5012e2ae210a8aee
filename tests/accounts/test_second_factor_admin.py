"""A lost phone does not lock a member of staff out for good, and carers and advocates
may choose a second step at sign-in."""
from sqlalchemy import select

from portal import db
from portal.accounts import codes
from portal.accounts.models import Role
from portal.audit import AuditEvent
from tests.helpers import PASSWORD, TOTP_SECRET, post_form


def test_a_manager_resets_a_lost_authenticator_with_a_reason(app, make, signed_in):
    isro_account = make.account(Role.ISRO, username="priya.isro", name="Priya Shah")
    isro = signed_in(isro_account)
    manager = signed_in(make.account(Role.MANAGER))
    url = f"/people/{isro_account.id}/second-factor"
    refused = post_form(manager, url, {"reason": ""})
    assert refused.status_code == 200 and "Write why" in refused.get_data(as_text=True)
    done = post_form(manager, url, {"reason": "Lost her phone on the train"})
    assert done.status_code == 302
    assert isro.get("/caseload").status_code == 302  # her sessions ended
    again = post_form(app.test_client(), "/sign-in", {"username": "priya.isro",
                                                      "password": PASSWORD})
    assert again.headers["Location"].endswith("/sign-in/set-up-app")
    with app.app_context():
        event = db.session().scalars(select(AuditEvent).where(
            AuditEvent.action == "account.second_factor_reset")).one()
        assert event.detail["reason"] == "Lost her phone on the train"
        assert event.subject == f"account:{isro_account.id}"


def test_only_a_manager_may_reset_an_authenticator(app, make, signed_in):
    target = make.account(Role.ISRO)
    other = signed_in(make.account(Role.ISRO))
    assert other.get(f"/people/{target.id}/second-factor").status_code == 403


def test_a_carer_turns_on_a_second_step_and_then_needs_a_code(app, make, signed_in):
    carer_account = make.account(Role.CARER, username="jo.carer")
    carer = signed_in(carer_account)
    page = carer.get("/settings/two-step").get_data(as_text=True)
    secret = page.split('<code class="secret" dir="ltr">')[1].split("<")[0]
    turned = post_form(carer, "/settings/two-step", {"code": codes.current_totp(secret)})
    assert turned.status_code == 302
    client = app.test_client()
    step = post_form(client, "/sign-in", {"username": "jo.carer", "password": PASSWORD})
    assert step.headers["Location"].endswith("/sign-in/code")
    with app.app_context():
        from portal.accounts.operations import find_account

        find_account("jo.carer").totp_last_step = None
        db.session().commit()
    done = post_form(client, "/sign-in/code", {"code": codes.current_totp(secret)})
    assert done.status_code == 302 and client.get("/").status_code == 200
    assert TOTP_SECRET != secret


def test_settings_offer_the_second_step_to_carers_and_advocates_only(app, make, signed_in):
    assert "/settings/two-step" in signed_in(make.account(Role.ADVOCATE)).get(
        "/settings").get_data(as_text=True)
    child = make.child(12, username="sam12")
    assert "/settings/two-step" not in signed_in(child.account).get("/settings").get_data(
        as_text=True)
