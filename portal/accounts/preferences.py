"""Display settings: remembered per person, kept in the session before sign-in."""
from __future__ import annotations

from flask import session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

CHOICES = {
    "text_size": [SelectChoice("standard", _l("Standard")), SelectChoice("large", _l("Large")),
                  SelectChoice("largest", _l("Largest"))],
    "theme": [SelectChoice("auto", _l("Same as my device")), SelectChoice("light", _l("Light")),
              SelectChoice("dark", _l("Dark"))],
    "contrast": [SelectChoice("standard", _l("Standard")),
                 SelectChoice("high", _l("High contrast"))],
}
SWITCHES = ("spacing", "reduced_motion", "read_aloud")
DEFAULTS = {"text_size": "standard", "theme": "auto", "contrast": "standard",
            "spacing": False, "reduced_motion": False, "read_aloud": True}


def clean(raw: dict) -> dict:
    """Only known settings with allowed values; anything else falls back to the default."""
    settings = dict(DEFAULTS)
    for key, options in CHOICES.items():
        if raw.get(key) in {option.value for option in options}:
            settings[key] = raw[key]
    for key in SWITCHES:
        if key in raw:
            settings[key] = bool(raw[key])
    return settings


def current() -> dict:
    if current_user and current_user.is_authenticated:
        return clean(current_user.settings or {})
    return clean(session.get("settings", {}))


def html_classes() -> str:
    s = current()
    classes = [f"text-{s['text_size']}", f"theme-{s['theme']}", f"contrast-{s['contrast']}"]
    if s["spacing"]:
        classes.append("spacing-wide")
    if s["reduced_motion"]:
        classes.append("motion-reduced")
    return " ".join(classes)
