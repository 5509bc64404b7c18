"""Contract review: no schema change; reviews are kept as files in the data directory (reviews/<id>/).

This revision stays in the chain because databases were already stamped with it; removing it would
leave them at an unknown revision.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to create: contract reviews are files, not tables."""


def downgrade() -> None:
    """Nothing to drop."""
