"""The child's "How was my review?" and "I want an advocate" forms, and the ISRO's outcome."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal import clock
from portal.consultations.questionnaires import FACE_OPTIONS
from portal.voice.models import AdvocacyOutcome
from portal.voice.operations import COMMENT_LIMIT, HELP_LIMIT
from portal.voice.queries import QUESTIONS

FACE_CHOICES = [SelectChoice(o.value, o.label) for o in FACE_OPTIONS]
FACE_PICTURES = {o.value: o.picture for o in FACE_OPTIONS if o.picture}


def _faces(question: str) -> RadioField:
    return RadioField(QUESTIONS[question], choices=FACE_CHOICES, validators=[Optional()])


class FeedbackForm(FlaskForm):
    review = HiddenField()
    listened = _faces("listened")
    understood = _faces("understood")
    right_people = _faces("right_people")
    comment = TextAreaField(
        _l("Anything else you want to say about your review? (if you like)"),
        validators=[Optional(), Length(max=COMMENT_LIMIT, message=_l(
            "Please write less than %(max)d characters", max=COMMENT_LIMIT))],
        render_kw={"rows": 4, "maxlength": COMMENT_LIMIT})

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not any((self.listened.data, self.understood.data, self.right_people.data,
                    (self.comment.data or "").strip())):
            self.listened.errors = [_l("Choose a face or write something, or press "
                                       "“I don't want to answer this”")]
            return False
        return True


class AdvocateForm(FlaskForm):
    help_with = TextAreaField(
        _l("What do you want help with? (if you like)"),
        description=_l("You do not have to say. You can just press the button."),
        validators=[Optional(), Length(max=HELP_LIMIT, message=_l(
            "Please write less than %(max)d characters", max=HELP_LIMIT))],
        render_kw={"rows": 4, "maxlength": HELP_LIMIT})


OUTCOME_CHOICES = [
    SelectChoice(AdvocacyOutcome.REFERRED.value, _l("Referred to the advocacy service")),
    SelectChoice(AdvocacyOutcome.LINKED.value, _l("An advocate is now working with the child")),
    SelectChoice(AdvocacyOutcome.CHANGED_MIND.value, _l("The child changed their mind")),
    SelectChoice(AdvocacyOutcome.OTHER.value, _l("Other (say what in the note)")),
]


class OutcomeForm(FlaskForm):
    """One per request on the ISRO's page, each with its own prefix (the request's id is
    sent as ``request``, outside the prefix, so access.allow(owns=...) checks it)."""

    outcome = RadioField(_l("What happened?"), choices=OUTCOME_CHOICES,
                         validators=[InputRequired(_l("Choose what happened"))])
    on = DateField(_l("On which day?"),
                   validators=[InputRequired(_l("Enter the day, for example 2026-12-03"))])
    note = TextAreaField(_l("Note (if you like)"),
                         validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})

    def validate_on(self, field) -> None:
        if field.data and field.data > clock.today():
            raise ValidationError(_l("Enter a date that has come"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if (self.outcome.data == AdvocacyOutcome.OTHER.value
                and not (self.note.data or "").strip()):
            self.note.errors = [*self.note.errors, _l("Say what happened in the note")]
            valid = False
        return valid
