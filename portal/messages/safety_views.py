"""Safeguarding: the child's one-tap "I don't feel safe", the staff Safety page,
acknowledging and clearing flags, and the managers' view of the word lists.

"I don't feel safe" is never rate-limited, and needs no CSRF token: the session cookie
is SameSite=Lax, so another site cannot post it as the child, and a page left open for
hours must still work.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, audit, clock, db
from portal.accounts import queries as people
from portal.accounts.forms import EmptyForm
from portal.accounts.models import Role
from portal.i18n import current_locale
from portal.messages import flags, operations, queries, reading
from portal.messages.forms import ClearFlagForm, SafetyTestForm, TellMoreForm
from portal.messages.safety import find_entries, word_lists
from portal.security import csrf

bp = Blueprint("safety", __name__)
access.register_subject("flag_id", queries.may_see_flag)
STAFF = (Role.ISRO, Role.MANAGER)
CLEARED_SHOWN_DAYS = 14


def _own_child():
    children = people.children_for(current_user)
    return children[0] if children else None


def _send_unsafe(body: str) -> None:
    child = _own_child()
    if child is None:
        return
    conversation = operations.conversation_for(child, current_user)
    operations.send(conversation, current_user, body, language=current_locale().code,
                    feels_unsafe=True)


@bp.route("/safe", methods=["GET", "POST"])
@access.allow(Role.CHILD)
@csrf.exempt
def feel_unsafe():
    """One tap: the flag is raised before anything is asked."""
    if request.method == "POST":
        _send_unsafe("")
        return redirect(url_for(".told"))
    return render_template("safety/feel_unsafe.html", form=EmptyForm())


@bp.route("/safe/told", methods=["GET", "POST"])
@access.allow(Role.CHILD)
@csrf.exempt
def told():
    """What happens now, the truth about when a person will read it, and one optional
    question: "Do you want to tell us more?"."""
    form = TellMoreForm(meta={"csrf": False})
    if request.method == "POST" and form.validate():
        if (form.body.data or "").strip():
            _send_unsafe(form.body.data)
            flash(_("Thank you for telling us more. It is sent."))
        return redirect(url_for(".told"))
    return render_template("safety/told.html", form=form, when_read=reading.when_read(),
                           after_hours=reading.next_reader() is not None)


@bp.route("/safety")
@access.allow(*STAFF)
def safety():
    found = queries.open_flags_for(current_user)
    audit.record_for_children("staff.viewed_flags", [flag.child_id for flag in found],
                              actor_id=current_user.id, subject="safety.safety")
    db.session().commit()
    since = clock.now() - timedelta(days=CLEARED_SHOWN_DAYS)
    return render_template("safety/index.html", flags=found, now=clock.now(),
                           cleared=queries.cleared_flags_for(current_user, since),
                           form=EmptyForm(), clear_form=ClearFlagForm())


def _back(flag) -> str:
    target = request.form.get("back", "")
    if target == "child":
        return url_for("pages.child", child_id=flag.child_id) + "#flags"
    return url_for(".safety")


@bp.route("/flags/<int:flag_id>/acknowledge", methods=["POST"])
@access.allow(*STAFF, subject="flag_id")
def acknowledge(flag_id: int):
    flag = queries.flag(flag_id)
    if EmptyForm().validate_on_submit():
        flags.acknowledge(flag, current_user)
        db.session().commit()
        flash(_("You have acknowledged the flag. Clear it with a note when you have acted."))
    return redirect(_back(flag))


@bp.route("/flags/<int:flag_id>/clear", methods=["POST"])
@access.allow(*STAFF, subject="flag_id")
def clear_flag(flag_id: int):
    flag = queries.flag(flag_id)
    form = ClearFlagForm()
    if form.validate_on_submit():
        flags.clear(flag, current_user, form.note.data)
        db.session().commit()
        flash(_("The flag is cleared. Your note is kept with it."))
    else:
        flash(_("Write what you did before clearing the flag."))
    return redirect(_back(flag))


@bp.route("/safety/words", methods=["GET", "POST"])
@access.allow(Role.MANAGER)
def words():
    """Every list with its review status, and a box to test a phrase (posted, so the
    phrase never sits in a URL or a log)."""
    form = SafetyTestForm()
    found = find_entries(form.phrase.data) if form.validate_on_submit() else None
    return render_template("safety/words.html", lists=word_lists(), form=form, found=found)


@bp.route("/safety/words/<code>")
@access.allow(Role.MANAGER)
def word_list(code: str):
    words = word_lists().get(code)
    if words is None:
        abort(404)
    return render_template("safety/word_list.html", code=code, words=words)
