"""Sign-in, second factor, setting up a sign-in from a card, settings."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from wtforms.fields.choices import SelectChoice

from portal import access, audit, db
from portal.accounts import codes, operations, passwords, preferences, sessions
from portal.accounts.forms import (
    ChangePasswordForm,
    EmptyForm,
    NewCardForm,
    NewPasswordForm,
    SecondFactorForm,
    SettingsForm,
    SetupCodeForm,
    SignInForm,
)
from portal.accounts.models import Account, Child, Role, SessionStage
from portal.accounts.throttle import throttle
from portal.i18n import current_locale, language_choices, supported
from portal.security import csrf, limiter

bp = Blueprint("accounts", __name__)


def _locked_out():
    return render_template("accounts/locked.html"), 429


def _address_limit() -> str:
    return current_app.config["PORTAL"].sign_in_tries_per_address


def safe_next(target: str | None = None) -> str:
    """A path on this site to go to after signing in (or the home page).

    Control characters are refused before parsing: browsers drop a tab or newline from
    "/<tab>/evil.example" (a tab typed inside), which would make it "//evil.example".
    """
    target = (target if target is not None else (session.pop("next", None) or "")).strip()
    if (not target.startswith("/") or any(ord(ch) < 32 or ord(ch) == 127 for ch in target)
            or "\\" in target):
        return url_for("pages.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path.startswith("//"):
        return url_for("pages.home")
    return target


def _finish_sign_in(account: Account):
    keep = {k: session[k] for k in ("next", "language", "settings") if k in session}
    session.clear()  # a new session at sign-in: nothing carried from before but choices
    session.update({k: v for k, v in keep.items() if k != "settings"})
    if not account.settings and keep.get("settings"):
        account.settings = preferences.clean(keep["settings"])
    if not account.language and keep.get("language"):
        account.language = keep["language"]
    operations.sign_in(account)
    db.session().commit()
    login_user(account)
    return redirect(safe_next())


@bp.route("/sign-in", methods=["GET", "POST"])
@access.public
@limiter.limit(_address_limit, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("accounts/sign_in.html", form=form)
    username = form.username.data.strip()
    tries = throttle().attempt(username)
    if not throttle().allows(tries):
        return _locked_out()
    account = operations.check_sign_in(username, form.password.data)
    if account is None:
        known = operations.find_account(username)
        audit.record_now("sign_in.failed", subject=f"account:{known.id}" if known else None)
        if throttle().was_last(tries):
            return _locked_out()
        form.password.errors.append(_("The username or password is not right. Check them and "
                                      "try again"))
        return render_template("accounts/sign_in.html", form=form)
    throttle().clear(username)
    if sessions.left_care(account):
        # The right password, but this child has left care: tell them kindly where to go.
        audit.record_now("sign_in.left_care", actor_id=account.id)
        return render_template("accounts/left_care.html")
    if account.needs_second_factor:
        next_path = session.get("next")
        session.clear()
        session["pending"] = sessions.start_pending(account, SessionStage.SECOND_FACTOR)
        if next_path:
            session["next"] = next_path
        db.session().commit()
        if not account.totp_confirmed:
            return redirect(url_for("accounts.set_up_app"))
        return redirect(url_for("accounts.second_factor"))
    return _finish_sign_in(account)


def _pending_account() -> Account | None:
    row = sessions.pending(session.get("pending"), SessionStage.SECOND_FACTOR)
    return row.account if row else None


def _check_code(account: Account, form: SecondFactorForm, template: str, **context):
    key = f"totp:{account.username}"
    tries = throttle().attempt(key)
    if not throttle().allows(tries):
        return _locked_out()
    if operations.check_second_factor(account, form.code.data):
        throttle().clear(key)
        row = sessions.pending(session.pop("pending", None), SessionStage.SECOND_FACTOR)
        if row is not None:
            sessions.end(row)
        return _finish_sign_in(account)
    db.session().rollback()
    audit.record_now("sign_in.second_factor_failed", actor_id=account.id)
    if throttle().was_last(tries):
        return _locked_out()
    form.code.errors.append(_("That code did not work. Codes change every 30 seconds: "
                              "try the one your app shows now"))
    return render_template(template, form=form, **context)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@access.public
@limiter.limit(_address_limit, methods=["POST"])
def second_factor():
    account = _pending_account()
    if account is None or not account.totp_confirmed:
        return redirect(url_for("accounts.sign_in"))
    form = SecondFactorForm()
    if not form.validate_on_submit():
        return render_template("accounts/second_factor.html", form=form)
    return _check_code(account, form, "accounts/second_factor.html")


@bp.route("/sign-in/set-up-app", methods=["GET", "POST"])
@access.public
@limiter.limit(_address_limit, methods=["POST"])
def set_up_app():
    account = _pending_account()
    if account is None or account.totp_confirmed:
        return redirect(url_for("accounts.sign_in"))
    secret = operations.start_totp_setup(account)
    db.session().commit()
    context = {"qr_svg": codes.totp_qr_svg(secret, account.username), "secret": secret}
    form = SecondFactorForm()
    if not form.validate_on_submit():
        return render_template("accounts/set_up_app.html", form=form, **context)
    return _check_code(account, form, "accounts/set_up_app.html", **context)


@bp.route("/sign-out", methods=["POST"])
@access.signed_in
def sign_out():
    if not EmptyForm().validate_on_submit():
        abort(400)
    operations.sign_out(current_user)
    db.session().commit()
    logout_user()
    language, settings = session.get("language"), session.get("settings")
    session.clear()
    if language:
        session["language"] = language
    if settings:
        session["settings"] = settings
    flash(_("You have signed out."))
    return redirect(url_for("accounts.sign_in"))


# Where "Leave this site quickly" goes: a site anyone might have open.
NEUTRAL_SITE = "https://www.bbc.co.uk/weather"
# A page, not a redirect: the pages' CSP (form-action 'self') would block a form's
# redirect to another site. A refresh at once is a navigation, so it is allowed.
_LEAVING = ('<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta http-equiv="refresh" content="0;url={url}"><title>BBC Weather</title></head>'
            '<body><a href="{url}">BBC Weather</a></body></html>')


@bp.route("/leave", methods=["POST"])
@access.public
@csrf.exempt  # checked here: a page left open too long must still get the child away
def leave_quickly():
    """"Leave this site quickly": end the session on the server, make the browser forget
    it, and go to a neutral site. A plain form button, or a beacon from portal.js."""
    if current_user.is_authenticated and EmptyForm().validate_on_submit():
        operations.sign_out(current_user)
        db.session().commit()
    logout_user()
    session.clear()
    page = _LEAVING.format(lang=current_locale().language_tag, url=NEUTRAL_SITE)
    response = current_app.response_class(page, mimetype="text/html")
    response.headers["Clear-Site-Data"] = '"cookies", "storage"'
    return response


@bp.route("/session/keep-alive", methods=["POST"])
@access.signed_in
def keep_alive():
    """'Stay signed in': from the idle warning, by script or as a plain form."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    seen = sessions.keep_alive(current_user.session_token)
    if request.accept_mimetypes.best == "application/json":
        idle = timedelta(minutes=current_app.config["PORTAL"].idle_minutes)
        return {"csrf": generate_csrf(), "deadline": int((seen + idle).timestamp())}
    return redirect(safe_next(request.form.get("next", "")))


@bp.route("/start", methods=["GET", "POST"])
@access.public
@limiter.limit(_address_limit, methods=["POST"])
def start():
    """Step 1 of setting up a sign-in: the username and code from the card."""
    form = SetupCodeForm()
    if not form.validate_on_submit():
        return render_template("accounts/start.html", form=form)
    username = form.username.data.strip()
    key = f"setup:{username}"
    if not throttle().allows(throttle().attempt(key)):
        return _locked_out()
    code = operations.check_setup_code(username, form.code.data)
    if code is None:
        form.code.errors.append(_("That username and code do not match, or the code is too old. "
                                  "Check your card, or ask your ISRO for a new one"))
        return render_template("accounts/start.html", form=form)
    throttle().clear(key)
    session.clear()
    # Only a random token in the cookie; which code was checked stays on the server.
    session["setup"] = sessions.start_pending(code.account, SessionStage.SETUP,
                                              setup_code_id=code.id)
    db.session().commit()
    return redirect(url_for("accounts.choose_password"))


@bp.route("/start/password", methods=["GET", "POST"])
@access.public
def choose_password():
    """Step 2: the person chooses their own password; then they are signed in."""
    row = sessions.pending(session.get("setup"), SessionStage.SETUP)
    code = operations.live_setup_code(row.setup_code_id) if row else None
    if code is None or code.account_id != row.account_id:
        return redirect(url_for("accounts.start"))
    account = row.account
    form = NewPasswordForm()
    if form.validate_on_submit():
        problem = passwords.password_problem(form.password.data, username=account.username)
        if problem:
            form.password.errors.append(str(problem))
        else:
            operations.set_password(account, form.password.data)
            sessions.end(row)
            session.pop("setup", None)
            if account.needs_second_factor:
                db.session().commit()
                session.clear()
                flash(_("Your password is set. Now sign in with it."))
                return redirect(url_for("accounts.sign_in"))
            flash(_("Your password is set. You are signed in."))
            return _finish_sign_in(account)
    return render_template("accounts/choose_password.html", form=form, account=account)


@bp.route("/settings", methods=["GET", "POST"])
@access.public
def settings():
    """Display settings work before sign-in too (kept in the session until then)."""
    form = SettingsForm(data={**preferences.current(), "language": current_locale().code})
    form.language.choices = [SelectChoice(code, name, render_kw={"lang": code.replace("_", "-")})
                             for code, name in language_choices()]
    if not (current_user.is_authenticated and current_user.role is Role.CHILD):
        for name in preferences.CHILD_ONLY:
            delattr(form, name)
    if form.validate_on_submit():
        kept = preferences.current()
        chosen = {name: kept[name] if getattr(form, name, None) is None
                  else getattr(form, name).data for name in preferences.DEFAULTS}
        clean = preferences.clean(chosen)
        if current_user.is_authenticated:
            operations.save_settings(current_user, clean, form.language.data)
            db.session().commit()
        session["settings"] = clean
        session["language"] = form.language.data
        flash(_("Your settings are saved."))
        return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", form=form,
                           avatar_pictures=preferences.avatar_pictures())


@bp.route("/settings/language", methods=["POST"])
@access.public
def choose_language():
    """The language picker: one tap on a language's own name, no other settings."""
    code = supported(request.form.get("language"))
    if not EmptyForm().validate_on_submit() or code is None:
        abort(400)
    session["language"] = code
    if current_user.is_authenticated:
        operations.save_settings(current_user, preferences.current(), code)
        db.session().commit()
    return redirect(safe_next(request.form.get("next", "")))


@bp.route("/settings/password", methods=["GET", "POST"])
@access.signed_in
@limiter.limit(_address_limit, methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        key = f"password:{current_user.id}"
        if not throttle().allows(throttle().attempt(key)):
            form.current_password.errors.append(_(
                "You have tried too many times. Wait 15 minutes, then try again"))
            return render_template("accounts/change_password.html", form=form), 429
        if not passwords.check_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("That is not your current password"))
        else:
            problem = passwords.password_problem(form.password.data,
                                                 username=current_user.username)
            if problem:
                form.password.errors.append(str(problem))
            else:
                throttle().clear(key)
                account = current_user._get_current_object()
                operations.set_password(account, form.password.data)
                flash(_("Your password is changed. You are signed out everywhere else."))
                return _finish_sign_in(account)
    return render_template("accounts/change_password.html", form=form)


@bp.route("/children/<int:child_id>/sign-in-card", methods=["POST"])
@access.allow(Role.ISRO, Role.MANAGER, child="child_id")
def sign_in_card(child_id: int):
    """Create the child's sign-in if needed, with a new setup code, and show the card once.
    A child who already has a password gets a new card only with a reason (a card lets
    whoever holds it into the child's account), which goes into the audit trail."""
    child = db.session().get(Child, child_id)
    has_password = child.account is not None and child.account.password_hash is not None
    form = NewCardForm() if has_password else EmptyForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors or not has_password:
            abort(400)
        return render_template("accounts/card_reason.html", form=form, child=child)
    try:
        account = child.account or operations.create_child_sign_in(child, by=current_user)
    except operations.NotAllowed:
        flash(_("Children under 4 do not have their own sign-in."))
        return redirect(url_for("pages.child", child_id=child_id))
    code = operations.issue_setup_code(account, by=current_user, child_id=child.id,
                                       reason=form.reason.data.strip() if has_password
                                       else None)
    db.session().commit()
    return render_template("accounts/card.html", child=child, account=account, code=code,
                           isro=child.isro or current_user,
                           days=operations.SETUP_CODE_DAYS)


@bp.route("/children/<int:child_id>/express", methods=["POST"])
@access.allow(Role.ISRO, Role.MANAGER, child="child_id")
def set_express(child_id: int):
    """The ISRO turns Express mode on or off for a child (the child can change it too)."""
    child = db.session().get(Child, child_id)
    if not EmptyForm().validate_on_submit() or child.account is None:
        abort(400)
    on = request.form.get("express") == "on"
    operations.set_express(child.account, on, by=current_user)
    db.session().commit()
    flash(_("Express mode is on for this child.") if on else
          _("Express mode is off for this child."))
    return redirect(url_for("pages.child", child_id=child_id) + "#express-title")
