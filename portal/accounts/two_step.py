"""A second step at sign-in for carers and advocates who want one (staff always have it):
set up an authenticator app from settings, or turn it off again with a code from it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, audit, db
from portal.accounts import codes, operations
from portal.accounts.forms import SecondFactorForm
from portal.accounts.models import Role
from portal.accounts.throttle import throttle

bp = Blueprint("two_step", __name__)


@bp.route("/settings/two-step", methods=["GET", "POST"])
@access.allow(Role.CARER, Role.ADVOCATE)
def two_step():
    account = current_user._get_current_object()
    form = SecondFactorForm()
    turning_on = not account.totp_confirmed
    secret = operations.start_totp_setup(account) if turning_on else None
    db.session().commit()
    if form.validate_on_submit():
        key = f"totp:{account.username}"
        if not throttle().allows(throttle().attempt(key)):
            form.code.errors.append(_("You have tried too many times. Wait 15 minutes, then "
                                      "try again"))
        elif operations.check_second_factor(account, form.code.data):
            throttle().clear(key)
            if not turning_on:
                operations.reset_second_factor(account, by=account, reason="turned off")
                flash(_("The second step is off. You sign in with your password only."))
                db.session().commit()
                return redirect(url_for("accounts.sign_in"))
            audit.record("account.second_factor_on", actor_id=account.id,
                         subject=f"account:{account.id}")
            db.session().commit()
            flash(_("The second step is on. Next time you sign in, My Say asks for a code "
                    "from your app."))
            return redirect(url_for(".two_step"))
        else:
            form.code.errors.append(_("That code did not work. Codes change every 30 seconds: "
                                      "try the one your app shows now"))
    return render_template("accounts/two_step.html", form=form, on=not turning_on,
                           secret=secret,
                           qr_svg=codes.totp_qr_svg(secret, account.username) if secret else None)
