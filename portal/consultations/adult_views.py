"""Views given through an adult: a carer's observations of an under-4 (and an ISRO's visit
notes), a carer helping an older child with their form, and an advocate's record."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, audit, clock, db, limits
from portal.accounts import queries as people
from portal.accounts.models import Role
from portal.consultations import operations, queries
from portal.consultations.forms import AdvocacyExtra, PictureForm, questionnaire_form
from portal.consultations.models import Kind
from portal.consultations.questionnaires import ADULT_FORMS, any_form, for_age
from portal.i18n import current_locale
from portal.media import keeping

bp = Blueprint("on_behalf", __name__)
UNDER_FOUR = 4


def _child_or_404(child_id: int, *, under_four: bool | None = None):
    child = people.child(child_id)
    age = child.age_on(operations.review_day(child))
    if under_four is True and age >= UNDER_FOUR or under_four is False and age < UNDER_FOUR:
        abort(404)
    return child


def _one_page(child, questionnaire_id: str, heading: str, page_title: str, *,
              advocacy: bool = False):
    """``heading`` may name the child; ``page_title`` never does (titles are shown in
    tabs, history and on shared screens)."""
    questionnaire = any_form(questionnaire_id)
    draft = queries.draft_by(current_user.id, child.id, questionnaire_id)
    form = questionnaire_form(questionnaire, draft.answers if draft else None,
                              extra=AdvocacyExtra if advocacy else None)
    if request.method == "GET" and advocacy and draft:
        form.gathered_how.data = draft.gathered_how
        form.gathered_on.data, form.consent.data = draft.gathered_on, draft.consent
        form.consent_note.data = draft.consent_note
    if form.validate_on_submit():
        draft = draft or operations.start_adult_form(child, current_user, questionnaire_id,
                                                     language=current_locale().code)
        operations.save_adult_answers(draft, {q.id: getattr(form, f"q_{q.id}").data
                                              for q in questionnaire.questions})
        if advocacy:
            operations.record_gathering(draft, how=form.gathered_how.data or [],
                                        on=form.gathered_on.data or clock.today(),
                                        consent=form.consent.data or "all",
                                        consent_note=form.consent_note.data or "")
        if request.form.get("action") == "send":
            texts = [str(value) for value in (draft.answers or {}).values()]
            if not limits.may_send(limits.UPLOADS, *texts):
                db.session().commit()  # the answers are kept as a draft
                getattr(form, f"q_{questionnaire.questions[0].id}").errors = [
                    str(limits.TOO_MANY)]
                return _render(child, questionnaire, form, heading, page_title, advocacy), 429
            try:
                operations.send(draft)
            except operations.NothingToSend:
                db.session().rollback()
                getattr(form, f"q_{questionnaire.questions[0].id}").errors = [
                    _("Answer at least one question before you send")]
                return _render(child, questionnaire, form, heading, page_title, advocacy)
            db.session().commit()
            flash(_("Sent to the ISRO."))
            return redirect(url_for("pages.home"))
        db.session().commit()
        flash(_("Saved. You can come back and finish it later."))
        return redirect(request.path)
    return _render(child, questionnaire, form, heading, page_title, advocacy)


def _render(child, questionnaire, form, heading, page_title, advocacy):
    return render_template("consultations/one_page.html", child=child, form=form,
                           questionnaire=questionnaire, heading=heading,
                           page_title=page_title, advocacy=advocacy,
                           fields=[(getattr(form, f"q_{q.id}"),
                                    {o.value: o.picture for o in q.options if o.picture})
                                   for q in questionnaire.questions])


@bp.route("/children/<int:child_id>/observations", methods=["GET", "POST"])
@access.allow(Role.CARER, Role.ISRO, Role.MANAGER, child="child_id")
def observations(child_id: int):
    """Carers record how an under-4 is; an ISRO records what they saw on a visit."""
    child = _child_or_404(child_id, under_four=True)
    audit.staff_viewed("staff.viewed_observations", child_id=child_id, subject="observations")
    visit = current_user.is_staff
    questionnaire = ADULT_FORMS["visit" if visit else "observation"]
    return _one_page(child, questionnaire.id,
                     f"{questionnaire.title}: {child.preferred_name}", str(questionnaire.title))


@bp.route("/children/<int:child_id>/observations/photo", methods=["GET", "POST"])
@access.allow(Role.CARER, child="child_id")
def observation_photo(child_id: int):
    child = _child_or_404(child_id, under_four=True)
    form = PictureForm()
    del form.visibility  # a carer's photo of a toddler's play goes to the ISRO
    if form.validate_on_submit():
        if not limits.may_send(limits.UPLOADS, form.title.data, form.words.data):
            form.file.errors.append(str(limits.TOO_MANY))
            return render_template("consultations/observation_photo.html", form=form,
                                   child=child), 429
        try:
            operations.add_file(child, current_user, Kind.PICTURE, form.file.data.read(),
                                title=form.title.data or "", words=form.words.data or "",
                                language=current_locale().code)
        except keeping.PROBLEMS as problem:
            form.file.errors.append(keeping.upload_problem(problem))
        else:
            flash(_("The photo is sent to the ISRO."))
            return redirect(url_for("pages.home"))
    return render_template("consultations/observation_photo.html", form=form, child=child)


@bp.route("/children/<int:child_id>/help-with-form", methods=["GET", "POST"])
@access.allow(Role.CARER, child="child_id")
def help_with_form(child_id: int):
    """A carer sits with a child they care for and helps with the child's form."""
    child = _child_or_404(child_id, under_four=False)
    questionnaire = for_age(child.age_on(operations.review_day(child)))
    return _one_page(child, questionnaire.id,
                     _("Help %(name)s with their form", name=child.preferred_name),
                     _("Help a child with their form"))


@bp.route("/children/<int:child_id>/advocacy", methods=["GET", "POST"])
@access.allow(Role.ADVOCATE, child="child_id")
def advocacy(child_id: int):
    child = _child_or_404(child_id, under_four=False)
    return _one_page(child, "advocacy",
                     _("%(name)s's views, given to you", name=child.preferred_name),
                     _("A child's views, given to you"), advocacy=True)
