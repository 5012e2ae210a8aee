"""The audit trail's screens for managers: events, their CSV, the week's unusual patterns."""
