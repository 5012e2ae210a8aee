"""Who may see what: the one place that decides.

Every view declares a rule with ``@public``, ``@signed_in`` or ``@allow(...)``; the
``before_request`` hook enforces it, so a view cannot forget the check. A view with no
rule is refused (and a test fails). A rule naming a child argument also checks that
the person is linked to that child: anyone else gets a 404, as if the child did not
exist. Ids that arrive in the query string or a form are checked the same way: a rule
naming ``owns=("review",)`` refuses any ``review`` value that is not the id of that
child's own review (``/children/1/bundle.pdf?review=9`` cannot print child 2's review).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import Flask, abort, current_app, g, request
from flask_login import current_user
from sqlalchemy import Select, or_, select

from portal import audit, clock, db
from portal.accounts.models import Account, Child, Link, Role
from portal.numbers import parse_id


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role] | None  # None: anyone signed in (or anyone, when public)
    public: bool = False
    child_arg: str | None = None
    # A view argument naming something about a child (a submission...), checked by the
    # function registered for it with register_subject().
    subject_arg: str | None = None
    # Query-string or form parameters carrying ids of things that must be this child's.
    owns: tuple[str, ...] = ()


# view argument name -> (account, id) -> may this person see it?
SUBJECT_CHECKS: dict[str, Callable[[Account, int], bool]] = {}


# parameter name -> (child id, object id) -> is it that child's?
OWNED_CHECKS: dict[str, Callable[[int, int], bool]] = {}


def register_subject(arg: str, check: Callable[[Account, int], bool]) -> None:
    SUBJECT_CHECKS[arg] = check


def register_owned(param: str, check: Callable[[int, int], bool]) -> None:
    OWNED_CHECKS[param] = check


def _declare(rule: Rule) -> Callable:
    def decorator(view: Callable) -> Callable:
        view.access_rule = rule
        return view

    return decorator


def public(view: Callable) -> Callable:
    """Anyone, signed in or not."""
    return _declare(Rule(roles=None, public=True))(view)


def signed_in(view: Callable) -> Callable:
    """Anyone signed in, whatever their role."""
    return _declare(Rule(roles=None))(view)


def allow(*roles: Role, child: str | None = None, subject: str | None = None,
          owns: tuple[str, ...] = ()) -> Callable:
    """People with one of ``roles``; with ``child``, only if linked to that child; with
    ``subject``, only if the check registered for that argument says they may see it;
    with ``owns``, only if every id in those parameters is the child's own."""
    if owns and not child:
        raise ValueError("owns= needs child=: ids are checked against the child in the URL")
    return _declare(Rule(roles=frozenset(roles), child_arg=child, subject_arg=subject,
                         owns=tuple(owns)))


def rule_for(endpoint: str | None) -> Rule | None:
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return Rule(roles=None, public=True)
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def enforce():
    if request.endpoint is None:
        return  # 404 / 405: Flask answers those itself
    rule = rule_for(request.endpoint)
    if rule is None:
        current_app.logger.error("route %s declares no access rule", request.endpoint)
        abort(403)
    if rule.public:
        return
    if not current_user.is_authenticated:
        if g.get("database_down"):
            abort(503)
        return current_app.extensions["portal.login_manager"].unauthorized()
    if rule.roles is not None and current_user.role not in rule.roles:
        _refuse("access.role_refused")
        abort(403)
    if rule.child_arg:
        child_id = (request.view_args or {}).get(rule.child_arg)
        if not isinstance(child_id, int) or not can_see_child(current_user, child_id):
            _refuse("access.child_refused")
            abort(404)
        for param in rule.owns:
            for raw in request.values.getlist(param):
                if not raw.strip():
                    continue
                object_id = parse_id(raw)
                if object_id is None or not OWNED_CHECKS[param](child_id, object_id):
                    _refuse("access.parameter_refused")
                    abort(404)
    if rule.subject_arg:
        subject_id = (request.view_args or {}).get(rule.subject_arg)
        check = SUBJECT_CHECKS[rule.subject_arg]
        if not isinstance(subject_id, int) or not check(current_user, subject_id):
            _refuse("access.subject_refused")
            abort(404)


def _refuse(action: str) -> None:
    audit.record_now(action, actor_id=current_user.id, subject=request.endpoint)


def visible_children(account: Account, today: date | None = None) -> Select:
    """A query for the children ``account`` may see."""
    today = today or clock.today()
    query = select(Child)
    role = account.role
    if role is Role.MANAGER:
        return query
    if role is Role.ISRO:
        return query.where(Child.isro_id == account.id)
    if role is Role.CHILD:
        return query.where(Child.account_id == account.id)
    current_link = (
        select(Link.child_id)
        .where(Link.account_id == account.id, Link.kind == role.value, Link.starts_on <= today)
        .where(or_(Link.ends_on.is_(None), Link.ends_on > today))
    )
    return query.where(Child.id.in_(current_link))


def can_see_child(account: Account, child_id: int) -> bool:
    cache = g.setdefault("visible_child_ids", {})
    if child_id not in cache:
        query = visible_children(account).where(Child.id == child_id).with_only_columns(Child.id)
        cache[child_id] = db.session().scalar(query) is not None
    return cache[child_id]


def init_app(app: Flask) -> None:
    app.before_request(enforce)
