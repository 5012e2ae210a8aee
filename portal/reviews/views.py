"""Reviews for staff (schedule, record, plans, letter editor) and letters for children."""
from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, audit, clock, db
from portal.accounts import queries as people
from portal.accounts.models import Role
from portal.i18n import RequestLocale, current_locale
from portal.media import pipeline
from portal.messages import queries as conversations
from portal.numbers import parse_int
from portal.planning import booking as planning
from portal.reviews import operations, participation, queries, timescales
from portal.reviews import you_said as linking
from portal.reviews.forms import PlansForm, RecordForm, ScheduleForm, letter_form_class
from portal.reviews.letters import SECTIONS, reading_age

bp = Blueprint("reviews", __name__)
access.register_subject("review_id", queries.may_see_review)
access.register_subject("letter_id", queries.may_see_letter)
access.register_owned("review", queries.is_childs_review)
access.register_owned("letter", queries.is_childs_letter)
STAFF = (Role.ISRO, Role.MANAGER)
READERS = (Role.CHILD, Role.CARER, Role.ISRO, Role.MANAGER)
# Tagged PDF, so screen readers can follow the letter's headings and reading order.
PDF_OPTIONS = {"pdf_tags": True}


def _london(day, hhmm: str) -> datetime | None:
    from zoneinfo import ZoneInfo

    try:
        hour, minute = (int(part) for part in hhmm.replace(".", ":").split(":"))
        return datetime.combine(day, time(hour, minute), ZoneInfo("Europe/London")).astimezone(UTC)
    except ValueError:
        return None


@bp.route("/children/<int:child_id>/schedule-review", methods=["GET", "POST"])
@access.allow(*STAFF, child="child_id")
def schedule(child_id: int):
    child = people.child(child_id)
    audit.staff_viewed("staff.viewed_schedule", child_id=child_id, subject="schedule")
    kind, due = operations.next_due(child)
    upcoming = queries.next_reviews([child_id]).get(child_id)
    form = ScheduleForm(obj=upcoming) if request.method == "GET" and upcoming else ScheduleForm()
    if request.method == "GET" and upcoming and upcoming.scheduled_for:
        from flask_babel import to_user_timezone

        local = to_user_timezone(upcoming.scheduled_for)
        form.day.data, form.time.data = local.date(), local.strftime("%H:%M")
    prefilled = request.method == "GET" and planning.prefill_booking(form, child_id)
    not_working_day = None
    if form.validate_on_submit():
        when = _london(form.day.data, form.time.data)
        if when is None:
            form.time.errors.append(_("Enter the time, for example 14:30"))
        elif form.day.data < clock.today():
            form.day.errors.append(_("Choose a day from today on. To record a review that "
                                     "has happened, use “Record” on the child's page"))
        elif (not timescales.is_working_day(form.day.data)
              and request.form.get("confirm") != form.day.data.isoformat()):
            not_working_day = form.day.data  # asked once: book it anyway?
        else:
            operations.schedule(child, current_user, scheduled_for=when, place=form.place.data,
                                invited=form.invited.data,
                                interpreter_needed=form.interpreter_needed.data)
            db.session().commit()
            flash(_("The review is booked."))
            return redirect(url_for("pages.child", child_id=child_id))
    # One source for the statutory date: reg. 33, from the reviews held so far.
    held = [r.held_on for r in queries.reviews_of(child_id) if r.held_on]
    return render_template("reviews/schedule.html", form=form, child=child, kind=kind,
                           due_on=due, last_held=max(held, default=None),
                           looked_after_since=child.looked_after_since,
                           days_late=timescales.days_late(due, None, clock.today()),
                           not_working_day=not_working_day, prefilled=prefilled,
                           bank_holiday=not_working_day and not_working_day.weekday() < 5)


@bp.route("/reviews/<int:review_id>/record", methods=["GET", "POST"])
@access.allow(*STAFF, subject="review_id")
def record(review_id: int):
    review = queries.review(review_id)
    audit.staff_viewed("staff.viewed_review", child_id=review.child_id,
                       subject=f"review:{review.id}")
    form = RecordForm(obj=review)
    if request.method == "GET":
        # A booked meeting still to come is not pre-filled as "held".
        form.held_on.data = review.held_on or min(review.day, clock.today())
        if review.child_attended is not None:
            form.child_attended.data = "yes" if review.child_attended else "no"
    attended = form.child_attended.data == "yes" if form.child_attended.data else None
    suggestion = operations.suggested_code(review, attended)
    if request.method == "GET" and not review.participation_code:
        form.code.data = suggestion
    if form.validate_on_submit() and _late_reason_given(form, review):
        try:
            operations.record(review, current_user, held_on=form.held_on.data,
                              child_attended=form.child_attended.data == "yes",
                              attended=form.attended.data, code=form.code.data)
        except operations.InvalidCode as problem:
            form.code.errors.append(str(problem))
        except operations.NotHeldYet:
            form.held_on.errors.append(_("A review cannot be recorded as held on a day that "
                                         "has not come yet"))
        else:
            late = _is_late(review.due_on, form.held_on.data)
            review.late_reason = form.late_reason.data if late else None
            review.late_note = (form.late_note.data or "").strip() or None \
                if late and form.late_reason.data == "other" else None
            db.session().commit()
            flash(_("The review is recorded."))
            return redirect(url_for(".plans", review_id=review_id))
    return render_template("reviews/record.html", form=form, review=review,
                           suggestion=suggestion, codes=participation.CODES)


def _is_late(due_on, held_on) -> bool:
    return queries.due_status(due_on, held_on) == "overdue"


def _late_reason_given(form: RecordForm, review) -> bool:
    """A review held after its due date needs a reason ("Other" needs a note). A day still
    to come is refused by operations.record, with its own message, first."""
    if form.held_on.data > clock.today() or not _is_late(review.due_on, form.held_on.data):
        return True
    if not form.late_reason.data:
        form.late_reason.errors.append(_("The review was held after the day it was due. "
                                         "Choose why it was late"))
        return False
    if form.late_reason.data == "other" and not (form.late_note.data or "").strip():
        form.late_note.errors.append(_("Say why the review was late"))
        return False
    return True


@bp.route("/reviews/<int:review_id>/plans", methods=["GET", "POST"])
@access.allow(*STAFF, subject="review_id")
def plans(review_id: int):
    review = queries.review(review_id)
    audit.staff_viewed("staff.viewed_plans", child_id=review.child_id,
                       subject=f"review:{review.id}")
    form = PlansForm()
    if request.method == "GET":
        form.plans.data = "\n".join(p.text for p in review.plans)
    if form.validate_on_submit():
        operations.publish_plans(review, form.plans.data.splitlines(), current_user)
        db.session().commit()
        flash(_("The plans are published. The child can read them now."))
        return redirect(url_for("pages.child", child_id=review.child_id))
    return render_template("reviews/plans.html", form=form, review=review)


def _links_from_form(form, rows: int, allowed: set[str], name: str) -> list[tuple[str, str]]:
    """(source, decision) pairs from the "You said, we did" rows; errors on the fields."""
    links = []
    for n in range(1, rows + 1):
        said, so = form[f"said_{n}"], form[f"so_{n}"]
        source, decision = (said.data or "").strip(), (so.data or "").strip()
        if not source and not decision:
            continue
        if source not in allowed:
            said.errors = [*said.errors, _("Choose something %(name)s said from the list",
                                           name=name) if source else
                           _("Choose what %(name)s said that this decision answers", name=name)]
        elif not decision:
            so.errors = [*so.errors, _("Write what was decided because of it")]
        else:
            links.append((source, decision))
    return links


def _letter_from_form(form) -> tuple[dict, list]:
    sections = {key: getattr(form, key).data or "" for key, _label in SECTIONS}
    actions = [{"who": getattr(form, f"who_{n}").data or "",
                "what": getattr(form, f"what_{n}").data or "",
                "by": getattr(form, f"by_{n}").data.isoformat() if getattr(form, f"by_{n}").data
                else ""} for n in range(1, 5)]
    return sections, actions


@bp.route("/reviews/<int:review_id>/letter", methods=["GET", "POST"])
@access.allow(*STAFF, subject="review_id")
def letter(review_id: int):
    review = queries.review(review_id)
    item = queries.letter_for(review_id)
    if item is None:
        flash(_("Record the review first: the letter opens when the review is recorded."))
        return redirect(url_for(".record", review_id=review_id))
    rows = linking.rows_for(item)
    form = letter_form_class(rows)()
    words = linking.childs_words(item)
    options = linking.choices(item, words)
    for n in range(1, rows + 1):
        form[f"said_{n}"].choices = [("", _("Choose what the child said"))] + options
    if request.method == "GET":
        for n, link in enumerate(item.you_said or [], start=1):
            form[f"said_{n}"].data, form[f"so_{n}"].data = link.get("source"), link.get("so")
        form.lock_version.data = item.lock_version
        form.shared_with_carer.data = item.shared_with_carer
        for key, _label in SECTIONS:
            getattr(form, key).data = item.sections.get(key, "")
        for n, action in enumerate(item.actions[:4], start=1):
            getattr(form, f"who_{n}").data = action.get("who")
            getattr(form, f"what_{n}").data = action.get("what")
            getattr(form, f"by_{n}").data = (datetime.fromisoformat(action["by"]).date()
                                             if action.get("by") else None)
    stale = False
    valid = form.validate_on_submit()
    links = _links_from_form(form, rows, {key for key, _label in options},
                             item.child.preferred_name) if valid else []
    if valid and not any(form[f"{part}_{n}"].errors for part in ("said", "so")
                         for n in range(1, rows + 1)):
        sections, actions = _letter_from_form(form)
        try:
            operations.save_letter(item, current_user, sections=sections, actions=actions,
                                   shared_with_carer=form.shared_with_carer.data,
                                   lock_version=parse_int(form.lock_version.data) or 0,
                                   you_said=links)
        except operations.StaleLetter:
            stale = True
            item = queries.letter_for(review_id)
        except linking.NotTheChildsWords:  # gone from the list since the page was drawn
            db.session().rollback()
            item = queries.letter_for(review_id)
            form.said_1.errors = [_("Choose something %(name)s said from the list",
                                    name=item.child.preferred_name)]
        else:
            action = request.form.get("action", "save")
            if action == "publish":
                operations.publish_letter(item, current_user, item.child.language)
                db.session().commit()
                flash(_("The letter is published. The child can read it now."))
                return redirect(url_for(".read", letter_id=item.id))
            db.session().commit()
            if action == "preview":
                return render_template("reviews/letter_read.html", letter=item,
                                       version=None, draft=True, **_reader_context(item))
            flash(_("The letter is saved."))
            return redirect(url_for(".letter", review_id=review_id))
    language = item.child.language or "en"
    ages = {key: reading_age(getattr(form, key).data or "", language) for key, _l in SECTIONS}
    whole = reading_age(" ".join(getattr(form, key).data or "" for key, _l in SECTIONS), language)
    # The pick-list shows the child's own words: a staff read of their content.
    audit.record("staff.viewed_words_for_letter", actor_id=current_user.id,
                 child_id=item.child_id, subject=f"letter:{item.id}",
                 shown=[said.key for said in words])
    audit.staff_viewed("staff.viewed_letter_editor", child_id=item.child_id,
                       subject=f"letter:{item.id}")
    return render_template("reviews/letter_edit.html", form=form, letter=item, review=review,
                           you_said_rows=rows,
                           questions=conversations.questions_about([item.id]),
                           stale=stale, ages=ages, whole=whole, sections=SECTIONS,
                           child_age=item.child.age_on(review.day))


def _reader_context(item) -> dict:
    return {"sections": SECTIONS, "child": item.child,
            "review": item.review, "next_review": queries.next_reviews([item.child_id]).get(
                item.child_id)}


@bp.route("/letters/<int:letter_id>")
@access.allow(*READERS, subject="letter_id")
def read(letter_id: int):
    item = queries.letter(letter_id)
    version = item.latest
    if version is None:
        abort(404)
    if current_user.role is Role.CHILD:
        operations.mark_seen(version)
        db.session().commit()
    audit.staff_viewed("staff.viewed_letter", child_id=item.child_id, subject=f"letter:{item.id}")
    return render_template("reviews/letter_read.html", letter=item, version=version,
                           draft=False, questions=conversations.questions_about([item.id]),
                           **_reader_context(item))


@bp.route("/letters/<int:letter_id>/understood", methods=["POST"])
@access.allow(Role.CHILD, subject="letter_id")
def understood(letter_id: int):
    operations.understood(queries.letter(letter_id).latest)
    db.session().commit()
    flash(_("Thank you. Your ISRO will see that you understand your letter."))
    return redirect(url_for(".read", letter_id=letter_id))


@bp.route("/letters/<int:letter_id>/letter.pdf")
@access.allow(*READERS, subject="letter_id")
def pdf(letter_id: int):
    item = queries.letter(letter_id)
    audit.staff_viewed("staff.viewed_letter_pdf", child_id=item.child_id,
                       subject=f"letter:{item.id}")
    version = item.latest
    if version is None:
        abort(404)
    language = version.language or "en"
    with force_locale({"en": "en_GB"}.get(language, language)):
        html = render_template("reviews/letter_pdf.html", letter=item, version=version,
                               locale=RequestLocale.for_code(language), **_reader_context(item))
    from weasyprint import HTML

    pipeline.refuse_cut_off_pictures()  # importing WeasyPrint told Pillow to patch them up

    document = HTML(string=html, base_url=request.url_root).write_pdf(**PDF_OPTIONS)
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="my-say-letter-{item.id}.pdf"',
        "Cache-Control": "private, no-store"})


@bp.route("/my-letters")
@access.allow(Role.CHILD, Role.CARER)
def my_letters():
    children = people.children_for(current_user)
    letters = [letter for letter in queries.letters_for(c.id for c in children)
               if access_letter(letter)]
    plans = {c.id: queries.reviews_with_plans(c.id) for c in children} \
        if current_user.role is Role.CHILD else {}
    return render_template("reviews/my_letters.html", letters=letters, plans=plans,
                           children=children, locale=current_locale())


def access_letter(item) -> bool:
    return queries.may_see_letter(current_user, item.id)
