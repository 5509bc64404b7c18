"""The audit migration creates exactly the tables and columns the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import greenroom.audit.models  # noqa: F401  (registers the audit tables)
from greenroom.store.db import Base, get_engine, session_factory


def test_models_match_the_migrated_schema(settings) -> None:
    session_factory(settings)  # migrates to head
    with get_engine(settings.database_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    audit_diff = [d for d in diff if "audit_" in repr(d)]
    assert audit_diff == []
