"""Loading remittance files: formats, column mappings, bad input, title matching and the review queue."""

from __future__ import annotations

import datetime as dt

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from greenroom.audit import findings as ft
from greenroom.audit.models import DUPLICATE, HOLD_MATCHED, QUEUED, REJECTED
from greenroom.audit.queue import QueueError, assign_title, list_held
from greenroom.audit.remittances import load_remittances
from greenroom.store.db import session_factory

from .conftest import HEADER, kinds, paid_in_full, pay, write_csv


def held(settings, disposition=None) -> list:
    return list_held(session_factory(settings), disposition, None)


def loaded_rows(settings) -> list[tuple]:
    with duckdb.connect(str(settings.duckdb_path)) as con:
        return con.execute("SELECT row_number, title_id, title_match, title_score FROM remittance_rows "
                           "ORDER BY file_id, row_number").fetchall()


def test_csv_loads_and_accounts_for_every_row(union, remit) -> None:
    result = remit(paid_in_full())
    assert (result.rows_read, result.matched, result.queued, result.rejected, result.duplicates) == (4, 4, 0, 0, 0)
    assert [r[2] for r in loaded_rows(union)] == ["id"] * 4


def test_the_same_file_twice_changes_nothing(union, tmp_path) -> None:
    path = write_csv(tmp_path / "r.csv", paid_in_full())
    assert load_remittances(union, path, "Northlight").matched == 4
    again = load_remittances(union, path, "Northlight")
    assert again.already_loaded and again.matched == 0
    assert len(loaded_rows(union)) == 4


def test_xlsx_and_parquet(union, tmp_path) -> None:
    rows = paid_in_full()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows[:2]:
        ws.append([r.get(h) or None for h in HEADER])
    wb.save(tmp_path / "r.xlsx")
    assert load_remittances(union, tmp_path / "r.xlsx", "Northlight").matched == 2
    table = pa.table({h: [r.get(h) or None for r in rows[2:]] for h in HEADER})
    pq.write_table(table, tmp_path / "r.parquet")
    result = load_remittances(union, tmp_path / "r.parquet", "Northlight")
    assert result.matched == 2, result.messages


def test_bad_input_is_rejected_with_reasons_and_kept(union, remit) -> None:
    rows = [pay("L1", "C1", amount_cents=0), pay("L1", "C2", amount_cents=-100), pay("L1", "C3", currency="EUR"),
            pay("L1", "C4", paid_date="2021-02-30"), pay("L1", "C5", market="nowhere", ph_cents=-1),
            pay("L1", "C6", amount_cents="12.5")]
    result = remit(rows)
    assert (result.rejected, result.matched) == (6, 0)
    reasons = {h.row_number: h.reason for h in held(union, REJECTED)}
    assert "zero or negative payment" in reasons[2] and "zero or negative payment" in reasons[3]
    assert "currency EUR is not accepted" in reasons[4]
    assert "paid_date: no such calendar date" in reasons[5]
    assert "market: unknown market" in reasons[6] and "ph_cents: negative amount" in reasons[6]
    assert "fraction of a cent" in reasons[7]
    originals = {h.row_number: h.original for h in held(union, REJECTED)}
    assert originals[4]["currency"] == "EUR" and originals[2]["check_number"] == "C1"


def test_a_row_naming_another_payer_is_rejected(union, remit, tmp_path) -> None:
    path = write_csv(tmp_path / "p.csv", [{**pay("L1", "C1"), "payer": "Bluewater"}], ["payer", *HEADER])
    result = load_remittances(union, path, "Northlight")
    assert result.rejected == 1
    assert "the row names payer Bluewater but the file is loaded for Northlight" in held(union)[0].reason


def test_same_check_number_twice(union, remit, audit) -> None:
    # Within a file, a check paying two performers is refused.
    first = remit([pay("L1", "C1"), pay("L2", "C1")])
    assert (first.matched, first.rejected) == (1, 1)
    assert "check number C1 is for performer P1" in held(union, REJECTED)[0].reason
    # A later file repeating a loaded row exactly: a duplicate, not loaded again.
    # A later file changing a check already reported: rejected.
    later = remit([pay("L1", "C1"), pay("L1", "C1", amount_cents=1), pay("L3", "C3")])
    assert (later.duplicates, later.rejected, later.matched) == (1, 1, 1)
    assert "already loaded from remit-1.csv row 2" in held(union, DUPLICATE)[0].reason
    assert any("check number C1 was already reported in remit-1.csv" in h.reason for h in held(union, REJECTED))


def test_a_row_repeated_within_a_file_is_loaded_and_reported_as_a_duplicate_payment(union, remit, audit) -> None:
    rows = paid_in_full()
    result = remit([*rows, rows[3]])
    assert result.matched == 5 and result.duplicates == 0
    assert any("repeat an earlier row of this file exactly (row 6 = row 5)" in m for m in result.messages)
    assert kinds(audit()) == {(ft.DUPLICATE, "T3", "P2")}


def test_unknown_title_and_performer_wait_in_the_queue(union, remit, audit) -> None:
    rows = [*paid_in_full()[:3], pay("L4", "C4", title="Motel Nights Pilot"), pay("L1", "C9", performer_id="P404")]
    result = remit(rows)
    assert (result.matched, result.queued) == (3, 2)
    queued = {h.row_number: h for h in held(union, QUEUED)}
    assert "matches no loaded title well enough" in queued[5].reason
    assert queued[5].suggestions[0]["title_id"] == "T3"
    assert "performer P404 is in no loaded engagement" in queued[6].reason
    assert queued[5].mapped["amount_cents"] == "30000"
    # The unpaid line shows as missing until someone matches the queued row by hand.
    assert kinds(audit()) == {(ft.MISSING, "T3", "P2")}
    assert assign_title(union, queued[5].id, "T3", "ana") == "F1R5"
    matched = {h.row_number: h for h in held(union, QUEUED)}[5]
    assert (matched.status, matched.resolved_by, matched.resolved_title_id) == (HOLD_MATCHED, "ana", "T3")
    assert kinds(audit()) == set()
    with pytest.raises(QueueError, match="only open queued rows"):
        assign_title(union, queued[5].id, "T3", "ana")
    with pytest.raises(QueueError, match="still unknown"):
        assign_title(union, queued[6].id, "T1", "ana")


def test_titles_match_by_id_name_and_fuzzy_with_a_score(union, remit) -> None:
    rows = [pay("L1", "C1"), pay("L2", "C2", title="THE STRANGE SUMMIT - Season 1, Episode 1"),
            pay("L3", "C3", title="Strange Sumit: Season 1, Episode 2"), pay("L4", "C4", title="The Motel")]
    assert remit(rows).matched == 4
    got = {r[0]: (r[1], r[2]) for r in loaded_rows(union)}
    assert got[2] == ("T1", "id") and got[3] == ("T1", "name") and got[5] == ("T3", "name")
    assert got[4] == ("T2", "fuzzy")  # the episode number decides, never the nearest spelling
    assert 90 <= loaded_rows(union)[2][3] < 100


def test_column_mapping_is_saved_and_a_changed_header_is_refused(union, tmp_path) -> None:
    theirs = {"Check No": "check_number", "Production": "title", "Member": "performer_id"}
    header = [next((k for k, v in theirs.items() if v == h), h) for h in HEADER]
    rows = [{next((k for k, v in theirs.items() if v == c), c): val for c, val in r.items()}
            for r in paid_in_full()]
    first = load_remittances(union, write_csv(tmp_path / "a.csv", rows[:2], header), "Bluewater", theirs)
    assert first.matched == 2
    # Next month, same header: the saved mapping is used without --map.
    assert load_remittances(union, write_csv(tmp_path / "b.csv", rows[2:3], header), "Bluewater").matched == 1
    # The payer renamed a column: refused, naming what is missing and what is new; nothing loaded.
    renamed = ["Member No" if h == "Member" else h for h in header]
    moved = [{("Member No" if k == "Member" else k): v for k, v in r.items()} for r in rows[3:]]
    refused = load_remittances(union, write_csv(tmp_path / "c.csv", moved, renamed), "Bluewater")
    assert refused.refused
    assert "missing: member; new: member no" in refused.messages[0]
    assert len(loaded_rows(union)) == 3
    fixed = load_remittances(union, tmp_path / "c.csv", "Bluewater", {"Member No": "performer_id"})
    assert fixed.matched == 1 and any("mapping of payer 'Bluewater' is updated" in m for m in fixed.messages)


def test_a_missing_required_column_says_how_to_map_it(union, tmp_path) -> None:
    header = ["Cheque" if h == "check_number" else h for h in HEADER]
    rows = [{("Cheque" if k == "check_number" else k): v for k, v in r.items()} for r in paid_in_full()]
    result = load_remittances(union, write_csv(tmp_path / "a.csv", rows, header), "Harbor")
    assert result.refused and "missing required column 'check_number'" in result.messages[0]
    assert "--map" in result.messages[0]
    bad = load_remittances(union, tmp_path / "a.csv", "Harbor", {"Cheque": "check_no"})
    assert bad.refused and "'check_no' is not a remittance column" in bad.messages[0]


def test_unreadable_and_empty_files_are_refused(union, tmp_path) -> None:
    (tmp_path / "r.xls").write_bytes(b"x")
    assert load_remittances(union, tmp_path / "r.xls", "N").refused
    empty = write_csv(tmp_path / "e.csv", [])
    result = load_remittances(union, empty, "N")
    assert result.refused and "no data rows" in result.messages[0]


def test_queue_rows_survive_and_the_dates_round_trip(union, remit) -> None:
    remit([pay("L1", "C1", title="Nothing Like It", paid_date=dt.date(2021, 3, 20))])
    q = held(union, QUEUED)[0]
    assert q.mapped["paid_date"] == "2021-03-20" and q.original["title"] == "Nothing Like It"
