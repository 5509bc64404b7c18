"""Web accounts: users with roles, invitations, sessions, login attempts and the log of staff reads of member data.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the tables (none yet: this revision holds the place in the chain)."""


def downgrade() -> None:
    """Drop the tables."""
