"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from greenroom.config import Settings


@pytest.fixture
def pg_settings(tmp_path: Path) -> Settings:
    """Settings whose application database is the test PostgreSQL (DuckDB still in tmp_path).

    Skips with the reason when GREENROOM_TEST_DATABASE_URL is unset or the server is unreachable.
    """
    url = os.environ.get("GREENROOM_TEST_DATABASE_URL")
    if not url:
        pytest.skip("GREENROOM_TEST_DATABASE_URL is not set")
    pytest.importorskip("psycopg", reason="PostgreSQL driver missing: add psycopg[binary] to the dev lock")
    import sqlalchemy as sa

    from greenroom.store.db import get_engine

    try:
        with get_engine(url).connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL at GREENROOM_TEST_DATABASE_URL is not reachable: {exc.orig}")
    data = tmp_path / "data"
    data.mkdir()
    return Settings(data_dir=data, database_url=url)
