"""The consent registry: performers' replicas, consents, notices, uses, revocations and the hash-chained event log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)
_ID = sa.String(128)
_TABLES = ("consent_log", "consent_rejects", "consent_status_events", "consent_uses", "consent_notices",
           "consent_consents", "consent_replicas", "consent_performers")


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "consent_performers",
        sa.Column("performer_id", _ID, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("deceased_on", sa.Date(), nullable=True),
        sa.Column("representative", sa.String(200), nullable=True),
        sa.Column("recorded_at", _TS, nullable=False),
    )
    op.create_table(
        "consent_replicas",
        sa.Column("replica_id", _ID, primary_key=True),
        sa.Column("performer_id", _ID, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("agreement", sa.String(64), nullable=False),
        sa.Column("producer", sa.String(200), nullable=False),
        sa.Column("origin_project", sa.String(200), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
    )
    op.create_index("ix_consent_replicas_performer", "consent_replicas", ["performer_id"])
    op.create_table(
        "consent_consents",
        sa.Column("consent_id", _ID, primary_key=True),
        sa.Column("performer_id", _ID, nullable=False),
        sa.Column("replica_id", _ID, nullable=False),
        sa.Column("producer", sa.String(200), nullable=False),
        sa.Column("agreement", sa.String(64), nullable=False),
        sa.Column("projects", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("media", sa.JSON(), nullable=False),
        sa.Column("real_time", sa.Boolean(), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("term_end", sa.Date(), nullable=True),
        sa.Column("separate", sa.Boolean(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("signed_by", sa.String(32), nullable=False),
        sa.Column("signer_name", sa.String(200), nullable=False),
        sa.Column("document", sa.String(512), nullable=False),
        sa.Column("supersedes", _ID, nullable=True),
        sa.Column("recorded_at", _TS, nullable=False),
    )
    op.create_index("ix_consent_consents_performer", "consent_consents", ["performer_id"])
    op.create_table(
        "consent_notices",
        sa.Column("notice_id", _ID, primary_key=True),
        sa.Column("performer_id", _ID, nullable=False),
        sa.Column("replica_id", _ID, nullable=False),
        sa.Column("producer", sa.String(200), nullable=False),
        sa.Column("project", sa.String(200), nullable=False),
        sa.Column("agreement", sa.String(64), nullable=False),
        sa.Column("session_at", sa.DateTime(), nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.Column("engaged_at", sa.DateTime(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("rate_cents", sa.BigInteger(), nullable=True),
        sa.Column("scan_only", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
    )
    op.create_index("ix_consent_notices_performer", "consent_notices", ["performer_id"])
    op.create_table(
        "consent_uses",
        sa.Column("use_id", _ID, primary_key=True),
        sa.Column("use_key", sa.String(64), nullable=False),
        sa.Column("performer_id", _ID, nullable=False),
        sa.Column("replica_id", _ID, nullable=False),
        sa.Column("producer", sa.String(200), nullable=False),
        sa.Column("project", sa.String(200), nullable=False),
        sa.Column("medium", sa.String(64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("scenes", sa.Text(), nullable=False),
        sa.Column("lines_generated", sa.Integer(), nullable=False),
        sa.Column("real_time", sa.Boolean(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("rate_cents", sa.BigInteger(), nullable=True),
        sa.Column("agreed_cents", sa.BigInteger(), nullable=True),
        sa.Column("sides", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(512), nullable=False),
        sa.Column("duplicate_of", _ID, nullable=True),
        sa.Column("recorded_at", _TS, nullable=False),
    )
    op.create_index("ix_consent_uses_performer", "consent_uses", ["performer_id"])
    op.create_index("ix_consent_uses_key", "consent_uses", ["use_key"])
    op.create_table(
        "consent_status_events",
        sa.Column("event_id", _ID, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("consent_id", _ID, nullable=True),
        sa.Column("performer_id", _ID, nullable=True),
        sa.Column("producer", sa.String(200), nullable=True),
        sa.Column("agreement", sa.String(64), nullable=True),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
    )
    op.create_table(
        "consent_rejects",
        sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("source_file", sa.String(512), nullable=False),
        sa.Column("row_number", sa.BigInteger(), nullable=False),
        sa.Column("column", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("original", sa.JSON(), nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
    )
    op.create_table(
        "consent_log",
        sa.Column("seq", _BIG_ID, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", _ID, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    """Drop the tables."""
    for name in ("ix_consent_uses_key", "ix_consent_uses_performer"):
        op.drop_index(name, table_name="consent_uses")
    op.drop_index("ix_consent_notices_performer", table_name="consent_notices")
    op.drop_index("ix_consent_consents_performer", table_name="consent_consents")
    op.drop_index("ix_consent_replicas_performer", table_name="consent_replicas")
    for table in _TABLES:
        op.drop_table(table)
