"""Before my review: the child's form, pictures, poems and voice notes, and My things."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, audit, db, limits, receipts
from portal.accounts.models import Role
from portal.consultations import operations, queries
from portal.consultations.forms import (
    ChooseFormForm,
    PictureForm,
    PoemForm,
    VoiceForm,
    question_form,
)
from portal.consultations.models import Kind, Submission
from portal.consultations.questionnaires import NOT_SURE, QUESTIONNAIRES, SECTIONS, any_form
from portal.i18n import current_locale
from portal.media import keeping
from portal.media.serving import app_store, send_stored
from portal.messages import queries as flag_queries
from portal.messages import reading

bp = Blueprint("consultations", __name__)
access.register_subject("submission_id", queries.may_see_id)
access.register_owned("submission", queries.is_childs)
CHILD = Role.CHILD
STAFF_AND_CARERS = (Role.ISRO, Role.MANAGER, Role.CARER)


def _child():
    return current_user.child


def _draft_or_none() -> Submission | None:
    return queries.draft_form(_child().id)


@bp.route("/my-say")
@access.allow(CHILD)
def start():
    child = _child()
    draft = _draft_or_none()
    questionnaire = QUESTIONNAIRES[draft.questionnaire if draft else
                                   operations.suggested_questionnaire(child)]
    return render_template("consultations/start.html", draft=draft, questionnaire=questionnaire,
                           shown=questionnaire.shown(draft.answers if draft else {}),
                           review_day=operations.review_day(child), form=ChooseFormForm())


@bp.route("/my-say/form/start", methods=["POST"])
@access.allow(CHILD)
def start_form():
    draft = _draft_or_none() or operations.start_form(_child(), current_user,
                                                      language=current_locale().code)
    db.session().commit()
    questionnaire = QUESTIONNAIRES[draft.questionnaire]
    unanswered = [q for q in questionnaire.shown(draft.answers) if q.id not in draft.answers]
    first = (unanswered or questionnaire.shown(draft.answers))[0]
    return redirect(url_for(".question", question_id=first.id))


@bp.route("/my-say/form/choose", methods=["GET", "POST"])
@access.allow(CHILD)
def choose_form():
    form = ChooseFormForm()
    form.questionnaire.choices = [(q.id, q.title) for q in QUESTIONNAIRES.values()]
    draft = _draft_or_none()
    if request.method == "GET":
        form.questionnaire.data = (draft.questionnaire if draft else
                                   operations.suggested_questionnaire(_child()))
    if form.validate_on_submit():
        if draft is None:
            draft = operations.start_form(_child(), current_user, form.questionnaire.data,
                                          language=current_locale().code)
        else:
            operations.switch_questionnaire(draft, form.questionnaire.data)
        db.session().commit()
        return redirect(url_for(".start"))
    return render_template("consultations/choose.html", form=form,
                           questionnaires=QUESTIONNAIRES)


def _position(questions, question_id: str) -> int:
    return next(i for i, q in enumerate(questions) if q.id == question_id)


@bp.route("/my-say/form/<question_id>", methods=["GET", "POST"])
@access.allow(CHILD)
def question(question_id: str):
    draft = _draft_or_none()
    if draft is None:
        return redirect(url_for(".start"))
    questionnaire = QUESTIONNAIRES[draft.questionnaire]
    q = questionnaire.question(question_id)
    if q is None:
        abort(404)
    shown = questionnaire.shown(draft.answers)
    if q not in shown:
        return redirect(url_for(".check"))
    changing = request.args.get("change") == "1"
    form = question_form(q, draft.answers.get(q.id))
    if request.method == "POST":
        action = request.form.get("action", "next")
        if action in ("skip", NOT_SURE):
            operations.save_answer(draft, q, None, "skipped" if action == "skip" else NOT_SURE)
        elif form.validate_on_submit():
            value = form.answer.data
            operations.save_answer(draft, q, value,
                                   NOT_SURE if value == NOT_SURE else "answered")
        else:
            return _render_question(draft, questionnaire, q, form, changing)
        db.session().commit()
        shown = questionnaire.shown(draft.answers)  # an answer may show or hide a question
        position = _position(shown, q.id)
        if changing or position + 1 >= len(shown):
            return redirect(url_for(".check"))
        return redirect(url_for(".question", question_id=shown[position + 1].id))
    return _render_question(draft, questionnaire, q, form, changing)


def _render_question(draft, questionnaire, q, form, changing: bool):
    shown = questionnaire.shown(draft.answers)
    position = _position(shown, q.id)
    back = (url_for(".check") if changing else
            url_for(".question", question_id=shown[position - 1].id) if position else
            url_for(".start"))
    return render_template(
        "consultations/question.html", form=form, question=q, section=SECTIONS[q.section],
        number=position + 1, total=len(shown), back=back, changing=changing,
        pictures={o.value: o.picture for o in q.options if o.picture},
        offers_not_sure=NOT_SURE not in {o.value for o in q.options} and q.kind != "faces",
    )


@bp.route("/my-say/form/check")
@access.allow(CHILD)
def check():
    draft = _draft_or_none()
    if draft is None:
        return redirect(url_for(".start"))
    questionnaire = QUESTIONNAIRES[draft.questionnaire]
    return render_template("consultations/check.html", draft=draft,
                           questions=questionnaire.shown(draft.answers), sections=SECTIONS,
                           form=ChooseFormForm(), error=request.args.get("error"))


@bp.route("/my-say/form/send", methods=["POST"])
@access.allow(CHILD)
def send_form():
    draft = _draft_or_none()
    if draft is None:
        return redirect(url_for(".start"))
    try:
        operations.send(draft)
    except operations.NothingToSend:
        return redirect(url_for(".check", error="empty"))
    db.session().commit()
    return redirect(url_for(".sent", submission_id=draft.id))


@bp.route("/my-say/sent/<int:submission_id>")
@access.allow(CHILD, subject="submission_id")
def sent(submission_id: int):
    flagged = flag_queries.submission_flagged(submission_id)
    return render_template("consultations/sent.html", item=queries.submission(submission_id),
                           flagged=flagged, when_read=reading.when_read() if flagged else None)


def _upload(kind: Kind, form, template: str):
    if form.validate_on_submit():
        words = getattr(form, "words", None) and form.words.data
        if not limits.may_send(limits.UPLOADS, form.title.data, words):
            form.file.errors.append(str(limits.TOO_MANY))
            return render_template(template, form=form), 429
        upload = form.file.data
        try:
            item = operations.add_file(
                _child(), current_user, kind, upload.read(),
                title=form.title.data or "", words=getattr(form, "words", None) and
                form.words.data or "", visibility=form.visibility.data,
                language=current_locale().code)
        except keeping.PROBLEMS as problem:
            form.file.errors.append(keeping.upload_problem(problem))
        else:
            return redirect(url_for(".sent", submission_id=item.id))
    return render_template(template, form=form)


@bp.route("/my-say/picture", methods=["GET", "POST"])
@access.allow(CHILD)
def picture():
    return _upload(Kind.PICTURE, PictureForm(), "consultations/picture.html")


@bp.route("/my-say/voice", methods=["GET", "POST"])
@access.allow(CHILD)
def voice():
    return _upload(Kind.VOICE, VoiceForm(), "consultations/voice.html")


@bp.route("/my-say/poem", methods=["GET", "POST"])
@access.allow(CHILD)
def poem():
    form = PoemForm()
    if form.validate_on_submit():
        if not limits.may_send(limits.UPLOADS, form.title.data, form.text.data):
            form.text.errors.append(str(limits.TOO_MANY))
            return render_template("consultations/poem.html", form=form), 429
        item = operations.add_poem(_child(), current_user, form.title.data or "", form.text.data,
                                   form.visibility.data, current_locale().code)
        db.session().commit()
        return redirect(url_for(".sent", submission_id=item.id))
    return render_template("consultations/poem.html", form=form)


@bp.route("/my-things")
@access.allow(CHILD)
def my_things():
    child = _child()
    items = queries.sent_by_child(child.id)
    return render_template("consultations/my_things.html", items=items,
                           receipts=receipts.for_things(child.id, [i.id for i in items]))


@bp.route("/things/<int:submission_id>")
@access.allow(CHILD, *STAFF_AND_CARERS, subject="submission_id")
def thing(submission_id: int):
    """One thing a child sent: for the child, or for staff (audited)."""
    item = queries.submission(submission_id)
    if current_user.role is not CHILD:
        audit.record("staff.viewed_submission", actor_id=current_user.id, child_id=item.child_id,
                     subject=f"submission:{item.id}")
        db.session().commit()
    questionnaire = any_form(item.questionnaire)
    return render_template("consultations/thing.html", item=item,
                           questions=questionnaire.shown(item.answers) if questionnaire else [],
                           sections=SECTIONS)


@bp.route("/files/<int:submission_id>/<any(full, thumb):variant>")
@access.allow(CHILD, *STAFF_AND_CARERS, subject="submission_id")
def file(submission_id: int, variant: str):
    """A stored picture or sound, only through this access-checked view."""
    item = queries.submission(submission_id)
    stored = item.file
    if stored is None or (variant == "thumb" and not stored.thumbnail_name):
        abort(404)
    if current_user.role is not CHILD:
        audit.record("staff.viewed_file", actor_id=current_user.id, child_id=item.child_id,
                     subject=f"submission:{item.id}")
        db.session().commit()
    store = app_store()
    name = stored.thumbnail_name if variant == "thumb" else stored.name
    download = request.args.get("download") == "1"
    extension = name.rsplit(".", 1)[-1]
    return send_stored(store, name, stored.content_type, as_attachment=download,
                       download_name=f"my-say-{item.kind}-{item.id}.{extension}")
