"""Web accounts: users with roles, invitations, sessions, login attempts and the log of staff reads of member data.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the accounts tables."""
    op.create_table(
        "accounts_users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(120), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("performer_id", sa.String(128), nullable=True, unique=True),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=True),
        sa.Column("password_changed_at", _TS, nullable=True),
        sa.Column("last_login_at", _TS, nullable=True),
    )
    op.create_table(
        "accounts_invitations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("accounts_users.id"), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("used_at", _TS, nullable=True),
    )
    op.create_table(
        "accounts_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("accounts_users.id"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("last_seen_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("user_agent", sa.String(300), nullable=True),
    )
    op.create_index("ix_accounts_sessions_user", "accounts_sessions", ["user_id"])
    op.create_table(
        "accounts_login_attempts",
        sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(120), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_accounts_login_attempts_username_at", "accounts_login_attempts", ["username", "at"])
    op.create_index("ix_accounts_login_attempts_ip_at", "accounts_login_attempts", ["ip", "at"])
    op.create_table(
        "accounts_access_log",
        sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("performer_id", sa.String(128), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), sa.ForeignKey("accounts_users.id"), nullable=False),
        sa.Column("staff_username", sa.String(120), nullable=False),
        sa.Column("staff_role", sa.String(32), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
    )
    op.create_index("ix_accounts_access_log_performer_at", "accounts_access_log", ["performer_id", "at"])


def downgrade() -> None:
    """Drop the accounts tables."""
    op.drop_index("ix_accounts_access_log_performer_at", table_name="accounts_access_log")
    op.drop_table("accounts_access_log")
    op.drop_index("ix_accounts_login_attempts_ip_at", table_name="accounts_login_attempts")
    op.drop_index("ix_accounts_login_attempts_username_at", table_name="accounts_login_attempts")
    op.drop_table("accounts_login_attempts")
    op.drop_index("ix_accounts_sessions_user", table_name="accounts_sessions")
    op.drop_table("accounts_sessions")
    op.drop_table("accounts_invitations")
    op.drop_table("accounts_users")
