"""Audit: payers and their column mappings, remittance files, held rows, audit runs, findings and their history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the audit tables."""
    op.create_table(
        "audit_payers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("tolerance_cents", sa.BigInteger(), nullable=False),
        sa.Column("column_map", sa.JSON(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_table(
        "audit_remittance_files",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("payer", sa.String(200), nullable=False),
        sa.Column("file_name", sa.String(512), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("rows_read", sa.BigInteger(), nullable=False),
        sa.Column("matched", sa.BigInteger(), nullable=False),
        sa.Column("queued", sa.BigInteger(), nullable=False),
        sa.Column("rejected", sa.BigInteger(), nullable=False),
        sa.Column("duplicates", sa.BigInteger(), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("loaded_at", _TS, nullable=False),
    )
    op.create_index("ix_audit_remittance_files_sha_payer", "audit_remittance_files", ["sha256", "payer"])
    op.create_table(
        "audit_held_rows",
        sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("file_id", sa.Integer(), sa.ForeignKey("audit_remittance_files.id"), nullable=False),
        sa.Column("payer", sa.String(200), nullable=False),
        sa.Column("row_number", sa.BigInteger(), nullable=False),
        sa.Column("disposition", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("original", sa.JSON(), nullable=False),
        sa.Column("mapped", sa.JSON(), nullable=False),
        sa.Column("suggestions", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("resolved_by", sa.String(200), nullable=True),
        sa.Column("resolved_at", _TS, nullable=True),
        sa.Column("resolved_title_id", sa.String(128), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_audit_held_rows_disposition_status", "audit_held_rows", ["disposition", "status"])
    op.create_table(
        "audit_runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("finished_at", _TS, nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("engine_run_id", sa.Integer(), nullable=True),
        sa.Column("owed_cents", sa.BigInteger(), nullable=False),
        sa.Column("owed_ph_cents", sa.BigInteger(), nullable=False),
        sa.Column("paid_cents", sa.BigInteger(), nullable=False),
        sa.Column("paid_ph_cents", sa.BigInteger(), nullable=False),
        sa.Column("keys_checked", sa.BigInteger(), nullable=False),
        sa.Column("findings_new", sa.BigInteger(), nullable=False),
        sa.Column("findings_seen", sa.BigInteger(), nullable=False),
        sa.Column("findings_cleared", sa.BigInteger(), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
    )
    op.create_table(
        "audit_findings",
        sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("fingerprint", sa.String(64), nullable=False, unique=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("payer", sa.String(200), nullable=True),
        sa.Column("title_id", sa.String(128), nullable=False),
        sa.Column("performer_id", sa.String(128), nullable=False),
        sa.Column("market", sa.String(64), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("owed_cents", sa.BigInteger(), nullable=False),
        sa.Column("paid_cents", sa.BigInteger(), nullable=False),
        sa.Column("difference_cents", sa.BigInteger(), nullable=False),
        sa.Column("owed_ph_cents", sa.BigInteger(), nullable=False),
        sa.Column("paid_ph_cents", sa.BigInteger(), nullable=False),
        sa.Column("ph_difference_cents", sa.BigInteger(), nullable=False),
        sa.Column("interest_cents", sa.BigInteger(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("resolution", sa.String(16), nullable=True),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("claimed_at", _TS, nullable=True),
        sa.Column("resolved_by", sa.String(200), nullable=True),
        sa.Column("resolved_at", _TS, nullable=True),
        sa.Column("first_run_id", sa.Integer(), sa.ForeignKey("audit_runs.id"), nullable=False),
        sa.Column("last_run_id", sa.Integer(), sa.ForeignKey("audit_runs.id"), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_audit_findings_type_status", "audit_findings", ["type", "status"])
    op.create_index("ix_audit_findings_payer", "audit_findings", ["payer"])
    op.create_index("ix_audit_findings_performer", "audit_findings", ["performer_id"])
    op.create_table(
        "audit_finding_events",
        sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("finding_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  sa.ForeignKey("audit_findings.id"), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("resolution", sa.String(16), nullable=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("audit_runs.id"), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_audit_finding_events_finding", "audit_finding_events", ["finding_id"])


def downgrade() -> None:
    """Drop the audit tables."""
    op.drop_index("ix_audit_finding_events_finding", table_name="audit_finding_events")
    op.drop_table("audit_finding_events")
    for name in ("ix_audit_findings_performer", "ix_audit_findings_payer", "ix_audit_findings_type_status"):
        op.drop_index(name, table_name="audit_findings")
    op.drop_table("audit_findings")
    op.drop_table("audit_runs")
    op.drop_index("ix_audit_held_rows_disposition_status", table_name="audit_held_rows")
    op.drop_table("audit_held_rows")
    op.drop_index("ix_audit_remittance_files_sha_payer", table_name="audit_remittance_files")
    op.drop_table("audit_remittance_files")
    op.drop_table("audit_payers")
