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
    # A child's own colour and picture (issue 16): friendly drawings, never photos.
    "colour": [SelectChoice("standard", _l("Blue")), SelectChoice("green", _l("Green")),
               SelectChoice("purple", _l("Purple")), SelectChoice("orange", _l("Orange")),
               SelectChoice("pink", _l("Pink")), SelectChoice("teal", _l("Teal"))],
    "avatar": [SelectChoice("none", _l("No picture")), SelectChoice("cat", _l("Cat")),
               SelectChoice("owl", _l("Owl")), SelectChoice("fox", _l("Fox")),
               SelectChoice("robot", _l("Robot")), SelectChoice("rocket", _l("Rocket")),
               SelectChoice("tree", _l("Tree"))],
}
SWITCHES = ("spacing", "reduced_motion", "read_aloud", "express")
DEFAULTS = {"text_size": "standard", "theme": "auto", "contrast": "standard",
            "spacing": False, "reduced_motion": False, "read_aloud": True,
            "colour": "standard", "avatar": "none", "express": False}
# Settings only a child has: the others keep their defaults.
CHILD_ONLY = ("colour", "avatar", "express")


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
    if s["colour"] != "standard":
        classes.append(f"colour-{s['colour']}")
    return " ".join(classes)


def avatar_pictures() -> dict[str, str]:
    """avatar value -> its picture in static/pictures (not for "No picture")."""
    return {c.value: f"avatar-{c.value}" for c in CHOICES["avatar"] if c.value != "none"}
