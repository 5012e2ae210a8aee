"""Messages: a child, carer or advocate with the child's ISRO; the ISRO's inbox; flags."""
from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, audit, db, limits, receipts
from portal.accounts import queries as people
from portal.accounts.models import Role
from portal.i18n import current_locale
from portal.media import keeping
from portal.media.serving import app_store, send_stored
from portal.messages import operations, queries, reading
from portal.messages.forms import MessageForm, ProfileForm, ReplyForm
from portal.numbers import parse_id
from portal.transcripts.reading import for_staff as transcript_for_staff

bp = Blueprint("messages", __name__)
access.register_subject("conversation_id", queries.may_see_id)
PARTICIPANTS = (Role.CHILD, Role.CARER, Role.ADVOCATE)
STAFF = (Role.ISRO, Role.MANAGER)
@bp.route("/messages")
@access.allow(*PARTICIPANTS)
def index():
    children = people.children_for(current_user)
    if current_user.role is Role.CHILD and children:
        return redirect(url_for(".thread", child_id=children[0].id))
    return render_template("messages/index.html", children=children)


def _too_many(form) -> int:
    form.body.errors.append(str(limits.TOO_MANY))
    return 429


@bp.route("/messages/about/<int:child_id>", methods=["GET", "POST"])
@access.allow(*PARTICIPANTS, child="child_id", owns=("letter",))
def thread(child_id: int):
    child = people.child(child_id)
    conversation = queries.find_conversation(child_id, current_user.id)
    form = MessageForm()
    if current_user.role is not Role.CHILD:
        del form.feels_unsafe
    # "I have a question" on a letter: the message is linked to that letter (checked by
    # the access rule to be this child's).
    letter_id = parse_id(request.values.get("letter"))
    if request.method == "GET" and letter_id:
        form.body.data = _("I have a question about my letter: ")
    status = 200
    if form.validate_on_submit():
        feels_unsafe = bool(getattr(form, "feels_unsafe", None) and form.feels_unsafe.data)
        if not limits.may_send(limits.MESSAGES, form.body.data, feels_unsafe=feels_unsafe):
            status = _too_many(form)
        else:
            sent = _send(child, conversation, form, feels_unsafe, letter_id)
            if sent is not None:
                if sent.raised_flags and current_user.role is Role.CHILD:
                    return redirect(url_for("safety.told"))
                flash(_("Sent.") + " " + reading.when_read())
                return redirect(url_for(".thread", child_id=child_id))
    if conversation is not None and not form.errors:
        operations.mark_read(conversation, current_user)
        db.session().commit()
    shown = queries.messages_in(conversation.id) if conversation else []
    mine = [m for m in shown if m.author_id == current_user.id]
    read = receipts.for_messages(child.id, conversation.id, mine) if conversation else {}
    return render_template("messages/thread.html", child=child, conversation=conversation,
                           messages=shown, receipts=read, form=form,
                           letter_id=letter_id), status


def _send(child, conversation, form, feels_unsafe: bool, letter_id: int | None):
    conversation = conversation or operations.conversation_for(child, current_user)
    upload = form.attachment.data
    try:
        return operations.send(conversation, current_user, form.body.data,
                               language=current_locale().code, feels_unsafe=feels_unsafe,
                               attachment=upload.read() if upload else None,
                               letter_id=letter_id)
    except keeping.PROBLEMS as problem:
        form.attachment.errors.append(keeping.upload_problem(problem))
        return None


@bp.route("/inbox")
@access.allow(*STAFF)
def inbox():
    return render_template("messages/inbox.html", rows=queries.inbox(current_user))


@bp.route("/conversations/<int:conversation_id>", methods=["GET", "POST"])
@access.allow(*STAFF, subject="conversation_id")
def conversation(conversation_id: int):
    item = queries.conversation(conversation_id)
    form = ReplyForm()
    status = 200
    if form.validate_on_submit():
        if not limits.may_send(limits.MESSAGES):
            status = _too_many(form)
        else:
            operations.send(item, current_user, form.body.data, language=current_locale().code)
            flash(_("Your reply is sent."))
            return redirect(url_for(".conversation", conversation_id=conversation_id))
    operations.mark_read(item, current_user)
    audit.staff_viewed("staff.viewed_messages", child_id=item.child_id,
                       subject=f"conversation:{item.id}")
    return render_template("messages/conversation.html", item=item, form=form,
                           messages=queries.messages_in(item.id),
                           flagged=queries.flagged_message_ids(item.id),
                           flags=queries.open_flags(item.child_id),
                           transcript_of=partial(transcript_for_staff,
                                                 child_id=item.child_id)), status


@bp.route("/message-files/<int:conversation_id>/<int:message_id>")
@access.allow(*PARTICIPANTS, *STAFF, subject="conversation_id")
def attachment(conversation_id: int, message_id: int):
    message = next((m for m in queries.messages_in(conversation_id) if m.id == message_id), None)
    if message is None or message.file is None:
        abort(404)
    audit.staff_viewed("staff.viewed_file", child_id=message.conversation.child_id,
                       subject=f"message:{message.id}")
    store = app_store()
    return send_stored(store, message.file.name, message.file.content_type)


@bp.route("/meet-your-isro")
@access.allow(*PARTICIPANTS)
def meet_isro():
    children = people.children_for(current_user)
    isro = children[0].isro if children else None
    return render_template("messages/meet.html", isro=isro,
                           profile=queries.profile(isro.id) if isro else None)


@bp.route("/profile", methods=["GET", "POST"])
@access.allow(Role.ISRO)
def profile():
    existing = queries.profile(current_user.id)
    form = ProfileForm(obj=existing)
    if form.validate_on_submit():
        upload = form.photo.data
        if upload and not limits.may_send(limits.UPLOADS):
            form.photo.errors.append(str(limits.TOO_MANY))
            return render_template("messages/profile.html", form=form, profile=existing), 429
        try:
            operations.save_profile(current_user, form.about.data, form.working_hours.data,
                                    upload.read() if upload else None)
        except keeping.PROBLEMS as problem:
            form.photo.errors.append(keeping.upload_problem(problem))
        else:
            flash(_("Your page is saved. This is how children see it."))
            return redirect(url_for(".isro_page", account_id=current_user.id))
    return render_template("messages/profile.html", form=form, profile=existing)


@bp.route("/isro/<int:account_id>")
@access.allow(Role.ISRO, Role.MANAGER)
def isro_page(account_id: int):
    """The ISRO's own preview of 'Meet your ISRO' (and a manager's)."""
    isro = people.account(account_id)
    if isro is None or isro.role is not Role.ISRO:
        abort(404)
    return render_template("messages/meet.html", isro=isro, profile=queries.profile(account_id))


@bp.route("/isro/<int:account_id>/photo")
@access.signed_in
def isro_photo(account_id: int):
    found = queries.profile(account_id)
    if found is None or not found.photo_name:
        abort(404)
    store = app_store()
    return send_stored(store, found.photo_name, "image/jpeg" if found.photo_name.endswith(
        ".jpg") else "image/png")
