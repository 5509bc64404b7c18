"""CSV, XLSX and Parquet all load, to the same rows; typed Parquet columns are checked too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

from greenroom.config import Settings
from greenroom.ingest.loader import load_file, load_rows, load_table
from greenroom.ingest.registry import query_quarantine
from greenroom.store.db import session_factory
from tests.ingest.conftest import TITLE_HEADER, table_rows, title_row, write_csv

ROWS = [title_row("T1", name="Pilot, Part 1"), title_row("T2", length_minutes="-30"), title_row("T3")]


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    """A one-sheet workbook."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def outcome(settings: Settings, path: Path) -> tuple[tuple[int, int, int], list[tuple[object, ...]], list[int]]:
    """Counts, loaded rows and quarantined row numbers of loading path into a fresh table."""
    result = load_file(settings, path, kind="titles")
    rows = table_rows(settings, "titles", "title_id")
    q = [r.row_number for r in query_quarantine(session_factory(settings), load_id=result.load_id)]
    return (result.rows_read, result.loaded, result.quarantined), [r[:-1] for r in rows], q


def test_csv_xlsx_parquet_load_the_same(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path / "a.csv", TITLE_HEADER, ROWS)
    xlsx_path = write_xlsx(tmp_path / "a.xlsx", TITLE_HEADER, [list(r) for r in ROWS])
    parquet_path = tmp_path / "a.parquet"
    pq.write_table(pa.table({h: [r[i] for r in ROWS] for i, h in enumerate(TITLE_HEADER)}), parquet_path)
    outcomes = []
    for i, path in enumerate((csv_path, xlsx_path, parquet_path)):
        data = tmp_path / f"data{i}"
        data.mkdir()
        outcomes.append(outcome(Settings(data, f"sqlite:///{data / 'app.sqlite3'}"), path))
    assert outcomes[0] == outcomes[1] == outcomes[2]
    assert outcomes[0][0] == (3, 2, 1) and outcomes[0][2] == [3]
    assert outcomes[0][1][0][:6] == ("T1", "Pilot, Part 1", "sag-aftra-tv-theatrical", "network_series", 60,
                                     dt.date(2020, 1, 6))


def test_xlsx_native_cells_and_blank_rows(settings: Settings, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["T1", "One", "sag-aftra-tv-theatrical", "network_series", 60, dt.datetime(2020, 1, 6), dt.date(2020, 9, 1)],
        [None] * 7,
        ["T2", "Two", "sag-aftra-tv-theatrical", "network_series", 30.5, dt.date(2020, 1, 6), "2020-09-01"],
        ["T3", "Three", "sag-aftra-tv-theatrical", "network_series", 45.0, "2020-01-06", dt.date(2020, 9, 1),
         None, "stray"],
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Titles"
    ws.append(TITLE_HEADER)
    for row in rows:
        ws.append(row)
    wb.create_sheet("Notes").append(["ignored"])
    wb.save(tmp_path / "titles.xlsx")
    result = load_file(settings, tmp_path / "titles.xlsx")
    assert (result.rows_read, result.loaded, result.quarantined) == (3, 1, 2)
    assert any("read the first sheet 'Titles' only" in m for m in result.messages)
    q = {r.row_number: r for r in query_quarantine(session_factory(settings), load_id=result.load_id)}
    assert (q[4].column_name, q[4].value, q[4].reason) == ("length_minutes", "30.5", "not a whole number")
    assert q[5].reason == "row has 9 cells but the header has 7"
    assert table_rows(settings, "titles")[0][:5] == ("T1", "One", "sag-aftra-tv-theatrical", "network_series", 60)


def test_typed_parquet_columns(settings: Settings, tmp_path: Path) -> None:
    load_rows(settings, "titles", [dict(zip(TITLE_HEADER, title_row("T1"), strict=True))])
    table = pa.table({
        "exhibition_id": ["X1", "X2", "X3", "X4", None],
        "title_id": ["T1", "T1", "T1", "T1", None],
        "market": ["foreign_tv", "foreign_tv", "foreign_tv", "network_prime", None],
        "start_date": pa.array([dt.date(2021, 1, 1)] * 4 + [None], pa.date32()),
        "end_date": pa.array([dt.datetime(2021, 3, 31), dt.datetime(2021, 3, 31, 12, 0), None, None, None],
                             pa.timestamp("us")),
        "run_number": pa.array([None, None, None, 0, None], pa.int32()),
        "gross_receipts_cents": pa.array([125000.0, 10.0, 10.25, None, None], pa.float64()),
    })
    pq.write_table(table, tmp_path / "exhibitions.parquet")
    result = load_file(settings, tmp_path / "exhibitions.parquet")
    assert (result.rows_read, result.loaded, result.quarantined) == (4, 1, 3)  # the all-null row is skipped
    q = {r.row_number: r for r in query_quarantine(session_factory(settings), load_id=result.load_id)}
    assert (q[3].column_name, q[3].value, q[3].reason) == ("end_date", "2021-03-31 12:00:00",
                                                           "not an ISO date (YYYY-MM-DD)")
    assert (q[4].column_name, q[4].value, q[4].reason) == ("gross_receipts_cents", "10.25", "fraction of a cent")
    assert (q[5].column_name, q[5].value, q[5].reason) == ("run_number", "0", "below the minimum of 1")
    row = table_rows(settings, "exhibitions")[0]
    assert row[:8] == ("X1", "T1", "foreign_tv", dt.date(2021, 1, 1), dt.date(2021, 3, 31), None, None, 125000)


def test_in_memory_table_and_rows(settings: Settings) -> None:
    rows = [dict(zip(TITLE_HEADER, title_row(t), strict=True)) for t in ("T1", "T2")]
    assert load_rows(settings, "titles", rows).loaded == 2
    assert load_rows(settings, "titles", rows).already_loaded
    # The same rows with minutes as integers: other bytes, same content, so every row is a duplicate.
    typed = {h: [int(r[h]) if h == "length_minutes" else r[h] for r in rows] for h in TITLE_HEADER}
    again = load_table(settings, "titles", pa.table(typed))
    assert again.already_loaded is False and (again.duplicates, again.loaded) == (2, 0)
