"""The annual report, assembled: each section in the order a council's report takes, with
the manager's text for it and its tables. Each section is one function of the period,
so a section whose tables come from elsewhere is one line here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.reports import plan, profile, service, suppress, tables, voice
from portal.reports.tables import Table


@dataclass
class Section:
    key: str  # as in plan.NARRATIVE_SECTIONS
    title: object
    text: str = ""
    tables: list[Table] = field(default_factory=list)
    quotes: list = field(default_factory=list)


def reviews_on_time(start: date, end: date) -> Table:
    by_month = tables.reviews_by_month(start, end)
    _label, held, on_time, _share = by_month.rows[-1]
    rows = [["Reviews held on time", on_time, tables._pct(on_time, held)],
            ["Reviews held late", held - on_time, tables._pct(held - on_time, held)],
            ["Total", held, "100%" if held else "–"]]
    return Table("reviews-on-time", "Reviews held on time", ["Reviews", "Number", "Share"],
                 rows, chart=[(r[0], r[1]) for r in rows[:-1]])


def _caseloads(start: date, end: date) -> list[Table]:
    return [service.caseloads(start, end), *service.contacts(start, end)]


def _timeliness(start: date, end: date) -> list[Table]:
    return [reviews_on_time(start, end), service.late_reviews(start, end),
            service.minutes_on_time(start, end), tables.letters_on_time(start, end)]


def _activity(start: date, end: date) -> list[Table]:
    return [tables.reviews_by_month(start, end)]


def _participation(start: date, end: date) -> list[Table]:
    return [tables.participation(start, end), service.advocates(start, end),
            *tables.submissions(start, end)]


def _voice(start: date, end: date) -> list[Table]:
    return [*voice.voice_tables(start, end), *voice.feedback_tables(start, end)]


def _challenges(start: date, end: date) -> list[Table]:
    return service.challenges(start, end)


def _plan(start: date, end: date) -> list[Table]:
    return [plan.plan_table(plan.report_year(start))]


# (key, heading, the section's tables for a period), in the report's order.
SECTIONS: tuple[tuple[str, object, Callable[[date, date], list[Table]]], ...] = (
    ("introduction", _l("Introduction"), lambda start, end: []),
    ("caseloads", _l("Caseloads"), _caseloads),
    ("timeliness", _l("Timeliness"), _timeliness),
    ("activity", _l("Activity by month"), _activity),
    ("profile", _l("The children looked after"), profile.profile_tables),
    ("participation", _l("Participation"), _participation),
    ("voice", _l("The voice of the children"), _voice),
    ("challenges", _l("Challenges"), _challenges),
    ("plan", _l("Action plan"), _plan),
)


def build(start: date, end: date, *, hide_small: bool = True) -> list[Section]:
    """Every section of the report for the period, with the narrative of its report year.
    Small numbers are hidden unless ``hide_small`` is False (an internal copy)."""
    texts = plan.narratives(plan.report_year(start))
    found = []
    for key, title, tables_of in SECTIONS:
        section = Section(key, title, texts.get(key, ""), list(tables_of(start, end)))
        if hide_small:
            section.tables = [suppress.table(t, fewer=_("fewer than 5"), hidden=_("hidden"))
                              for t in section.tables]
        if key == "voice":
            section.quotes = voice.quotes(start, end)
        found.append(section)
    return found


def all_tables(start: date, end: date) -> list[Table]:
    return [t for _key, _title, tables_of in SECTIONS for t in tables_of(start, end)]
