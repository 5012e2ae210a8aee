"""The review record store: one engine per app, one session per request."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Enum, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from portal import clock

# Stable constraint names so Alembic migrations read the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def enum_of(enum_class: type, length: int) -> Enum:
    """A column holding one of our StrEnums: stored as its value ("child") in a VARCHAR,
    read back as the member (Role.CHILD). A CHECK constraint in the model's
    __table_args__ keeps the database itself honest."""
    return Enum(enum_class, native_enum=False, create_constraint=False, length=length,
                values_callable=lambda members: [m.value for m in members],
                validate_strings=True)


@event.listens_for(Base, "mapper_configured", propagate=True)
def _enum_columns_hold_members(mapper, cls) -> None:
    """Whatever is assigned to an enum column ("child" or Role.CHILD) is held as the member,
    before and after it is saved, so ``account.role is Role.CHILD`` is always right."""
    for attribute in mapper.column_attrs:
        kind = getattr(attribute.columns[0].type, "enum_class", None)
        if kind is not None:
            event.listen(getattr(cls, attribute.key), "set",
                         lambda _target, value, _old, _initiator, kind=kind:
                         None if value is None else kind(value), retval=True)


def utcnow() -> datetime:
    return clock.now()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # hide_parameters: a failed query's log line never shows a child's name or words.
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True,
                               **POOL)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, **POOL)


# A request thread can hold two connections at once: its session's, and the sign-in
# throttle's own (its counts commit whatever the request does). With SQLAlchemy's default
# 5 + 10, eight gunicorn threads each holding one and waiting for a second starve the pool
# (every sign-in of a hundred at once timed out). Overflow connections open only under load.
POOL = {"pool_size": 10, "max_overflow": 30}


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def init_app(app: Flask, url: str) -> None:
    engine = make_engine(url)
    app.extensions["portal.engine"] = engine
    maker = sessionmaker(engine, expire_on_commit=False)
    event.listen(maker, "after_commit", _run_after_commit)
    event.listen(maker, "after_rollback", lambda s: s.info.pop("after_commit", None))
    app.extensions["portal.sessionmaker"] = maker
    app.teardown_appcontext(_close_session)


def after_commit(callback) -> None:
    """Run ``callback`` once this request's transaction has committed (never if it fails):
    for emails, which must not go out about something that was not saved."""
    session().info.setdefault("after_commit", []).append(callback)


def _run_after_commit(db_session: Session) -> None:
    for callback in db_session.info.pop("after_commit", []):
        callback()


def engine() -> Engine:
    return current_app.extensions["portal.engine"]


def session() -> Session:
    """The database session of this request (or CLI command)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["portal.sessionmaker"]()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        # Anything not committed by an operation is rolled back: no half-made rows.
        db_session.close()
