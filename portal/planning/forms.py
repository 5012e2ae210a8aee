"""The Quick say page and the "I plan my review" page. Words for children: short, one
idea per line."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from portal.i18n import LANGUAGE_NAMES

THING_LIMIT = 1000
TEXT_LIMIT = 2000

PLACE_LABELS = {"in_school": _l("In school"), "not_in_school": _l("Not in school"),
                "at_home": _l("At home"), "somewhere_else": _l("Somewhere else")}
TIME_LABELS = {"after_school": _l("After school"), "school_time": _l("In school time"),
               "weekend": _l("At the weekend or in the holidays")}
CHAIR_LABELS = {"no": _l("No, thank you"), "co_chair": _l("Yes, with help (co-chair)"),
                "chair": _l("Yes, I want to chair it")}
YES_NO = {"yes": _l("Yes"), "no": _l("No")}


def _thing(label):
    return TextAreaField(label, validators=[Optional(), Length(
        max=THING_LIMIT, message=_l("Please write less than %(max)d characters",
                                    max=THING_LIMIT))],
        render_kw={"rows": 3, "maxlength": THING_LIMIT, "data-count": THING_LIMIT})


class QuickSayForm(FlaskForm):
    first = _thing(_l("The first thing"))
    second = _thing(_l("The second thing"))
    third = _thing(_l("The third thing"))

    def things(self) -> list[str]:
        return [self.first.data or "", self.second.data or "", self.third.data or ""]


def _text(label, description=None, limit=TEXT_LIMIT):
    return TextAreaField(label, description=description,
                         validators=[Optional(), Length(max=limit, message=_l(
                             "Please write less than %(max)d characters", max=limit))],
                         render_kw={"rows": 3, "maxlength": limit})


def _note(label):
    return StringField(label, validators=[Optional(), Length(max=200, message=_l(
        "Please write less than %(max)d characters", max=200))])


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in labels.items()]


class PlanForm(FlaskForm):
    place = RadioField(_l("Where do you want your review?"), choices=_choices(PLACE_LABELS),
                       validators=[Optional()])
    place_note = _note(_l("Tell us more about where (if you like)"))
    timing = RadioField(_l("When do you want it?"), choices=_choices(TIME_LABELS),
                        validators=[Optional()])
    timing_note = _note(_l("Tell us more about when (if you like)"))
    who_comes = _text(_l("Who do you want there?"))
    who_not = _text(_l("Who do you not want there?"))
    talk_about = _text(_l("What do you want to talk about?"))
    not_in_front = _text(_l("What should we not talk about in front of others?"),
                         _l("Your ISRO will keep this private."))
    chair = RadioField(_l("Do you want to chair your review?"),
                       description=_l("Chairing means you help run the meeting."),
                       choices=_choices(CHAIR_LABELS), validators=[Optional()])
    advocate = RadioField(_l("Do you want an advocate?"),
                          description=_l("An advocate is on your side. They help you say "
                                         "what you think."),
                          choices=_choices(YES_NO), validators=[Optional()])
    interpreter = RadioField(_l("Do you want an interpreter?"),
                             choices=[SelectChoice("", _l("No, thank you"))]
                             + [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
                             validators=[Optional()])
    red_card = RadioField(_l("Do you want a red card?"),
                          description=_l("You show it to stop the meeting for a break."),
                          choices=_choices(YES_NO), validators=[Optional()])


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def form_data(plan) -> dict:
    """The form's values from a saved plan."""
    if plan is None:
        return {}
    data = {name: getattr(plan, name) for name in (
        "place", "place_note", "timing", "timing_note", "who_comes", "who_not", "talk_about",
        "not_in_front", "chair", "interpreter")}
    data["interpreter"] = data["interpreter"] or ""
    data["advocate"], data["red_card"] = _yes_no(plan.advocate), _yes_no(plan.red_card)
    return data


def plan_values(form: PlanForm) -> dict:
    """What to store from a valid form."""
    values = {name: getattr(form, name).data for name in (
        "place_note", "timing_note", "who_comes", "who_not", "talk_about", "not_in_front")}
    for name in ("place", "timing", "chair"):
        values[name] = getattr(form, name).data or None
    values["interpreter"] = form.interpreter.data or None
    for name in ("advocate", "red_card"):
        data = getattr(form, name).data
        values[name] = None if not data else data == "yes"
    return values
