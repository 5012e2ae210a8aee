"""Participation codes (SSDA903): what each means, which ages they fit, and a suggestion."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

CODES = {
    "PN0": _l("PN0: under 4 at the time of the review"),
    "PN1": _l("PN1: attended and spoke for themselves"),
    "PN2": _l("PN2: attended, and an advocate spoke for them"),
    "PN3": _l("PN3: attended and gave their views without words"),
    "PN4": _l("PN4: attended but did not give their views"),
    "PN5": _l("PN5: did not attend, and briefed an advocate"),
    "PN6": _l("PN6: did not attend, and sent their views another way"),
    "PN7": _l("PN7: did not attend and sent no views"),
}


def fourth_birthday(date_of_birth: date) -> date:
    try:
        return date_of_birth.replace(year=date_of_birth.year + 4)
    except ValueError:  # born on 29 February
        return date(date_of_birth.year + 4, 3, 1)


def code_problem(code: str | None, date_of_birth: date, review_day: date) -> str | None:
    """Why the government return would refuse this code, or None when it is valid.

    As the DfE rules put it: PN0 is refused when the review is after the 4th birthday
    (rule 440); PN1–PN7 when it is before (rule 441). On the birthday both are valid.
    """
    if code not in CODES:
        return str(_l("Choose a participation code from PN0 to PN7"))
    birthday = fourth_birthday(date_of_birth)
    if code == "PN0" and review_day > birthday:
        return str(_l("PN0 is only for a child under 4 on the day of the review"))
    if code != "PN0" and review_day < birthday:
        return str(_l("A child under 4 on the day of the review can only have PN0"))
    return None


def suggest(date_of_birth: date, review_day: date, *, attended: bool | None,
            advocate_views: bool, own_views: bool) -> str:
    """The code the review's facts point to; the ISRO confirms or changes it."""
    if review_day < fourth_birthday(date_of_birth):
        return "PN0"
    if attended:
        return "PN2" if advocate_views else "PN1"
    if advocate_views:
        return "PN5"
    if own_views:
        return "PN6"
    return "PN7"
