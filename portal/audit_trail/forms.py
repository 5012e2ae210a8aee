"""The audit trail's filters, and the actions in plain words."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from portal.audit_trail.queries import SEARCH_LENGTH

# What each action means, in plain words; an action not here is shown as its code.
ACTION_LABELS = {
    "sign_in": _l("Signed in"),
    "sign_in.failed": _l("Sign-in failed"),
    "sign_in.second_factor_failed": _l("Wrong code from the authenticator app"),
    "sign_in.left_care": _l("Sign-in refused: left care"),
    "sign_out": _l("Signed out"),
    "access.role_refused": _l("Refused: not for their role"),
    "access.child_refused": _l("Refused: not a child of theirs"),
    "access.parameter_refused": _l("Refused: not a child of theirs"),
    "access.subject_refused": _l("Refused: not a child of theirs"),
    "account.created": _l("Account made"),
    "account.password_set": _l("Password chosen"),
    "account.setup_code_issued": _l("Sign-in card printed"),
    "account.suspended": _l("Account suspended"),
    "account.reenabled": _l("Account re-enabled"),
    "account.second_factor_on": _l("Authenticator app set up"),
    "account.second_factor_reset": _l("Authenticator app reset"),
    "child.added": _l("Child added"),
    "child.changed": _l("Child's record changed"),
    "child.ceased": _l("Ceased to be looked after"),
    "child.allocated": _l("Child allocated to an ISRO"),
    "child.sent": _l("Views sent"),
    "link.added": _l("Carer or advocate linked"),
    "link.ended": _l("Carer or advocate link ended"),
    "message.sent": _l("Message sent"),
    "flag.raised": _l("Safety flag raised"),
    "flag.acknowledged": _l("Safety flag acknowledged"),
    "flag.cleared": _l("Safety flag cleared"),
    "flag.escalated": _l("Safety flag escalated to managers"),
    "review.scheduled": _l("Review booked"),
    "review.recorded": _l("Review recorded"),
    "review.plans_published": _l("Plans published"),
    "letter.published": _l("Letter published"),
    "contact.recorded": _l("Contact recorded"),
    "challenge.saved": _l("Challenge saved"),
    "staff.viewed_child": _l("Looked at a child's page"),
    "staff.viewed_child_record": _l("Looked at a child's record"),
    "staff.viewed_submission": _l("Looked at something a child sent"),
    "staff.viewed_file": _l("Looked at a file"),
    "staff.viewed_messages": _l("Read messages"),
    "staff.viewed_letter": _l("Read a letter"),
    "staff.viewed_new": _l("Looked at what is new"),
    "staff.viewed_flags": _l("Looked at the Safety page"),
    "staff.exported_bundle": _l("Downloaded a PDF bundle"),
    "staff.exported_caseload": _l("Downloaded the caseload"),
    "staff.exported_903": _l("Downloaded the SSDA903 return"),
    "staff.exported_audit": _l("Downloaded the audit trail"),
}

ROLE_LABELS = {"child": _l("child"), "carer": _l("carer"), "advocate": _l("advocate"),
               "isro": _l("ISRO"), "manager": _l("manager")}


def action_label(action: str):
    return ACTION_LABELS.get(action, action)


def role_label(role) -> str:
    value = getattr(role, "value", role)
    return ROLE_LABELS.get(value, value)


class DayField(DateField):
    """A date from 2000 to 2100, with a message in our own words."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a real date, like 2026-03-14")) from None
        if self.data is not None and not 2000 <= self.data.year <= 2100:
            self.data = None
            raise ValueError(_l("Enter a date from 2000 to 2100"))


TOO_LONG = _l("Enter %(max)d characters or fewer")


class FilterForm(FlaskForm):
    person = StringField(_l("Person"), description=_l("Part of their username or name"),
                         validators=[Optional(), Length(max=SEARCH_LENGTH, message=TOO_LONG)],
                         render_kw={"autocomplete": "off", "spellcheck": "false"})
    child = StringField(_l("Child"),
                        description=_l("Council reference or preferred name"),
                        validators=[Optional(), Length(max=SEARCH_LENGTH, message=TOO_LONG)],
                        render_kw={"autocomplete": "off", "spellcheck": "false"})
    action = SelectField(_l("What happened"), choices=[], validate_choice=False, default="")
    start = DayField(_l("From"), validators=[Optional()])
    end = DayField(_l("To"), validators=[Optional()])

    def set_actions(self, actions: list[str]) -> None:
        self.action.choices = [("", _l("Anything")), *((a, action_label(a)) for a in actions)]

    def validate_action(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose what happened from the list"))

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must be on or after the start date"))
