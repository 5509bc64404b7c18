"""The DuckDB tables follow the exchange formats exactly, plus load_id; the migrations match the models."""

from __future__ import annotations

from pathlib import Path

import duckdb
import sqlalchemy as sa

from greenroom.config import Settings
from greenroom.ingest.schemas import SCHEMAS
from greenroom.ingest.tables import SQL_TYPES, ensure_tables
from greenroom.store.db import get_engine, migrate


def test_tables_have_exactly_the_schema_columns() -> None:
    con = duckdb.connect()
    ensure_tables(con)
    ensure_tables(con)  # idempotent
    for schema in SCHEMAS.values():
        described = con.execute(f"DESCRIBE {schema.table}").fetchall()
        want = [(c.name, SQL_TYPES[c.type]) for c in schema.columns] + [("load_id", "BIGINT")]
        assert [(r[0], r[1]) for r in described] == want


def test_migration_creates_the_ingest_tables_and_matches_the_models(settings: Settings) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from greenroom.store.db import Base, import_models

    assert "greenroom.ingest.models" in import_models()
    migrate(settings.database_url)
    migrate(settings.database_url)  # at head already: nothing to do
    engine = get_engine(settings.database_url)
    assert {"ingest_loads", "ingest_quarantine", "alembic_version"} <= set(sa.inspect(engine).get_table_names())
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # Other domains' tables are theirs to check; the ingest tables must match exactly.
    assert [d for d in diff if "ingest_" in repr(d)] == []


def test_migrations_ship_inside_the_package() -> None:
    from greenroom.store.db import MIGRATIONS_DIR

    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "versions" / "0001_ingest.py").is_file()
    assert MIGRATIONS_DIR.parent == Path(__file__).resolve().parents[2] / "src" / "greenroom" / "store"
