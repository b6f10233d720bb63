"""The database schema: portable SQLAlchemy models (SQLite by default, PostgreSQL by URL)."""
from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so migrations can drop and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A UTC timestamp that comes back timezone-aware even from SQLite, which drops the zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class JobState(enum.StrEnum):
    """Where a render job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class User(Base):
    """A person on one platform; no names, only the platform's id."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_user_id: Mapped[str] = mapped_column(String(64))
    banned: Mapped[bool] = mapped_column(Boolean, default=False)
    daily_limit: Mapped[int | None]  # None = the configured default; 0 = unlimited
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Chat(Base):
    """A chat, group or server the bot is used in, with its own settings."""

    __tablename__ = "chats"
    __table_args__ = (UniqueConstraint("platform", "platform_chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_chat_id: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    daily_limit: Mapped[int | None]  # None = the configured default; 0 = unlimited
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsentRecord(Base):
    """One acceptance or withdrawal of a version of the consent statement."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(32))
    accepted: Mapped[bool] = mapped_column(Boolean)  # False = withdrawn
    at: Mapped[datetime] = mapped_column(default=utcnow)


class QuotaUsage(Base):
    """Renders reserved by one user or one chat on one UTC day."""

    __tablename__ = "quota_usage"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (chat_id IS NULL)", name="one_owner"),
        UniqueConstraint("user_id", "day"),
        UniqueConstraint("chat_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    chat_id: Mapped[int | None] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    used: Mapped[int] = mapped_column(default=0)


class ForgottenUsage(Base):
    """Renders a user who asked to be forgotten had already made that day, under a salted hash of their platform
    id: forget-me deletes who they are, but is no way around the daily limit."""

    __tablename__ = "forgotten_usage"
    __table_args__ = (UniqueConstraint("identity_hash", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_hash: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    used: Mapped[int] = mapped_column(default=0)


class Template(Base):
    """A song template a user can pick."""

    __tablename__ = "templates"

    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    duration_seconds: Mapped[float]
    path: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class Job(Base):
    """One render request; its row is the queue, so jobs survive restarts."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_state", "state"),
        Index("ix_jobs_cache_key", "cache_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[JobState] = mapped_column(
        Enum(JobState, name="state", native_enum=False, create_constraint=True, length=16,
             values_callable=lambda states: [state.value for state in states]),
        default=JobState.QUEUED,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    worker: Mapped[str | None] = mapped_column(String(100))  # the worker running it (a cluster's), None when idle
    heartbeat_at: Mapped[datetime | None]  # last sign of life from that worker
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    template_slug: Mapped[str] = mapped_column(String(64))  # no foreign key: jobs outlive a removed template
    backend: Mapped[str] = mapped_column(String(32))
    photo_path: Mapped[str | None] = mapped_column(Text)  # None once the photo is deleted
    photo_sha256: Mapped[str] = mapped_column(String(64))
    cache_key: Mapped[str | None] = mapped_column(String(64))  # digest of everything that shapes the video
    # The face the inspection found: left, top, right, bottom, score.
    face: Mapped[list[float] | None] = mapped_column(JSON)
    output_path: Mapped[str | None] = mapped_column(Text)  # None until done, and again after retention
    error: Mapped[str | None] = mapped_column(Text)  # user-facing reason of a failure
    reply_to: Mapped[dict[str, Any] | None]  # the adapter's own note of where to deliver
    quota_day: Mapped[date | None] = mapped_column(Date)  # the day charged; None = nothing to refund
    chat_charged: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]


class AuditEntry(Base):
    """An admin action; actors and targets are plain text so entries outlive the users."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any] | None]
