"""People, the children they are linked to, and their sign-in records."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.crypto import Encrypted
from portal.db import Base, UTCDateTime, enum_of, utcnow


class Role(enum.StrEnum):
    CHILD = "child"
    CARER = "carer"
    ADVOCATE = "advocate"
    ISRO = "isro"
    MANAGER = "manager"

    @property
    def is_staff(self) -> bool:
        return self in (Role.ISRO, Role.MANAGER)


ROLE_VALUES = ", ".join(f"'{r.value}'" for r in Role)


class Account(Base):
    """Someone who signs in. A child's account points at their Child record."""

    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint(f"role IN ({ROLE_VALUES})", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(enum_of(Role, 16))
    # Staff and adults: the name shown to others. Children: their preferred name is on Child.
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Encrypted at rest with PORTAL_DATA_KEY (portal.crypto); plain text in Python.
    totp_secret: Mapped[str | None] = mapped_column(Encrypted)
    totp_confirmed: Mapped[bool] = mapped_column(default=False)
    # The last TOTP time-step accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(16))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    # Staff: full-time equivalent (1.0, 0.6), set by a manager, for caseload per FTE.
    fte: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    child: Mapped[Child | None] = relationship(
        back_populates="account", foreign_keys="Child.account_id", uselist=False
    )

    # Set by the session loader: the token of the session this request belongs to.
    session_token = None  # type: str | None

    @property
    def is_staff(self) -> bool:
        return Role(self.role).is_staff

    @property
    def needs_second_factor(self) -> bool:
        """Staff always; a carer or advocate who chose to set one up."""
        return self.is_staff or bool(self.totp_confirmed)

    @property
    def name(self) -> str:
        if self.child is not None:
            return self.child.preferred_name
        return self.display_name

    # Flask-Login's user protocol.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.session_token


class Child(Base):
    """A child looked after. Under-4s have a record but no account."""

    __tablename__ = "children"

    id: Mapped[int] = mapped_column(primary_key=True)
    preferred_name: Mapped[str] = mapped_column(String(80))
    date_of_birth: Mapped[date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(16), default="en")
    # e.g. ["interpreter", "sign_language"]; see accounts.needs.NEEDS
    needs: Mapped[list] = mapped_column(JSON, default=list)
    interpreter_language: Mapped[str | None] = mapped_column(String(16))
    looked_after_since: Mapped[date] = mapped_column(Date)
    # The council's own reference for the child (used in the SSDA903 return).
    reference: Mapped[str | None] = mapped_column(String(40), unique=True)
    asylum_seeking: Mapped[bool] = mapped_column(default=False)
    # Ceased to be looked after: the day, and the DfE SSDA903 "reason episode ceased" code
    # (accounts.leaving.REASONS). The record is kept for retention; sign-in is closed.
    ceased_on: Mapped[date | None] = mapped_column(Date, index=True)
    ceased_reason: Mapped[str | None] = mapped_column(String(4))
    # From the council's SSDA903 Header table (reports.ssda903): SEX 1 or 2, the DfE's
    # ETHNIC code, and the unique pupil number (kept for the return, never displayed).
    sex: Mapped[str | None] = mapped_column(String(1))
    ethnicity: Mapped[str | None] = mapped_column(String(4))
    upn: Mapped[str | None] = mapped_column(String(13))
    isro_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"),
                                                index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    isro: Mapped[Account | None] = relationship(foreign_keys=[isro_id])
    account: Mapped[Account | None] = relationship(
        back_populates="child", foreign_keys=[account_id]
    )

    def looked_after_on(self, day: date) -> bool:
        return self.ceased_on is None or day < self.ceased_on

    def age_on(self, day: date) -> int:
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years


class LinkKind(enum.StrEnum):
    CARER = "carer"
    ADVOCATE = "advocate"


class Link(Base):
    """A carer or advocate linked to a child for a period."""

    __tablename__ = "links"
    __table_args__ = (CheckConstraint("kind IN ('carer', 'advocate')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LinkKind] = mapped_column(enum_of(LinkKind, 16))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    account: Mapped[Account] = relationship()
    child: Mapped[Child] = relationship()



class SessionStage(enum.StrEnum):
    SIGNED_IN = "signed_in"
    # Half-way states, kept here rather than in the (signed, readable) cookie:
    SECOND_FACTOR = "second_factor"  # a staff password was right; the code is next
    SETUP = "setup"  # a sign-in card's code was right; choosing a password is next


class AccountSession(Base):
    """A session, kept on the server so it can be ended everywhere: signed in, or half-way
    through signing in or setting up a sign-in."""

    __tablename__ = "account_sessions"
    __table_args__ = (
        CheckConstraint("stage IN ('signed_in', 'second_factor', 'setup')", name="stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 of the token in the cookie: a leaked database does not give live sessions.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stage: Mapped[SessionStage] = mapped_column(enum_of(SessionStage, 16),
                                                default=SessionStage.SIGNED_IN,
                                                server_default=SessionStage.SIGNED_IN.value)
    # SETUP only: the code that was checked (never the code itself).
    setup_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("setup_codes.id", ondelete="CASCADE"))
    account: Mapped[Account] = relationship()


class SetupCode(Base):
    """A one-time code printed on a sign-in card, with which a person sets their password."""

    __tablename__ = "setup_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship(foreign_keys=[account_id])
