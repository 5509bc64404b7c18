"""The load, quarantine and fix round trip against PostgreSQL, when GREENROOM_TEST_DATABASE_URL names one."""

from __future__ import annotations

import uuid
from pathlib import Path

from greenroom.config import Settings
from greenroom.ingest.export import export_quarantine
from greenroom.ingest.loader import load_file
from greenroom.ingest.registry import query_quarantine
from greenroom.store.db import session_factory
from tests.ingest.conftest import ENGAGEMENT_HEADER, TITLE_HEADER, engagement_row, title_row, write_csv


def test_round_trip_on_postgresql(pg_settings: Settings, tmp_path: Path) -> None:
    run = uuid.uuid4().hex[:8]  # the database outlives the test: keep this run's rows apart
    titles = write_csv(tmp_path / "titles.csv", TITLE_HEADER, [title_row(f"T{run}")])
    assert load_file(pg_settings, titles).loaded == 1
    rows = [engagement_row(f"E{run}-1", title_id=f"T{run}"),
            engagement_row(f"E{run}-2", title_id=f"T{run}", tac_cents="12.5")]
    first = load_file(pg_settings, write_csv(tmp_path / "engagements.csv", ENGAGEMENT_HEADER, rows))
    assert (first.loaded, first.quarantined) == (1, 1)
    assert load_file(pg_settings, tmp_path / "engagements.csv").already_loaded

    fix, count, kind = export_quarantine(pg_settings, tmp_path / "fix.csv", load_id=first.load_id)
    assert (count, kind) == (1, "engagements")
    fix.write_text(fix.read_text(encoding="utf-8-sig").replace("12.5", "13"), encoding="utf-8")
    second = load_file(pg_settings, fix, kind="engagements")
    assert (second.loaded, second.quarantined) == (1, 0)
    records = query_quarantine(session_factory(pg_settings), load_id=first.load_id, status=None)
    assert [(r.status, r.resolved_by_load_id) for r in records] == [("resolved", second.load_id)]
