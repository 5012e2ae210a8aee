from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.messages.operations import MESSAGE_LIMIT


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"),
        validators=[DataRequired(_l("Write your message")),
                    Length(max=MESSAGE_LIMIT, message=_l("Please write less than %(max)d "
                                                         "characters", max=MESSAGE_LIMIT))],
        render_kw={"rows": 5, "maxlength": MESSAGE_LIMIT, "data-count": MESSAGE_LIMIT})
    feels_unsafe = BooleanField(_l("I don't feel safe"),
                                description=_l("Tick this and your ISRO will see your message "
                                               "first."))
    attachment = FileField(_l("Add a drawing, photo or voice note (if you like)"),
                           render_kw={"accept": "image/*,audio/*,.heic,.heif"})


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Your reply"),
        validators=[DataRequired(_l("Write your reply")),
                    Length(max=MESSAGE_LIMIT, message=_l("Please write less than %(max)d "
                                                         "characters", max=MESSAGE_LIMIT))],
        render_kw={"rows": 5, "maxlength": MESSAGE_LIMIT, "data-count": MESSAGE_LIMIT})


class ClearFlagForm(FlaskForm):
    note = TextAreaField(_l("What did you do?"),
                         description=_l("For example: phoned the child and their social worker."),
                         validators=[DataRequired(_l("Write what you did before clearing the "
                                                      "flag")), Length(max=2000)],
                         render_kw={"rows": 3})


class ProfileForm(FlaskForm):
    about = TextAreaField(_l("About you, in plain words for children"),
                          validators=[Optional(), Length(max=2000)], render_kw={"rows": 6})
    working_hours = StringField(_l("When you work"), validators=[Optional(), Length(max=200)])
    photo = FileField(_l("A photo of you (if you like)"),
                      render_kw={"accept": "image/*,.heic,.heif"})


class TellMoreForm(FlaskForm):
    """The one optional question after "I don't feel safe" (sent without a CSRF token:
    see safety_views)."""

    body = TextAreaField(_l("Do you want to tell us more?"),
                         description=_l("You do not have to. We have already told them."),
                         validators=[Optional(), Length(max=MESSAGE_LIMIT, message=_l(
                             "Please write less than %(max)d characters", max=MESSAGE_LIMIT))],
                         render_kw={"rows": 5, "maxlength": MESSAGE_LIMIT})


class SafetyTestForm(FlaskForm):
    phrase = TextAreaField(_l("Test a phrase"),
                           description=_l("See which entries, in any language, would flag it."),
                           validators=[DataRequired(_l("Write a phrase to test")),
                                       Length(max=4000)], render_kw={"rows": 3})
