"""Reading people and links (writes live in operations.py)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from portal import access, clock, db
from portal.accounts.models import Account, Child, Link, Role


def children_for(account: Account) -> list[Child]:
    query = access.visible_children(account).order_by(Child.preferred_name, Child.id)
    return list(db.session().scalars(query))


def child(child_id: int) -> Child | None:
    return db.session().get(Child, child_id)


def account(account_id: int) -> Account | None:
    return db.session().get(Account, account_id)


def current_links(child_id: int, today: date | None = None) -> list[Link]:
    today = today or clock.today()
    return list(db.session().scalars(
        select(Link).where(Link.child_id == child_id, Link.starts_on <= today)
        .where(or_(Link.ends_on.is_(None), Link.ends_on > today))
        .order_by(Link.kind, Link.id)
    ))


def caseload_sizes() -> list[tuple[Account, int]]:
    """Each ISRO with how many children are allocated to them."""
    counts = (
        select(Child.isro_id, func.count(Child.id).label("n")).group_by(Child.isro_id).subquery()
    )
    rows = db.session().execute(
        select(Account, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.isro_id == Account.id)
        .where(Account.role == Role.ISRO.value)
        .order_by(Account.display_name)
    )
    return [(account, n) for account, n in rows]
