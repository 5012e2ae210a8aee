"""The letter to the child: its sections, and how plainly it reads."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

SECTIONS = (
    ("told_me", _l("What you told me")),
    ("going_well", _l("What is going well")),
    ("worries", _l("What people are worried about")),
    ("decided", _l("What we decided")),
    ("next_review", _l("Your next review")),
    ("contact", _l("Who to contact")),
)
SECTION_LIMIT = 5000


def reading_age(text: str, language: str) -> int | None:
    """An approximate UK reading age for English text (Flesch–Kincaid grade + 5).

    None for other languages or too little text: the figure would mean nothing.
    """
    if not language.startswith("en") or len(text.split()) < 10:
        return None
    import textstat

    grade = textstat.flesch_kincaid_grade(text)
    return max(5, round(grade + 5))
