"""What a child is told about when a person will read what they sent: the truth, from
the office hours, at the moment they send it."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_date, format_time
from flask_babel import gettext as _

from portal import clock
from portal.clock import LONDON


def next_reader(at: datetime | None = None) -> datetime | None:
    """When a person will next be at work to read it; None during office hours."""
    at = at or clock.now()
    hours = current_app.config["PORTAL"].hours
    return None if hours.is_open(at) else hours.next_open(at)


def when_read(at: datetime | None = None) -> str:
    """One sentence for the child: "Nobody will read this until Monday at 09:00."."""
    at = at or clock.now()
    opens = next_reader(at)
    if opens is None:
        return _("It is office hours now, so a person will read it soon.")
    local, today = opens.astimezone(LONDON), at.astimezone(LONDON).date()
    time = format_time(local, "short")
    if local.date() == today:
        return _("Nobody will read this until today at %(time)s.", time=time)
    if local.date() == today + timedelta(days=1):
        return _("Nobody will read this until tomorrow at %(time)s.", time=time)
    if local.date() < today + timedelta(days=7):
        day = format_date(local, "EEEE")
    else:
        day = format_date(local, "EEEE d MMMM")
    return _("Nobody will read this until %(day)s at %(time)s.", day=day, time=time)
