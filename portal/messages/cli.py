"""Safeguarding commands: check text against the word lists; escalate and retry flags."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal import db
from portal.messages import flags
from portal.messages.safety import find_entries


@click.command("safety-scan")
@click.argument("source", type=click.File("r", encoding="utf-8", errors="replace"))
def safety_scan(source) -> None:
    """Check each line of SOURCE (a UTF-8 file, or - for stdin) against every word list.

    Prints one line for each line read: FLAG, a tab and the entries found (separated by
    " | "), or ok.
    """
    for line in source:
        found = find_entries(line.rstrip("\r\n"))
        click.echo("FLAG\t" + " | ".join(e.text for e in found) if found else "ok")


@click.command("check-flags")
@with_appcontext
def check_flags() -> None:
    """Escalate flags not acknowledged in time and retry flag emails that failed.

    Run every few minutes (docs/operations.md has the systemd timer and cron line).
    """
    escalated = flags.escalate_due()
    db.session().commit()
    retried = flags.retry_notices()
    db.session().commit()
    click.echo(f"{escalated} flag(s) escalated, {retried} email(s) retried.")
