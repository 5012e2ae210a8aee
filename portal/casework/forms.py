from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.accounts.models import Role

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
