"""Ingest: the loads registry and the quarantine.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create ingest_loads and ingest_quarantine."""
    op.create_table(
        "ingest_loads",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("file_name", sa.String(512), nullable=False),
        sa.Column("file_path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("encoding", sa.String(64), nullable=True),
        sa.Column("rows_read", sa.BigInteger(), nullable=False),
        sa.Column("loaded", sa.BigInteger(), nullable=False),
        sa.Column("quarantined", sa.BigInteger(), nullable=False),
        sa.Column("duplicates", sa.BigInteger(), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_ingest_loads_sha256_kind", "ingest_loads", ["sha256", "kind"])
    op.create_table(
        "ingest_quarantine",
        sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("load_id", sa.Integer(), sa.ForeignKey("ingest_loads.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("file_name", sa.String(512), nullable=False),
        sa.Column("row_number", sa.BigInteger(), nullable=False),
        sa.Column("column_name", sa.String(128), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("original", sa.JSON(), nullable=False),
        sa.Column("key_value", sa.String(512), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_load_id", sa.Integer(), sa.ForeignKey("ingest_loads.id"), nullable=True),
    )
    op.create_index("ix_ingest_quarantine_kind_status_key", "ingest_quarantine", ["kind", "status", "key_value"])
    op.create_index("ix_ingest_quarantine_load", "ingest_quarantine", ["load_id"])


def downgrade() -> None:
    """Drop the ingest tables."""
    op.drop_index("ix_ingest_quarantine_load", table_name="ingest_quarantine")
    op.drop_index("ix_ingest_quarantine_kind_status_key", table_name="ingest_quarantine")
    op.drop_table("ingest_quarantine")
    op.drop_index("ix_ingest_loads_sha256_kind", table_name="ingest_loads")
    op.drop_table("ingest_loads")
