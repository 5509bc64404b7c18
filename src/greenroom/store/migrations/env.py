"""Alembic environment: runs the application database migrations (online or as SQL offline)."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from greenroom.store.db import Base, import_models, normalize_url

config = context.config
import_models()
target_metadata = Base.metadata


def _url() -> str:
    """The URL from -x url=..., the ini file, or GREENROOM_DATABASE_URL."""
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    url = url or os.environ.get("GREENROOM_DATABASE_URL")
    if not url:
        raise RuntimeError("no database URL: pass -x url=... or set GREENROOM_DATABASE_URL")
    return normalize_url(url)


def _run(connection: Connection) -> None:
    """Run the migrations on an open connection."""
    # Batch mode lets later ALTERs work on SQLite, which cannot alter columns in place.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """Emit the migration SQL instead of running it."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate through the connection greenroom.store.db.migrate passed in, or a fresh one."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(_url(), poolclass=NullPool)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
