"""Words for a child's age: an under-12 is told "your reviewing officer, Priya", not
"your ISRO" (issue 16). Used by every page a child reads that names their ISRO."""
from __future__ import annotations

from portal import clock

# Under this age a child is told "your reviewing officer, Priya", not "your ISRO".
PLAIN_WORDS_UNDER = 12
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr"}


def officer_name(child) -> str | None:
    """The first name of an under-12's ISRO ("Priya"), to say "your reviewing officer,
    Priya"; None for an older child (who reads "your ISRO") or one with no ISRO yet."""
    if child is None or child.age_on(clock.today()) >= PLAIN_WORDS_UNDER or child.isro is None:
        return None
    name = child.isro.display_name.strip()
    first = name.split()[0] if name else None
    # "Ms Patel" stays "Ms Patel": a title is not a first name.
    return name if first and first.rstrip(".").lower() in TITLES else first
