"""Forms: one built from each question's data, and the upload and poem forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from portal.consultations.models import Visibility
from portal.consultations.operations import POEM_LIMIT
from portal.consultations.questionnaires import CHOICE, FACES, MULTI, TEXT_LIMIT, Question
from portal.fields import CheckboxesField


def question_form(question: Question, answer: dict | None) -> FlaskForm:
    """A form with one field, ``answer``, made from the question's data."""

    class QuestionForm(FlaskForm):
        pass

    choices = [SelectChoice(o.value, o.label) for o in question.options]
    if question.kind in (FACES, CHOICE):
        field = RadioField(question.text, description=question.hint, choices=choices,
                           validators=[InputRequired(_l("Choose an answer, or press “I don't "
                                                        "want to answer this”"))])
    elif question.kind == MULTI:
        field = CheckboxesField(question.text, description=question.hint, choices=choices,
                                validators=[InputRequired(_l("Choose at least one, or press “I "
                                                             "don't want to answer this”"))])
    else:
        field = TextAreaField(
            question.text, description=question.hint,
            validators=[InputRequired(_l("Write your answer, or press “I don't want to "
                                         "answer this”")),
                        Length(max=TEXT_LIMIT, message=_l("Please write less than %(max)d "
                                                          "characters", max=TEXT_LIMIT))],
            render_kw={"rows": 5, "maxlength": TEXT_LIMIT, "data-count": TEXT_LIMIT})
    QuestionForm.answer = field
    previous = (answer or {}).get("value") if (answer or {}).get("status") == "answered" else None
    return QuestionForm(data={"answer": previous} if previous is not None else None)


WHO_SEES = [
    SelectChoice(Visibility.ISRO.value, _l("Only my ISRO")),
    SelectChoice(Visibility.ISRO_AND_CARER.value, _l("My ISRO and my carer")),
]


def name_the_officer(form: FlaskForm, officer: str | None) -> None:
    """Who can see it, in an under-12's words: "Only Priya", not "Only my ISRO"."""
    if officer:
        form.visibility.choices = [
            SelectChoice(Visibility.ISRO.value, _l("Only %(name)s", name=officer)),
            SelectChoice(Visibility.ISRO_AND_CARER.value,
                         _l("%(name)s and my carer", name=officer)),
        ]


class PictureForm(FlaskForm):
    file = FileField(_l("Choose a photo or picture"),
                     description=_l("A photo of a drawing, or any picture. JPEG, PNG, WebP, "
                                    "GIF or HEIC (iPhone), up to 15 MB."),
                     validators=[InputRequired(_l("Choose a picture to send"))],
                     render_kw={"accept": "image/*,.heic,.heif"})
    title = StringField(_l("Give it a title (if you like)"),
                        validators=[Optional(), Length(max=120)])
    words = TextAreaField(_l("A few words about it (if you like)"),
                          validators=[Optional(), Length(max=1000)], render_kw={"rows": 3})
    visibility = RadioField(_l("Who can see it?"), choices=WHO_SEES,
                            default=Visibility.ISRO.value)


class VoiceAnswerForm(FlaskForm):
    """Express mode: an answer said out loud instead of typed."""
    file = FileField(_l("Choose a recording"),
                     description=_l("Up to 5 minutes and 10 MB."),
                     validators=[InputRequired(_l("Record your answer, or choose a recording"))],
                     render_kw={"accept": "audio/*", "capture": "user"})


class VoiceForm(FlaskForm):
    file = FileField(_l("Choose a recording"),
                     description=_l("Up to 5 minutes and 10 MB."),
                     validators=[InputRequired(_l("Record or choose a voice note to send"))],
                     render_kw={"accept": "audio/*"})
    title = StringField(_l("Give it a title (if you like)"),
                        validators=[Optional(), Length(max=120)])
    visibility = RadioField(_l("Who can hear it?"), choices=WHO_SEES,
                            default=Visibility.ISRO.value)


class PoemForm(FlaskForm):
    title = StringField(_l("Title (if you like)"), validators=[Optional(), Length(max=120)])
    text = TextAreaField(
        _l("Your poem or writing"),
        validators=[InputRequired(_l("Write something before you send it")),
                    Length(max=POEM_LIMIT, message=_l("Please write less than %(max)d "
                                                      "characters", max=POEM_LIMIT))],
        render_kw={"rows": 12, "maxlength": POEM_LIMIT, "data-count": POEM_LIMIT})
    visibility = RadioField(_l("Who can see it?"), choices=WHO_SEES,
                            default=Visibility.ISRO.value)


class ChooseFormForm(FlaskForm):
    questionnaire = RadioField(_l("Which form?"), choices=[])


def questionnaire_form(questionnaire, answers: dict | None, *, extra=None) -> FlaskForm:
    """Every question of a questionnaire on one page, for adults (or a carer helping)."""

    class WholeForm(extra or FlaskForm):
        pass

    for question in questionnaire.questions:
        single = question_form(question, None).__class__.answer
        # The same field as the one-question page, but nothing is required here.
        kwargs = dict(single.kwargs)
        kwargs["validators"] = [Optional()] + [v for v in kwargs.get("validators", [])
                                               if isinstance(v, Length)]
        setattr(WholeForm, f"q_{question.id}", single.field_class(*single.args, **kwargs))
    data = {f"q_{qid}": a.get("value") for qid, a in (answers or {}).items()
            if a.get("status") == "answered"}
    return WholeForm(data=data or None)


class AdvocacyExtra(FlaskForm):
    gathered_how = CheckboxesField(
        _l("How did you gather the child's views?"),
        choices=[SelectChoice("in_person", _l("Met in person")),
                 SelectChoice("phone", _l("By phone")), SelectChoice("video", _l("By video")),
                 SelectChoice("interpreter", _l("With an interpreter"))],
        validators=[Optional()])
    gathered_on = DateField(_l("When?"), validators=[Optional()])
    consent = RadioField(
        _l("Did the child agree to share these views?"),
        choices=[SelectChoice("all", _l("Yes, all of them")),
                 SelectChoice("some", _l("Only some parts")),
                 SelectChoice("none", _l("No: do not share them"))],
        validators=[Optional()])
    consent_note = TextAreaField(_l("Which parts may be shared?"),
                                 validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
