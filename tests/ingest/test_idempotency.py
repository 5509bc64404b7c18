"""Loading twice changes nothing: whole files by content hash, rows by key and content."""

from __future__ import annotations

import shutil
from pathlib import Path

from greenroom.config import Settings
from greenroom.ingest.loader import load_file
from greenroom.ingest.registry import list_loads, query_quarantine
from greenroom.store.db import session_factory
from tests.ingest.conftest import TITLE_HEADER, table_count, table_rows, title_row, write_csv


def test_same_content_twice_is_already_loaded(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "titles.csv", TITLE_HEADER, [title_row("T1"), title_row("T2", length_minutes="x")])
    first = load_file(settings, path)
    copy = shutil.copy(path, tmp_path / "titles-copy.csv")
    for again in (load_file(settings, path), load_file(settings, copy)):
        assert again.already_loaded and again.load_id == first.load_id
        assert again.messages[-1].endswith(f"already loaded (load {first.load_id}); nothing changed")
        assert (again.rows_read, again.loaded, again.quarantined, again.duplicates) == (0, 0, 0, 0)
    assert table_count(settings, "titles") == 1
    assert len(query_quarantine(session_factory(settings))) == 1
    assert len(list_loads(session_factory(settings))) == 1


def test_identical_rows_in_another_file_are_duplicates(settings: Settings, tmp_path: Path) -> None:
    load_file(settings, write_csv(tmp_path / "titles.csv", TITLE_HEADER, [title_row("T1"), title_row("T2")]))
    # Same rows, other formatting: spaces, upper-case header, a new title.
    header = [h.upper() for h in TITLE_HEADER]
    spaced = title_row("T1", length_minutes="60.0")
    spaced[0] = " T1 "
    rows = [spaced, title_row("T2"), title_row("T3")]
    result = load_file(settings, write_csv(tmp_path / "titles-2.csv", header, rows))
    assert (result.rows_read, result.loaded, result.quarantined, result.duplicates) == (3, 1, 0, 2)
    assert [r[0] for r in table_rows(settings, "titles")] == ["T1", "T2", "T3"]


def test_conflicting_reload_is_quarantined_never_overwritten(settings: Settings, tmp_path: Path) -> None:
    first = load_file(settings, write_csv(tmp_path / "titles.csv", TITLE_HEADER, [title_row("T1")]))
    result = load_file(settings, write_csv(tmp_path / "titles-fix.csv", TITLE_HEADER,
                                           [title_row("T1", name="Renamed")]))
    assert (result.loaded, result.quarantined, result.duplicates) == (0, 1, 0)
    record = query_quarantine(session_factory(settings), load_id=result.load_id)[0]
    assert record.reason == f"conflicts with existing row T1 from load {first.load_id}"
    assert (record.column_name, record.row_number) == ("title_id", 2)
    assert table_rows(settings, "titles")[0][1] == "Name of T1"


def test_duplicate_keys_within_a_file_first_wins(settings: Settings, tmp_path: Path) -> None:
    rows = [title_row("T1"), title_row("T2"), title_row("T1", name="Other"), title_row("T1")]
    result = load_file(settings, write_csv(tmp_path / "titles.csv", TITLE_HEADER, rows))
    assert (result.rows_read, result.loaded, result.quarantined, result.duplicates) == (4, 2, 2, 0)
    q = {r.row_number: r.reason for r in query_quarantine(session_factory(settings), load_id=result.load_id)}
    assert q == {4: "duplicate key within file (first at row 2)", 5: "duplicate key within file (first at row 2)"}
    assert table_rows(settings, "titles")[0][1] == "Name of T1"


def test_interrupted_load_is_rolled_back_on_the_next_load(settings: Settings, tmp_path: Path) -> None:
    import duckdb

    from greenroom.ingest.registry import start_load

    load_file(settings, write_csv(tmp_path / "titles.csv", TITLE_HEADER, [title_row("T1")]))
    ghost = start_load(session_factory(settings), "titles", "ghost.csv", "/nowhere/ghost.csv", "0" * 64)
    with duckdb.connect(str(settings.duckdb_path)) as con:
        con.execute(f"INSERT INTO titles (title_id, name, load_id) VALUES ('GHOST', 'half-loaded', {ghost})")
    load_file(settings, write_csv(tmp_path / "titles-2.csv", TITLE_HEADER, [title_row("T2")]))
    assert [r[0] for r in table_rows(settings, "titles")] == ["T1", "T2"]
    statuses = {load.id: load.status for load, _ in list_loads(session_factory(settings))}
    assert statuses[ghost] == "failed"


def test_stores_from_different_places_are_not_mixed(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "titles.csv", TITLE_HEADER, [title_row("T1")])
    assert load_file(settings, path).loaded == 1
    # Another application database with the same data directory: load ids would be reused.
    other = Settings(settings.data_dir, f"sqlite:///{tmp_path / 'other.sqlite3'}")
    refused = load_file(other, write_csv(tmp_path / "titles-2.csv", TITLE_HEADER, [title_row("T2")]))
    assert refused.refused and "do not belong together" in refused.messages[-1]
    # The same application database with a fresh data directory: "already loaded" would be a lie.
    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir()
    fresh = Settings(fresh_dir, settings.database_url)
    result = load_file(fresh, path)
    assert result.refused and "its rows are not in" in result.messages[-1]
    assert table_count(settings, "titles") == 1
