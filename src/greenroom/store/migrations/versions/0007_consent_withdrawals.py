"""Consent registry: withdrawn use reports, notice of use, sexual content of a use, performers' birth dates.

Adds nullable (or defaulted) columns only, so an existing registry upgrades in place and its records
keep verifying against the log (entries written before this revision lack these keys; `verify` reads
a missing key as the column's default).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.String(128)


def upgrade() -> None:
    """Add the columns."""
    with op.batch_alter_table("consent_status_events") as batch:
        batch.add_column(sa.Column("use_id", _ID, nullable=True))
    with op.batch_alter_table("consent_uses") as batch:
        batch.add_column(sa.Column("notified_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("sexual_content", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("consent_performers") as batch:
        batch.add_column(sa.Column("born_on", sa.Date(), nullable=True))


def downgrade() -> None:
    """Drop the columns (withdrawals stay in the log; their rows lose the use they withdrew)."""
    with op.batch_alter_table("consent_performers") as batch:
        batch.drop_column("born_on")
    with op.batch_alter_table("consent_uses") as batch:
        batch.drop_column("sexual_content")
        batch.drop_column("notified_at")
    with op.batch_alter_table("consent_status_events") as batch:
        batch.drop_column("use_id")
