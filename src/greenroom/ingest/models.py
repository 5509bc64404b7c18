"""Application-database records of ingest: the loads registry and the quarantine."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from greenroom.store.db import Base

# SQLite only auto-increments INTEGER PRIMARY KEY; elsewhere the quarantine may outgrow 32 bits.
BigId = BigInteger().with_variant(Integer(), "sqlite")

LOAD_RUNNING = "running"
LOAD_LOADED = "loaded"
LOAD_REFUSED = "refused"
LOAD_FAILED = "failed"

OPEN = "open"
RESOLVED = "resolved"


def utcnow() -> datetime:
    """The current time, timezone-aware, for timestamps."""
    return datetime.now(UTC)


class Load(Base):
    """One attempt to load one file: its content hash, outcome and counts."""

    __tablename__ = "ingest_loads"
    __table_args__ = (Index("ix_ingest_loads_sha256_kind", "sha256", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(512))
    file_path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=LOAD_RUNNING)
    encoding: Mapped[str | None] = mapped_column(String(64))
    rows_read: Mapped[int] = mapped_column(BigInteger, default=0)
    loaded: Mapped[int] = mapped_column(BigInteger, default=0)
    quarantined: Mapped[int] = mapped_column(BigInteger, default=0)
    duplicates: Mapped[int] = mapped_column(BigInteger, default=0)
    messages: Mapped[list[str]] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class QuarantineRecord(Base):
    """One rejected row: where it was, what was wrong, the original row, and whether it was fixed."""

    __tablename__ = "ingest_quarantine"
    __table_args__ = (
        Index("ix_ingest_quarantine_kind_status_key", "kind", "status", "key_value"),
        Index("ix_ingest_quarantine_load", "load_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    load_id: Mapped[int] = mapped_column(ForeignKey("ingest_loads.id"))
    kind: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(512))
    row_number: Mapped[int] = mapped_column(BigInteger)
    column_name: Mapped[str | None] = mapped_column(String(128))
    value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    original: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    key_value: Mapped[str | None] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_load_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_loads.id"))
