"""The operator's workflow through the CLI: load, list, export, fix, re-load, status."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from greenroom.config import Settings
from greenroom.ingest.registry import query_quarantine
from greenroom.store.db import session_factory
from tests.ingest.conftest import (
    EXHIBITION_HEADER,
    TITLE_HEADER,
    exhibition_row,
    table_count,
    title_row,
    write_csv,
)


def test_fix_and_reload_round_trip(settings: Settings, tmp_path: Path, cli: Callable[..., Any]) -> None:
    titles = write_csv(tmp_path / "titles.csv", TITLE_HEADER, [title_row("T1")])
    exhibitions = write_csv(tmp_path / "exhibitions-2024q1.csv", EXHIBITION_HEADER, [
        exhibition_row("X1"),
        exhibition_row("X2", market="foreign_tv", run_number="", gross_receipts_cents="12.5"),
        exhibition_row("X3", title_id="T404"),
        exhibition_row("X4", market="cable"),
    ])
    out = cli("load", str(exhibitions), str(titles))
    assert out.exit_code == 0, out.output
    assert out.output.index("titles.csv") < out.output.index("exhibitions-2024q1.csv")  # titles first
    assert "read 4 = loaded 1 + quarantined 3 + duplicates 0" in out.output

    listing = cli("quarantine", "list", "--load", "2")
    assert listing.exit_code == 0
    for text in ("fraction of a cent", "unknown title", "unknown market", "exhibitions-2024q1.csv"):
        assert text in listing.output

    fix = tmp_path / "fix.csv"
    out = cli("quarantine", "export", "--load", "2", "-o", str(fix))
    assert out.exit_code == 0 and "wrote 3 rows" in out.output
    with fix.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:3] == ["_row", "_reason", "exhibition_id"]
    assert [(r["_row"], r["exhibition_id"]) for r in rows] == [("3", "X2"), ("4", "X3"), ("5", "X4")]
    assert rows[0]["_reason"] == "gross_receipts_cents: fraction of a cent"

    # The operator fixes two rows in a spreadsheet and leaves X3 (its title is still unknown).
    rows[0]["gross_receipts_cents"] = "13"
    rows[2]["market"] = "basic_cable"
    rows[2]["gross_receipts_cents"] = "40000"
    with fix.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = cli("load", str(fix), "--kind", "exhibitions")
    assert out.exit_code == 0, out.output
    assert "read 3 = loaded 2 + quarantined 1 + duplicates 0" in out.output
    assert "unknown column" not in out.output  # _row and _reason are ours, ignored quietly
    assert table_count(settings, "exhibitions") == 3

    records = {r.key_value: r for r in query_quarantine(session_factory(settings), status=None)}
    assert records["X2"].status == "resolved" and records["X2"].resolved_by_load_id == 3
    assert records["X4"].status == "resolved"
    still_open = query_quarantine(session_factory(settings))
    assert {(r.key_value, r.load_id) for r in still_open} == {("X3", 2), ("X3", 3)}

    # Once T404 exists, the same fix file's X3 row loads and resolves both records.
    write_csv(titles, TITLE_HEADER, [title_row("T404")])
    assert cli("load", str(titles)).exit_code == 0
    x3 = write_csv(tmp_path / "x3.csv", EXHIBITION_HEADER, [exhibition_row("X3", title_id="T404")])
    assert "loaded 1" in cli("load", str(x3), "-k", "exhibitions").output
    assert query_quarantine(session_factory(settings)) == []

    status = cli("status")
    assert status.exit_code == 0
    for text in ("exhibitions-2024q1.csv", "fix.csv", "loaded"):
        assert text in status.output


def test_load_again_prints_already_loaded(settings: Settings, tmp_path: Path, cli: Callable[..., Any]) -> None:
    titles = write_csv(tmp_path / "titles.csv", TITLE_HEADER, [title_row("T1")])
    assert cli("load", str(titles)).exit_code == 0
    again = cli("load", str(titles))
    assert again.exit_code == 0
    assert "titles.csv: already loaded (load 1); nothing changed" in again.output


def test_refused_file_sets_exit_code_but_others_load(settings: Settings, tmp_path: Path,
                                                     cli: Callable[..., Any]) -> None:
    good = write_csv(tmp_path / "titles.csv", TITLE_HEADER, [title_row("T1")])
    empty = tmp_path / "titles-empty.csv"
    empty.write_bytes(b"")
    out = cli("load", str(empty), str(good))
    assert out.exit_code == 1
    assert "titles-empty.csv: the file is empty" in out.output
    assert table_count(settings, "titles") == 1


def test_export_needs_a_filter_and_lists_nothing_when_clean(settings: Settings, cli: Callable[..., Any]) -> None:
    assert cli("quarantine", "export").exit_code == 1
    assert "no open quarantined rows" in cli("quarantine", "list").output
    assert "no loads yet" in cli("status").output
