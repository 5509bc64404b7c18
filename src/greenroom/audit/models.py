"""Application-database records of the audit: payers, remittance files, held rows, runs and findings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from greenroom.ingest.models import BigId, utcnow
from greenroom.store.db import Base

FILE_RUNNING = "running"
FILE_LOADED = "loaded"
FILE_FAILED = "failed"

QUEUED = "queued"
REJECTED = "rejected"
DUPLICATE = "duplicate"
HOLD_OPEN = "open"
HOLD_MATCHED = "matched"

OPEN = "open"
CLAIMED = "claimed"
RESOLVED = "resolved"
STATUSES = (OPEN, CLAIMED, RESOLVED)
RECOVERED = "recovered"
WAIVED = "waived"
CLEARED = "cleared"


class Payer(Base):
    """A payer: its column mapping (payer header -> our column), the header it was saved for, its tolerance."""

    __tablename__ = "audit_payers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    tolerance_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    column_map: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    headers: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RemittanceFile(Base):
    """One remittance file loaded for a payer, with its row accounting."""

    __tablename__ = "audit_remittance_files"
    __table_args__ = (Index("ix_audit_remittance_files_sha_payer", "sha256", "payer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payer: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=FILE_RUNNING)
    rows_read: Mapped[int] = mapped_column(BigInteger, default=0)
    matched: Mapped[int] = mapped_column(BigInteger, default=0)
    queued: Mapped[int] = mapped_column(BigInteger, default=0)
    rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    duplicates: Mapped[int] = mapped_column(BigInteger, default=0)
    messages: Mapped[list[str]] = mapped_column(JSON, default=list)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HeldRow(Base):
    """A remittance row not loaded: queued for review (unmatched), rejected (bad input) or a duplicate."""

    __tablename__ = "audit_held_rows"
    __table_args__ = (Index("ix_audit_held_rows_disposition_status", "disposition", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("audit_remittance_files.id"))
    payer: Mapped[str] = mapped_column(String(200))
    row_number: Mapped[int] = mapped_column(BigInteger)
    disposition: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    original: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    mapped: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    suggestions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=HOLD_OPEN)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_title_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditRun(Base):
    """One audit run: what it posted, the totals it saw and how many findings it wrote."""

    __tablename__ = "audit_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    as_of: Mapped[date] = mapped_column(Date)
    engine_run_id: Mapped[int | None] = mapped_column(Integer)
    owed_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    owed_ph_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_ph_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    keys_checked: Mapped[int] = mapped_column(BigInteger, default=0)
    findings_new: Mapped[int] = mapped_column(BigInteger, default=0)
    findings_seen: Mapped[int] = mapped_column(BigInteger, default=0)
    findings_cleared: Mapped[int] = mapped_column(BigInteger, default=0)
    messages: Mapped[list[str]] = mapped_column(JSON, default=list)


class Finding(Base):
    """Something wrong between owed and paid on one key, with its evidence and where it is in the workflow."""

    __tablename__ = "audit_findings"
    __table_args__ = (Index("ix_audit_findings_type_status", "type", "status"),
                      Index("ix_audit_findings_payer", "payer"),
                      Index("ix_audit_findings_performer", "performer_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    payer: Mapped[str | None] = mapped_column(String(200))
    title_id: Mapped[str] = mapped_column(String(128))
    performer_id: Mapped[str] = mapped_column(String(128))
    market: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    owed_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    difference_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    owed_ph_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_ph_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    ph_difference_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    summary: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    resolution: Mapped[str | None] = mapped_column(String(16))
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_run_id: Mapped[int] = mapped_column(ForeignKey("audit_runs.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("audit_runs.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FindingEvent(Base):
    """One change to a finding: who, when, from which status to which, and why. Never edited."""

    __tablename__ = "audit_finding_events"
    __table_args__ = (Index("ix_audit_finding_events_finding", "finding_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("audit_findings.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    by: Mapped[str] = mapped_column(String(200))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    resolution: Mapped[str | None] = mapped_column(String(16))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("audit_runs.id"))
    note: Mapped[str] = mapped_column(Text, default="")


DRAFT = "draft"
APPROVED = "approved"


class ClaimStatement(Base):
    """A claim statement to one payer: the claimed lines with their evidence, frozen as content with its hash.

    Refreshing it from the findings replaces the content and the hash; an approval is pinned to the hash it
    saw, so a statement whose content changed after approval is a draft again until someone approves it anew.
    """

    __tablename__ = "audit_claim_statements"
    __table_args__ = (Index("ix_audit_claim_statements_payer", "payer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payer: Mapped[str] = mapped_column(String(200))
    statuses: Mapped[list[str]] = mapped_column(JSON, default=list)
    as_of: Mapped[date | None] = mapped_column(Date)
    run_id: Mapped[int | None] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    lines: Mapped[int] = mapped_column(Integer, default=0)
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ClaimApproval(Base):
    """A staff member's approval of a claim statement's content, pinned to that content's hash. Never edited."""

    __tablename__ = "audit_claim_approvals"
    __table_args__ = (Index("ix_audit_claim_approvals_statement", "statement_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("audit_claim_statements.id"))
    revision: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    approved_by: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
