"""What staff are shown of a recording's transcript; showing it is an audited read."""
from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user

from portal import audit
from portal.transcripts import operations, queries
from portal.transcripts.models import Transcript


@dataclass(frozen=True)
class Shown:
    # False: no model is configured, so the page says transcripts are off.
    on: bool
    # None while the job has not run yet (or could not).
    transcript: Transcript | None


def for_staff(stored_file_id: int | None, child_id: int) -> Shown | None:
    """The transcript part of a voice note's page, for staff only (None for anyone else).

    A transcript shown is written to the audit trail, like the recording it came from."""
    if not (current_user.is_authenticated and current_user.is_staff) or stored_file_id is None:
        return None
    transcript = queries.for_file(stored_file_id)
    if transcript is not None:
        audit.staff_viewed("staff.viewed_transcript", child_id=child_id,
                           subject=f"transcript:{transcript.id}")
    return Shown(on=operations.transcripts_on(), transcript=transcript)
