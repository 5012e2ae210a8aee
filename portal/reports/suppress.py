"""Small numbers hidden when a table leaves the team.

A count from 1 to 4 can point at one child (the only Tigrinya-speaking child, the one
child who left care for custody), so it is shown as "fewer than 5": in every CSV export,
and on the reports page unless the manager chooses to see it. 0 stays 0 (it identifies
nobody). A total under 5 is hidden the same way, and so is every share (a percentage) in
a row whose count is hidden, since the share and the total would give the count back.

This is primary suppression only: where the other rows of a table and its total are all
shown, the hidden count can still be worked out by subtraction.
"""
from __future__ import annotations

from dataclasses import replace

from portal.reports.tables import Table

THRESHOLD = 5
FEWER_THAN_5 = "fewer than 5"
HIDDEN = "hidden"


def is_small(value: object) -> bool:
    """A count that could identify a child: 1 to THRESHOLD - 1."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < THRESHOLD


def _is_share(value: object) -> bool:
    return isinstance(value, str) and value.endswith("%")


def row(cells: list, *, fewer: str = FEWER_THAN_5, hidden: str = HIDDEN) -> list:
    """One table row with its small counts, and the shares worked out from them, hidden.
    The first cell is the row's label and is kept."""
    if not any(is_small(cell) for cell in cells[1:]):
        return list(cells)
    return [cells[0], *(fewer if is_small(cell) else hidden if _is_share(cell) else cell
                        for cell in cells[1:])]


def table(found: Table, *, fewer: str = FEWER_THAN_5, hidden: str = HIDDEN) -> Table:
    """The table as it may leave the team: rows by ``row``, and the chart's small bars
    given as ``fewer`` (a bar's length would tell the number)."""
    chart = None if found.chart is None else [
        (label, fewer if is_small(value) else value) for label, value in found.chart]
    return replace(found, rows=[row(cells, fewer=fewer, hidden=hidden) for cells in found.rows],
                   chart=chart)
