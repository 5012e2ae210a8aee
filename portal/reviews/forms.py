from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.reviews.letters import SECTION_LIMIT, SECTIONS
from portal.reviews.participation import CODES

# Why a review was held after its due date: asked by the record form, counted in the
# annual report (reports.service.late_reviews).
LATE_REASONS = {"social_worker": _l("Change of social worker"),
                "placement": _l("Change of placement"),
                "booking_error": _l("Booking error"),
                "isro": _l("Change of ISRO"),
                "other": _l("Other")}


class ScheduleForm(FlaskForm):
    day = DateField(_l("Date of the meeting"),
                    validators=[InputRequired(_l("Enter the date of the meeting"))])
    time = StringField(_l("Time"), description=_l("For example 14:30"),
                       validators=[DataRequired(_l("Enter the time, for example 14:30")),
                                   Length(max=5)], render_kw={"class": "input-short",
                                                             "inputmode": "numeric"})
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    invited = TextAreaField(_l("Who is invited"), validators=[Optional(), Length(max=2000)],
                            render_kw={"rows": 3})
    interpreter_needed = BooleanField(_l("An interpreter is needed"))


class RecordForm(FlaskForm):
    held_on = DateField(_l("Date the review was held"),
                        validators=[InputRequired(_l("Enter the date the review was held"))])
    child_attended = RadioField(_l("Did the child attend?"),
                                choices=[SelectChoice("yes", _l("Yes")),
                                         SelectChoice("no", _l("No"))],
                                validators=[InputRequired(_l("Say whether the child attended"))])
    attended = TextAreaField(_l("Who attended"), validators=[Optional(), Length(max=2000)],
                             render_kw={"rows": 3})
    code = RadioField(_l("Participation code"),
                      choices=[SelectChoice(code, label) for code, label in CODES.items()],
                      validators=[InputRequired(_l("Choose a participation code"))])
    late_reason = RadioField(_l("Why was the review late?"),
                             description=_l("Answer only if the review was held after the "
                                            "day it was due."),
                             choices=[SelectChoice(k, v) for k, v in LATE_REASONS.items()],
                             validators=[Optional()])
    late_note = TextAreaField(_l("What happened"),
                              description=_l("Needed when the reason is “Other”."),
                              validators=[Optional(), Length(max=500)], render_kw={"rows": 2})


class PlansForm(FlaskForm):
    plans = TextAreaField(_l("What was agreed"),
                          description=_l("One thing on each line, in words the child will "
                                         "understand."),
                          validators=[DataRequired(_l("Write at least one thing that was "
                                                      "agreed")), Length(max=5000)],
                          render_kw={"rows": 8})


def letter_form_class(you_said_rows: int = 3):
    """The letter editor: one text box per section, four action rows, sharing, and rows
    of "You said, we did" (what the child said, and the decision made because of it)."""

    class LetterForm(FlaskForm):
        lock_version = HiddenField()
        shared_with_carer = BooleanField(_l("Share this letter with the child's carer"))

    for key, label in SECTIONS:
        setattr(LetterForm, key, TextAreaField(label, validators=[Optional(),
                                                                  Length(max=SECTION_LIMIT)],
                                               render_kw={"rows": 5}))
    for n in range(1, 5):
        setattr(LetterForm, f"who_{n}", StringField(_l("Who"), validators=[Optional(),
                                                                           Length(max=120)]))
        setattr(LetterForm, f"what_{n}", StringField(_l("Will do what"),
                                                     validators=[Optional(), Length(max=500)]))
        setattr(LetterForm, f"by_{n}", DateField(_l("By when"), validators=[Optional()]))
    for n in range(1, you_said_rows + 1):
        # Choices are the child's own words, set by the view; checked there and again by
        # operations.save_letter, so nothing else can be linked.
        setattr(LetterForm, f"said_{n}", SelectField(_l("What the child said"),
                                                     validate_choice=False))
        setattr(LetterForm, f"so_{n}", TextAreaField(
            _l("So: what was decided because of it"),
            validators=[Optional(), Length(max=500)], render_kw={"rows": 2}))
    return LetterForm


class NotHappenedForm(FlaskForm):
    words = TextAreaField(_l("Do you want to say more? You don't have to."),
                          validators=[Optional(), Length(max=500, message=_l(
                              "Use 500 letters or fewer"))], render_kw={"rows": 3})


def plan_status_form_class(action_ids: list[int]):
    """The ISRO's plan page: a status and a note for each action."""
    from portal.reviews.my_plan import STAFF_WORDS

    class PlanStatusForm(FlaskForm):
        pass

    for action_id in action_ids:
        setattr(PlanStatusForm, f"status_{action_id}", RadioField(
            _l("Status"), choices=[SelectChoice(k, v) for k, v in STAFF_WORDS.items()],
            validators=[InputRequired(_l("Choose a status"))]))
        setattr(PlanStatusForm, f"note_{action_id}", StringField(
            _l("Note for the child"),
            description=_l("Needed for “Late” and “Changed”, e.g. “Ms Patel is chasing it”."),
            validators=[Optional(), Length(max=500)]))
    return PlanStatusForm
