"""Forms for signing in, setting up a sign-in, and settings."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.accounts.preferences import CHOICES


class SignInForm(FlaskForm):
    username = StringField(
        _l("Username"), validators=[InputRequired(_l("Enter your username")), Length(max=64)],
        render_kw={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"), validators=[InputRequired(_l("Enter your password")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        description=_l("The 6 numbers your app shows for My Say"),
        validators=[InputRequired(_l("Enter the 6-number code from your app")), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                   "class": "input-short"},
    )


class SetupCodeForm(FlaskForm):
    username = StringField(
        _l("Username"), description=_l("It is on your sign-in card"),
        validators=[InputRequired(_l("Enter the username from your card")), Length(max=64)],
        render_kw={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"},
    )
    code = StringField(
        _l("Setup code"), description=_l("12 letters and numbers, like ABCD-EFGH-JKMN"),
        validators=[InputRequired(_l("Enter the setup code from your card")), Length(max=40)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Choose a password"),
        description=_l("At least 8 characters. Three random words together work well, "
                       "like “purple tiger river”."),
        validators=[InputRequired(_l("Choose a password"))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Your current password"),
        validators=[InputRequired(_l("Enter your current password"))],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("Your new password"), description=NewPasswordForm.password.kwargs["description"],
        validators=[InputRequired(_l("Choose a new password"))],
        render_kw={"autocomplete": "new-password"},
    )


class SettingsForm(FlaskForm):
    language = RadioField(_l("Language"), choices=[], validate_choice=True)
    text_size = RadioField(_l("Text size"), choices=CHOICES["text_size"])
    theme = RadioField(_l("Light or dark"), choices=CHOICES["theme"])
    contrast = RadioField(_l("Contrast"), choices=CHOICES["contrast"])
    spacing = BooleanField(_l("Wider spacing, easier for dyslexia"))
    reduced_motion = BooleanField(_l("Less movement"))
    read_aloud = BooleanField(_l("Show the “Read aloud” button"))
    colour = RadioField(_l("My colour"), choices=CHOICES["colour"])
    avatar = RadioField(_l("My picture"), choices=CHOICES["avatar"])
    express = BooleanField(_l("Express mode: big pictures, read aloud, and say your answer "
                              "instead of typing"))


class EmptyForm(FlaskForm):
    """A button that changes something: only the CSRF token travels."""


class NewCardForm(FlaskForm):
    """A new sign-in card for a child who already has a password: the reason is kept in
    the audit trail, and managers see every such card."""

    reason = StringField(
        _l("Why do they need a new card?"),
        description=_l("For example, “Forgot their password”. Managers see this in the "
                       "audit trail."),
        validators=[DataRequired(_l("Enter why they need a new card")),
                    Length(max=200, message=_l("The reason must be 200 characters or fewer"))],
        render_kw={"autocomplete": "off"},
    )
