"""The menu on every staff page: what each role may open, and which entry is this page."""
from __future__ import annotations

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.access import rule_for

# (endpoint, label, the endpoints that count as being "in" it)
ENTRIES = (
    ("casework.caseload", _l("Caseload"), ("casework.", "pages.child", "children.", "reviews.")),
    ("day.new", _l("New"), ("day.new", "day.mark_read")),
    ("messages.inbox", _l("Messages"), ("messages.",)),
    ("safety.safety", _l("Safety"), ("safety.",)),
    ("day.calendar", _l("Next 8 weeks"), ("day.calendar",)),
    ("reports.index", _l("Reports"), ("reports.",)),
    ("casework.people_list", _l("People"), ("casework.people_list", "casework.new_person")),
    ("audit_trail.index", _l("Audit"), ("audit_trail.",)),
    ("retention.index", _l("Retention"), ("retention.",)),
    ("jobs.index", _l("Jobs"), ("jobs.",)),
)


def staff_menu() -> list[tuple[str, object]]:
    """The entries this person's role may open (an entry whose page does not exist yet, or
    whose access rule leaves this role out, is not shown)."""
    shown = []
    for endpoint, label, _within in ENTRIES:
        if endpoint not in current_app.view_functions:
            continue
        rule = rule_for(endpoint)
        if rule and (rule.roles is None or current_user.role in rule.roles):
            shown.append((endpoint, label))
    return shown


def current_section() -> str | None:
    """The menu entry this page belongs to: the most specific match wins."""
    endpoint = request.endpoint or ""
    best, length = None, 0
    for entry, _label, within in ENTRIES:
        for prefix in within:
            if endpoint.startswith(prefix) and len(prefix) > length:
                best, length = entry, len(prefix)
    return best
