"""Before my review: the child's form, pictures, poems and voice notes, and My things."""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import access, audit, db, limits, receipts
from portal.accounts import preferences
from portal.accounts.models import Role
from portal.consultations import operations, queries
from portal.consultations.forms import (
    ChooseFormForm,
    PictureForm,
    PoemForm,
    VoiceAnswerForm,
    VoiceForm,
    name_the_officer,
    question_form,
)
from portal.consultations.models import Kind, Submission
from portal.consultations.questionnaires import (
    MULTI,
    NOT_SURE,
    QUESTIONNAIRES,
    SECTIONS,
    TEXT,
    any_form,
    express_picture,
)
from portal.i18n import current_locale
from portal.media import keeping
from portal.media.serving import app_store, send_stored
from portal.messages import queries as flag_queries
from portal.messages import reading
from portal.plain_words import officer_name
from portal.transcripts.reading import for_staff as transcript_for_staff

bp = Blueprint("consultations", __name__)
access.register_subject("submission_id", queries.may_see_id)
access.register_owned("submission", queries.is_childs)
CHILD = Role.CHILD
STAFF_AND_CARERS = (Role.ISRO, Role.MANAGER, Role.CARER)
# Hints that name the ISRO, in the words for an under-12 (the others name nobody).
OFFICER_HINTS = {
    "chair": _l("Chairing means you help run the meeting. Your reviewing officer, %(name)s, "
                "will help you."),
    "not_in_front_of": _l("Tell us what, and in front of whom. Your reviewing officer, "
                          "%(name)s, will keep it private."),
}
HOUSES = {
    "worries": _l("House of worries"),
    "good_things": _l("House of good things"),
    "dreams": _l("House of dreams"),
}


def _child():
    return current_user.child


def _draft_or_none() -> Submission | None:
    return queries.draft_form(_child().id)


@dataclass(frozen=True)
class House:
    question: object
    title: object
    kind: str  # worries, good_things, dreams: which house is drawn
    lines: list[str]
    status: str  # answered, skipped, not_sure
    voice: int | None = None  # an answer said out loud (Express mode): its voice note


def house_lines(text: str) -> list[str]:
    """The child's words in lines that fit inside a drawn house (Ethiopic letters are
    about twice as wide as Latin or Arabic ones)."""
    width = 11 if any("\u1200" <= ch <= "\u139f" for ch in text) else 20
    return [line for paragraph in text.splitlines()
            for line in (textwrap.wrap(paragraph, width) or [""])]


def _sections(questions, answers: dict):
    """[(section, questions, houses)] in the order each section first appears; the
    Three Houses come as houses to draw."""
    groups: dict[str, list] = {}
    for q in questions:
        groups.setdefault(q.section, []).append(q)
    result = []
    for section_id, group in groups.items():
        houses = []
        for q in group:
            if q.id in HOUSES:
                answer = answers.get(q.id) or {}
                status = answer.get("status") or "skipped"
                value = answer.get("value") if status == "answered" else None
                houses.append(House(q, HOUSES[q.id], q.id,
                                    house_lines(value) if isinstance(value, str) else [],
                                    status, answer.get("voice")))
        result.append((SECTIONS[section_id], [q for q in group if q.id not in HOUSES], houses))
    return result


@bp.route("/my-say")
@access.allow(CHILD)
def start():
    child = _child()
    draft = _draft_or_none()
    questionnaire = QUESTIONNAIRES[draft.questionnaire if draft else
                                   operations.suggested_questionnaire(child)]
    return render_template("consultations/start.html", draft=draft, questionnaire=questionnaire,
                           shown=questionnaire.shown(draft.answers if draft else {}),
                           review_day=operations.review_day(child), form=ChooseFormForm(),
                           officer=officer_name(child))


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
    express = preferences.current()["express"]
    if request.method == "POST":
        action = request.form.get("action", "next")
        if express and q.kind == MULTI and "toggle" in request.form:
            # A big tile was pressed: add or take away that answer, and stay here.
            try:
                operations.toggle_choice(draft, q, request.form["toggle"])
            except ValueError:
                abort(400)
            db.session().commit()
            return redirect(url_for(".question", question_id=q.id, **(
                {"change": "1"} if changing else {})) + "#tiles")
        if action in ("skip", NOT_SURE):
            operations.save_answer(draft, q, None, "skipped" if action == "skip" else NOT_SURE)
        elif (express and q.kind == MULTI and "answer" not in request.form
              and (draft.answers.get(q.id) or {}).get("status") == "answered"):
            pass  # chosen already, one tile at a time
        elif form.validate_on_submit():
            value = form.answer.data
            operations.save_answer(draft, q, value,
                                   NOT_SURE if value == NOT_SURE else "answered")
        else:
            return _render_question(draft, questionnaire, q, form, changing, express)
        db.session().commit()
        shown = questionnaire.shown(draft.answers)  # an answer may show or hide a question
        position = _position(shown, q.id)
        if changing or position + 1 >= len(shown):
            return redirect(url_for(".check"))
        return redirect(url_for(".question", question_id=shown[position + 1].id))
    return _render_question(draft, questionnaire, q, form, changing, express)


def _render_question(draft, questionnaire, q, form, changing: bool, express: bool):
    shown = questionnaire.shown(draft.answers)
    position = _position(shown, q.id)
    officer = officer_name(_child())
    if officer and q.id in OFFICER_HINTS:
        form.answer.description = OFFICER_HINTS[q.id] % {"name": officer}
    back = (url_for(".check") if changing else
            url_for(".question", question_id=shown[position - 1].id) if position else
            url_for(".start"))
    return render_template(
        "consultations/question_express.html" if express else "consultations/question.html",
        form=form, question=q, section=SECTIONS[q.section], answer=draft.answers.get(q.id),
        tiles=[(o, express_picture(q, o)) for o in q.options] if express else None,
        number=position + 1, total=len(shown), back=back, changing=changing,
        pictures={o.value: o.picture for o in q.options if o.picture},
        offers_not_sure=NOT_SURE not in {o.value for o in q.options} and q.kind != "faces",
        officer=officer,
    )


@bp.route("/my-say/form/<question_id>/say", methods=["GET", "POST"])
@access.allow(CHILD)
def say_answer(question_id: str):
    """Express mode: say the answer out loud instead of typing it."""
    draft = _draft_or_none()
    if draft is None:
        return redirect(url_for(".start"))
    q = QUESTIONNAIRES[draft.questionnaire].question(question_id)
    if q is None or q.kind != TEXT:
        abort(404)
    form = VoiceAnswerForm()
    if form.validate_on_submit():
        if not limits.may_send(limits.UPLOADS, str(q.text), None):
            form.file.errors.append(str(limits.TOO_MANY))
            return render_template("consultations/say_answer.html", form=form, question=q), 429
        try:
            operations.add_voice_answer(draft, q, current_user, form.file.data.read(),
                                        current_locale().code)
        except keeping.PROBLEMS as problem:
            form.file.errors.append(keeping.upload_problem(problem))
        else:
            shown = QUESTIONNAIRES[draft.questionnaire].shown(draft.answers)
            position = _position(shown, q.id)
            if position + 1 >= len(shown):
                return redirect(url_for(".check"))
            return redirect(url_for(".question", question_id=shown[position + 1].id))
    return render_template("consultations/say_answer.html", form=form, question=q,
                           officer=officer_name(_child()))


@bp.route("/my-say/form/check")
@access.allow(CHILD)
def check():
    draft = _draft_or_none()
    if draft is None:
        return redirect(url_for(".start"))
    questionnaire = QUESTIONNAIRES[draft.questionnaire]
    return render_template("consultations/check.html", draft=draft,
                           groups=_sections(questionnaire.shown(draft.answers), draft.answers),
                           form=ChooseFormForm(), error=request.args.get("error"),
                           officer=officer_name(_child()))


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
                           flagged=flagged, when_read=reading.when_read(),
                           officer=officer_name(_child()))


def _upload(kind: Kind, form, template: str):
    officer = officer_name(_child())
    name_the_officer(form, officer)
    if form.validate_on_submit():
        words = getattr(form, "words", None) and form.words.data
        if not limits.may_send(limits.UPLOADS, form.title.data, words):
            form.file.errors.append(str(limits.TOO_MANY))
            return render_template(template, form=form, officer=officer), 429
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
    return render_template(template, form=form, officer=officer)


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
    officer = officer_name(_child())
    name_the_officer(form, officer)
    if form.validate_on_submit():
        if not limits.may_send(limits.UPLOADS, form.title.data, form.text.data):
            form.text.errors.append(str(limits.TOO_MANY))
            return render_template("consultations/poem.html", form=form, officer=officer), 429
        item = operations.add_poem(_child(), current_user, form.title.data or "", form.text.data,
                                   form.visibility.data, current_locale().code)
        db.session().commit()
        return redirect(url_for(".sent", submission_id=item.id))
    return render_template("consultations/poem.html", form=form, officer=officer)


@bp.route("/my-things")
@access.allow(CHILD)
def my_things():
    child = _child()
    items = queries.sent_by_child(child.id)
    return render_template("consultations/my_things.html", items=items,
                           receipts=receipts.for_things(child.id, [i.id for i in items]),
                           officer=officer_name(child))


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
    heard = transcript_for_staff(item.file_id, item.child_id) if item.kind == Kind.VOICE else None
    return render_template("consultations/thing.html", item=item,
                           questions=questionnaire.shown(item.answers) if questionnaire else [],
                           sections=SECTIONS, heard=heard)


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
