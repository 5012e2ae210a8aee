"""Why a child ceased to be looked after: the DfE's SSDA903 "reason episode ceased" (REC)
codes, grouped as people think of them (home, special guardianship, adoption, 18, other).

The portal keeps the code itself, so the annual report and the 903 return can use it.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

GROUPS = {
    "home": _l("Went home, or to live with family"),
    "special_guardianship": _l("Special guardianship"),
    "adoption": _l("Adoption"),
    "eighteen": _l("18th birthday"),
    "other": _l("Other"),
}

# code -> (group, the DfE's description)
REASONS: dict[str, tuple[str, object]] = {
    "E4A": ("home", _l("Returned home to live with parents, relatives or others with parental "
                       "responsibility, as part of the care plan")),
    "E4B": ("home", _l("Returned home to live with parents, relatives or others with parental "
                       "responsibility, not as part of the care plan")),
    "E13": ("home", _l("Left care to live with parents, relatives or others with no parental "
                       "responsibility")),
    "E41": ("home", _l("Child arrangements order (residence) granted")),
    "E43": ("special_guardianship", _l("Special guardianship order made to former foster "
                                       "carers")),
    "E44": ("special_guardianship", _l("Special guardianship order made to carers other than "
                                       "former foster carers")),
    "E45": ("special_guardianship", _l("Special guardianship order made to former foster "
                                       "carers who are relatives or friends")),
    "E46": ("special_guardianship", _l("Special guardianship order made to former foster "
                                       "carers who are not relatives or friends")),
    "E47": ("special_guardianship", _l("Special guardianship order made to other carers who "
                                       "are relatives or friends")),
    "E48": ("special_guardianship", _l("Special guardianship order made to other carers who "
                                       "are not relatives or friends")),
    "E11": ("adoption", _l("Adopted: application for an adoption order unopposed")),
    "E12": ("adoption", _l("Adopted: consent dispensed with by the court")),
    "E17": ("eighteen", _l("Aged 18 and stayed with their carers (staying put)")),
    "E5": ("eighteen", _l("Moved to independent living with formal advice and support")),
    "E6": ("eighteen", _l("Moved to independent living without formal advice and support")),
    "E7": ("eighteen", _l("Moved to residential care funded by adult social care")),
    "E15": ("eighteen", _l("An age assessment found them to be 18 or over")),
    "E3": ("other", _l("Care taken over by another local authority in the UK")),
    "E9": ("other", _l("Sentenced to custody")),
    "E14": ("other", _l("Accommodation on remand ended")),
    "E16": ("other", _l("Moved abroad")),
    "E2": ("other", _l("Died")),
    "E8": ("other", _l("Ceased to be looked after for any other reason")),
}
# What an import may say instead of a code (documented in README, "Importing children").
WORDS = {"home": "E4A", "special_guardianship": "E44", "special guardianship": "E44",
         "adoption": "E11", "18th_birthday": "E8", "18th birthday": "E8", "18": "E8",
         "other": "E8"}


def reason_code(value: str | None) -> str | None:
    """A REC code from a code or one of the words, or None when it is neither."""
    text = (value or "").strip()
    if text.upper() in REASONS:
        return text.upper()
    return WORDS.get(text.lower())


def grouped_choices() -> list[tuple[object, list[tuple[str, str]]]]:
    """[(group label, [(code, "E4A: description")])], in the order of GROUPS."""
    return [(label, [(code, f"{code}: {text}") for code, (group, text) in REASONS.items()
                     if group == key]) for key, label in GROUPS.items()]
