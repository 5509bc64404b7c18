"""The consent registry: performers' replicas, consents, notices, uses, revocations and the hash-chained event log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the tables (none yet: this revision holds the place in the chain)."""


def downgrade() -> None:
    """Drop the tables."""
