"""The one write an export makes: the audit event for a staff member's export."""
from __future__ import annotations

from portal import audit
from portal.accounts.models import Account, Child

EXPORTED = "staff.exported_child_file"


def record_staff_export(child: Child, by: Account, reason: str) -> None:
    """A manager made the child's own file (a subject access request). The caller commits."""
    audit.record(EXPORTED, actor_id=by.id, child_id=child.id, subject="exports.child_file",
                 reason=reason.strip())
