"""Application-database records of the consent registry.

Every record table is append-only: a consent is never edited or deleted (a correction is a new
consent that supersedes it; a revocation is a status event). Each write also appends an entry to
consent_log, the hash-chained log that `greenroom consent verify` checks.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from greenroom.ingest.models import BigId, utcnow
from greenroom.store.db import Base

_ID = String(128)


class Performer(Base):
    """A performer known to the registry (their id is the residuals data's performer_id when there is one)."""

    __tablename__ = "consent_performers"

    performer_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    deceased_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    representative: Mapped[str | None] = mapped_column(String(200), nullable=True)
    born_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # minors' replicas have extra protection
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Replica(Base):
    """A digital replica of a performer: its kind, the agreement and producer, and the project it was made on."""

    __tablename__ = "consent_replicas"
    __table_args__ = (Index("ix_consent_replicas_performer", "performer_id"),)

    replica_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    performer_id: Mapped[str] = mapped_column(_ID)
    kind: Mapped[str] = mapped_column(String(32))
    agreement: Mapped[str] = mapped_column(String(64))
    producer: Mapped[str] = mapped_column(String(200))
    origin_project: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Consent(Base):
    """A consent to use a replica: who gave it, to which producer, for which projects, uses, media and term."""

    __tablename__ = "consent_consents"
    __table_args__ = (Index("ix_consent_consents_performer", "performer_id"),)

    consent_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    performer_id: Mapped[str] = mapped_column(_ID)
    replica_id: Mapped[str] = mapped_column(_ID)
    producer: Mapped[str] = mapped_column(String(200))
    agreement: Mapped[str] = mapped_column(String(64))
    projects: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text)
    media: Mapped[list[str]] = mapped_column(JSON, default=list)
    real_time: Mapped[bool] = mapped_column(Boolean, default=False)
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    separate: Mapped[bool] = mapped_column(Boolean, default=True)
    signed_on: Mapped[date] = mapped_column(Date)
    signed_by: Mapped[str] = mapped_column(String(32))
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    document: Mapped[str] = mapped_column(String(512), default="")
    supersedes: Mapped[str | None] = mapped_column(_ID, nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Notice(Base):
    """A replica-creation session and the notice given for it (notified_at None: no notice was given)."""

    __tablename__ = "consent_notices"
    __table_args__ = (Index("ix_consent_notices_performer", "performer_id"),)

    notice_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    performer_id: Mapped[str] = mapped_column(_ID)
    replica_id: Mapped[str] = mapped_column(_ID)
    producer: Mapped[str] = mapped_column(String(200))
    project: Mapped[str] = mapped_column(String(200))
    agreement: Mapped[str] = mapped_column(String(64))
    session_at: Mapped[datetime] = mapped_column(DateTime)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    engaged_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    rate_cents: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    scan_only: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Use(Base):
    """A use of a replica reported by a producer."""

    __tablename__ = "consent_uses"
    __table_args__ = (Index("ix_consent_uses_performer", "performer_id"), Index("ix_consent_uses_key", "use_key"))

    use_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    use_key: Mapped[str] = mapped_column(String(64))
    performer_id: Mapped[str] = mapped_column(_ID)
    replica_id: Mapped[str] = mapped_column(_ID)
    producer: Mapped[str] = mapped_column(String(200))
    project: Mapped[str] = mapped_column(String(200))
    medium: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer, default=0)
    scenes: Mapped[str] = mapped_column(Text, default="")
    lines_generated: Mapped[int] = mapped_column(Integer, default=0)
    real_time: Mapped[bool] = mapped_column(Boolean, default=False)
    role: Mapped[str] = mapped_column(String(32), default="principal")
    rate_cents: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    agreed_cents: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    sides: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(String(512), default="")
    duplicate_of: Mapped[str | None] = mapped_column(_ID, nullable=True)
    # When the producer notified the performer of this use (Commercials: 48 hours before use).
    notified_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    sexual_content: Mapped[bool] = mapped_column(Boolean, default=False)  # nude or sexual depiction
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StatusEvent(Base):
    """A revocation of one consent, a suspension (e.g. during a strike) of the consents it matches, or a
    withdrawal of one reported use (e.g. the wrong one of two conflicting reports)."""

    __tablename__ = "consent_status_events"

    event_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    consent_id: Mapped[str | None] = mapped_column(_ID, nullable=True)
    use_id: Mapped[str | None] = mapped_column(_ID, nullable=True)
    performer_id: Mapped[str | None] = mapped_column(_ID, nullable=True)
    producer: Mapped[str | None] = mapped_column(String(200), nullable=True)
    agreement: Mapped[str | None] = mapped_column(String(64), nullable=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Reject(Base):
    """A row of a producer's file that was refused, kept whole with where and why."""

    __tablename__ = "consent_rejects"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_file: Mapped[str] = mapped_column(String(512))
    row_number: Mapped[int] = mapped_column(BigInteger)
    column: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(Text)
    original: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LogEntry(Base):
    """One entry of the append-only, hash-chained log: body is canonical JSON; hash = sha256(prev_hash, body)."""

    __tablename__ = "consent_log"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(_ID)
    body: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
