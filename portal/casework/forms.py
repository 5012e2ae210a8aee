from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal import clock
from portal.accounts.models import Role
from portal.fields import CheckboxesField

HOW = [SelectChoice("visit", _l("Visit")), SelectChoice("phone", _l("Phone call")),
       SelectChoice("video", _l("Video call")), SelectChoice("message", _l("Message")),
       SelectChoice("other", _l("Other"))]
THEME_LABELS = {"drift_delay": _l("Drift and delay"), "placement": _l("Placement"),
                "contact": _l("Family time (contact)"), "staff_change": _l("Change of staff"),
                "education": _l("Education"), "health": _l("Health"),
                "care_plan": _l("Care plan"), "other": _l("Other")}
STAGE_LABELS = {"informal": _l("Informal"), "formal": _l("Formal"),
                "escalated": _l("Escalated")}
OUTCOME_LABELS = {"open": _l("Still open"), "resolved": _l("Resolved"),
                  "partly_resolved": _l("Partly resolved"), "not_resolved": _l("Not resolved")}


class ContactForm(FlaskForm):
    on = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date"))])
    how = RadioField(_l("How"), choices=HOW, validators=[InputRequired(_l("Choose how"))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)],
                         render_kw={"rows": 4})


class ChallengeForm(FlaskForm):
    raised_on = DateField(_l("Date raised"), validators=[InputRequired(_l("Enter the date"))])
    theme = RadioField(_l("Theme"), choices=[SelectChoice(k, v) for k, v in THEME_LABELS.items()],
                       validators=[InputRequired(_l("Choose a theme"))])
    concern = TextAreaField(_l("The concern"), validators=[DataRequired(_l("Describe the "
                                                                           "concern")),
                                                           Length(max=4000)],
                            render_kw={"rows": 4})
    raised_to = StringField(_l("Raised with"), validators=[Optional(), Length(max=200)])
    stage = RadioField(_l("Stage"), choices=[SelectChoice(k, v) for k, v in STAGE_LABELS.items()],
                       default="informal")
    escalated_to = StringField(_l("Escalated to (name and level)"),
                               validators=[Optional(), Length(max=200)])
    response_due = DateField(_l("Response due by"), validators=[Optional()])
    outcome = RadioField(_l("Outcome"),
                         choices=[SelectChoice(k, v) for k, v in OUTCOME_LABELS.items()],
                         default="open")
    outcome_note = TextAreaField(_l("What happened"), validators=[Optional(), Length(max=4000)],
                                 render_kw={"rows": 3})
    impact = TextAreaField(_l("Impact for the child"), validators=[Optional(), Length(max=4000)],
                           render_kw={"rows": 3})


class AllocateForm(FlaskForm):
    isro = SelectField(_l("Allocate to"), coerce=int, choices=[])


class NewAccountForm(FlaskForm):
    role = RadioField(_l("Role"), choices=[SelectChoice(r.value, r.value.upper() if r.is_staff
                                                        else r.value.capitalize())
                                           for r in Role if r is not Role.CHILD],
                      validators=[InputRequired(_l("Choose a role"))])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter their name")),
                                               Length(max=120)])
    username = StringField(_l("Username"), validators=[DataRequired(_l("Enter a username")),
                                                       Length(max=64)],
                           render_kw={"autocomplete": "off", "spellcheck": "false"})
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254)],
                        render_kw={"autocomplete": "off", "type": "email"})
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])


def _languages():
    from portal.i18n import LANGUAGE_NAMES

    return [SelectChoice(code, name, render_kw={"lang": code.replace("_", "-")})
            for code, name in LANGUAGE_NAMES.items()]


NEED_LABELS = {"interpreter": _l("An interpreter"), "sign_language": _l("Sign language"),
               "easy_read": _l("Easy read or pictures"), "read_aloud": _l("Words read aloud"),
               "large_print": _l("Large print"), "wheelchair": _l("Step-free access")}


class ChildForm(FlaskForm):
    """A child's record, as a manager or ISRO keeps it (every field has a reason: see the
    DPIA, section 8.2)."""

    preferred_name = StringField(_l("Preferred name"),
                                 description=_l("The name the child wants to be called. "
                                                "It is the only name My Say keeps."),
                                 validators=[DataRequired(_l("Enter the child's preferred name")),
                                             Length(max=80)])
    date_of_birth = DateField(_l("Date of birth"),
                              validators=[InputRequired(_l("Enter the date of birth"))])
    looked_after_since = DateField(_l("Looked after since"),
                                   validators=[InputRequired(_l("Enter the date the child "
                                                                "became looked after"))])
    reference = StringField(_l("Council reference"),
                            description=_l("As in the case management system (the SSDA903 "
                                           "CHILD id)."),
                            validators=[Optional(), Length(max=40)])
    language = SelectField(_l("Language for My Say"), default="en")
    interpreter_language = SelectField(_l("Interpreter for meetings"), default="",
                                       validators=[Optional()])
    asylum_seeking = BooleanField(_l("Unaccompanied asylum-seeking child"))
    needs = CheckboxesField(_l("Needs"),
                               choices=[SelectChoice(k, v) for k, v in NEED_LABELS.items()])
    isro = SelectField(_l("ISRO"), coerce=str, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = _languages()
        self.interpreter_language.choices = [SelectChoice("", _l("None needed")),
                                             *_languages()]

    def validate_date_of_birth(self, field):
        if field.data and field.data > clock.today():
            raise ValidationError(_l("The date of birth cannot be in the future"))

    def validate_looked_after_since(self, field):
        if field.data and self.date_of_birth.data and field.data < self.date_of_birth.data:
            raise ValidationError(_l("A child cannot be looked after before they were born"))
        if field.data and field.data > clock.today():
            raise ValidationError(_l("Enter a date that has come"))


class LinkForm(FlaskForm):
    person = SelectField(_l("Carer or advocate"), coerce=str,
                         validators=[DataRequired(_l("Choose the carer or advocate"))])
    starts_on = DateField(_l("From"), validators=[InputRequired(_l("Enter the start date"))])
    ends_on = DateField(_l("Until (if known)"), validators=[Optional()],
                        description=_l("They stop seeing the child on this day."))

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must be on or after the start date"))


class EndLinkForm(FlaskForm):
    ends_on = DateField(_l("Last day"), description=_l("From this day they no longer see the "
                                                       "child."),
                        validators=[InputRequired(_l("Enter the day the link ends"))])


class CeaseForm(FlaskForm):
    ceased_on = DateField(_l("Date they ceased to be looked after"),
                          validators=[InputRequired(_l("Enter the date"))])
    reason = SelectField(_l("Reason (the DfE's reason episode ceased)"), coerce=str,
                         validators=[DataRequired(_l("Choose the reason"))])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Why"), description=_l("For example: lost their phone. This "
                                                      "goes in the audit trail."),
                           validators=[DataRequired(_l("Write why")), Length(max=500)],
                           render_kw={"rows": 2})


MAX_BYTES = 5 * 1024 * 1024  # a council's children, with room to spare


class ImportChildrenForm(FlaskForm):
    file = FileField(_l("The CSV file"),
                     description=_l("Exported from the case management system, up to 5 MB."),
                     validators=[FileRequired(_l("Choose the CSV file")),
                                 FileSize(MAX_BYTES,
                                          message=_l("The file must be smaller than 5 MB"))],
                     render_kw={"accept": ".csv,text/csv"})


class ConfirmImportForm(FlaskForm):
    """Only the CSRF token: the file itself was kept on the server at the first step."""


def _fte_number(form, field) -> None:
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal((field.data or "").strip().replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not Decimal("0.1") <= value <= 1:
        raise ValidationError(_l("Enter a number from 0.1 to 1.0, for example 0.6"))
    field.number = value.quantize(Decimal("0.01"))


class FteForm(FlaskForm):
    """A staff member's full-time equivalent, for caseload per FTE in the annual report."""

    fte = StringField(_l("Full-time equivalent"), description=_l("For example 1.0 or 0.6"),
                      validators=[DataRequired(_l("Enter the full-time equivalent, for "
                                                  "example 1.0 or 0.6")), Length(max=8),
                                  _fte_number],
                      render_kw={"class": "input-short", "inputmode": "decimal"})
