"""Application-database records of web accounts: users, invitations, sessions, login attempts, access log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from greenroom.ingest.models import BigId, utcnow
from greenroom.store.db import Base


class User(Base):
    """An account: its role, its password hash and, for a member, the one performer it is linked to."""

    __tablename__ = "accounts_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    performer_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    password_hash: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(120))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Invitation(Base):
    """A member invitation: a one-time token (stored hashed) that lets the member choose a password."""

    __tablename__ = "accounts_invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("accounts_users.id"))
    purpose: Mapped[str] = mapped_column(String(16))  # invite or reset
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A signed-in browser: the token (stored as a keyed hash), its CSRF token and when it ends."""

    __tablename__ = "accounts_sessions"
    __table_args__ = (Index("ix_accounts_sessions_user", "user_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("accounts_users.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class LoginAttempt(Base):
    """One sign-in attempt, kept to rate-limit guessing per account and per address."""

    __tablename__ = "accounts_login_attempts"
    __table_args__ = (Index("ix_accounts_login_attempts_username_at", "username", "at"),
                      Index("ix_accounts_login_attempts_ip_at", "ip", "at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(120))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean)


class AccessLogEntry(Base):
    """One read of a member's data by a staff account: who, when, what, from where."""

    __tablename__ = "accounts_access_log"
    __table_args__ = (Index("ix_accounts_access_log_performer_at", "performer_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    performer_id: Mapped[str] = mapped_column(String(128))
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("accounts_users.id"))
    staff_username: Mapped[str] = mapped_column(String(120))
    staff_role: Mapped[str] = mapped_column(String(32))
    what: Mapped[str] = mapped_column(Text)
    rows: Mapped[int] = mapped_column(BigInteger, default=0)
    ip: Mapped[str | None] = mapped_column(String(64))
