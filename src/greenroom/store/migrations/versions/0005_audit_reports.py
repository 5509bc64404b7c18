"""Audit reports: claim statements and their approvals.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the claim statement and approval tables."""
    op.create_table(
        "audit_claim_statements",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("payer", sa.String(200), nullable=False),
        sa.Column("statuses", sa.JSON(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_audit_claim_statements_payer", "audit_claim_statements", ["payer"])
    op.create_table(
        "audit_claim_approvals",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("statement_id", sa.Integer(), sa.ForeignKey("audit_claim_statements.id"), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=False),
        sa.Column("approved_at", _TS, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_audit_claim_approvals_statement", "audit_claim_approvals", ["statement_id"])


def downgrade() -> None:
    """Drop the claim statement and approval tables."""
    op.drop_index("ix_audit_claim_approvals_statement", table_name="audit_claim_approvals")
    op.drop_table("audit_claim_approvals")
    op.drop_index("ix_audit_claim_statements_payer", table_name="audit_claim_statements")
    op.drop_table("audit_claim_statements")
