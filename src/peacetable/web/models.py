"""Database tables of the mediation server (SQLAlchemy 2 declarative, typed).

The schema is created and upgraded by the Alembic migrations in
``peacetable/web/migrations``; a test checks that they match these classes.
Times are stored as timezone-aware UTC. JSON documents (scenarios,
submissions, drafts, record entries) are stored as text in their canonical
form, so the bytes that were hashed are the bytes that are kept.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC, to the microsecond."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite stores it naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    """An account. ``is_organiser`` accounts may create negotiations."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_organiser: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuthSession(Base):
    """A server-side sign-in; the cookie holds a random token, the table its SHA-256."""

    __tablename__ = "auth_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SetupLink(Base):
    """A one-time link that creates an organiser account (the first one is printed on start)."""

    __tablename__ = "setup_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Negotiation(Base):
    """One negotiation: its scenario (the mediator's estimates), state and record size."""

    __tablename__ = "negotiations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    scenario_json: Mapped[str] = mapped_column(Text)
    scenario_salt: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default="open")
    agreed_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    settlement_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    record_size: Mapped[int] = mapped_column(Integer, default=0)
    record_time: Mapped[str] = mapped_column(String(40), default="")


class Membership(Base):
    """A user's role in one negotiation; a party member is bound to one scenario party id."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("negotiation_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    negotiation_id: Mapped[str] = mapped_column(
        ForeignKey("negotiations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    party_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Invite(Base):
    """A single-use, expiring invitation; the link holds a random token, the table its SHA-256."""

    __tablename__ = "invites"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    negotiation_id: Mapped[str] = mapped_column(
        ForeignKey("negotiations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    party_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Submission(Base):
    """One version of one party's confidential preferences, with its salted commitment."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("negotiation_id", "party_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    negotiation_id: Mapped[str] = mapped_column(
        ForeignKey("negotiations.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    content_json: Mapped[str] = mapped_column(Text)
    contradictions_json: Mapped[str] = mapped_column(Text, default="[]")
    salt: Mapped[str] = mapped_column(String(64))
    commitment: Mapped[str] = mapped_column(String(64))
    record_seq: Mapped[int] = mapped_column(Integer)


class Draft(Base):
    """One version of the single negotiating text: a package and the wording of each provision."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("negotiation_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    negotiation_id: Mapped[str] = mapped_column(
        ForeignKey("negotiations.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="draft")
    based_on: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content_json: Mapped[str] = mapped_column(Text)
    salt: Mapped[str] = mapped_column(String(64))
    commitment: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Response(Base):
    """A party's answer to a published version: accept, reject or comment."""

    __tablename__ = "responses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    negotiation_id: Mapped[str] = mapped_column(
        ForeignKey("negotiations.id", ondelete="CASCADE"), index=True
    )
    draft_version: Mapped[int] = mapped_column(Integer)
    party_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    content_json: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(16))
    salt: Mapped[str] = mapped_column(String(64))
    commitment: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    record_seq: Mapped[int] = mapped_column(Integer)


class RecordEntry(Base):
    """One leaf of a negotiation's append-only record, with the server's signed receipt."""

    __tablename__ = "record_entries"
    negotiation_id: Mapped[str] = mapped_column(
        ForeignKey("negotiations.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    entry: Mapped[str] = mapped_column(Text)
    leaf_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    receipt: Mapped[str] = mapped_column(String(128))


class Checkpoint(Base):
    """A signed tree head: (tree size, root hash, time), Ed25519."""

    __tablename__ = "checkpoints"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    negotiation_id: Mapped[str] = mapped_column(
        ForeignKey("negotiations.id", ondelete="CASCADE"), index=True
    )
    tree_size: Mapped[int] = mapped_column(Integer)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[str] = mapped_column(String(40))
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(128))


class PublicKey(Base):
    """Every public key that has signed something in this database (imports bring theirs)."""

    __tablename__ = "public_keys"
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
