"""Posting what is owed (engine runs) and what was paid (remittance rows): idempotent, corrected by new entries."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from greenroom.audit import findings as ft
from greenroom.audit.posting import post_owed, post_paid

from .conftest import LINES, kinds, paid_in_full, set_lines, write_lines


def entries(settings: Any) -> set[tuple[Any, ...]]:
    with duckdb.connect(str(settings.duckdb_path)) as con:
        return set(con.execute("SELECT * FROM ledger_entries").fetchall())


def test_auditing_twice_posts_nothing_new(union, remit, audit) -> None:
    remit(paid_in_full())
    first = audit()
    assert first.owed is not None and first.owed.posted == 8 and first.paid.posted == 8
    before = entries(union)
    second = audit()
    assert second.owed is not None and second.owed.already and not second.paid.changed
    assert entries(union) == before


def test_posting_functions_are_idempotent(union, remit) -> None:
    remit(paid_in_full())
    with duckdb.connect(str(union.duckdb_path)) as con:
        assert post_owed(con).posted == 8  # type: ignore[union-attr]
        assert post_paid(con).posted == 8
        assert post_owed(con).already  # type: ignore[union-attr]
        assert not post_paid(con).changed


def test_a_new_engine_run_corrects_with_reversals_and_the_findings_follow(union, remit, audit) -> None:
    remit(paid_in_full())
    assert audit().findings == []
    before = entries(union)
    lines = dict(LINES)
    title, performer, market, ps, pe, amount, ph, due = lines["L1"]
    lines["L1"] = (title, performer, market, ps, pe, amount + 2_000, ph, due)  # an input was corrected
    del lines["L4"]  # and this line is no longer owed
    set_lines(union, lines, run_id=2)
    result = audit()
    assert result.owed is not None and (result.owed.posted, result.owed.reversed) == (1, 3)
    assert before <= entries(union)  # corrections are new entries; nothing changed or removed
    assert kinds(result) == {(ft.UNDERPAID, "T1", "P1"), (ft.OVERPAID, "T3", "P2")}


def test_no_lines_means_nothing_owed_is_posted(settings, audit) -> None:
    result = audit()
    assert result.owed is None and "run `greenroom residuals compute` first" in result.messages[0]


def test_a_line_id_given_twice_is_refused_by_the_store(union) -> None:
    with duckdb.connect(str(union.duckdb_path)) as con:
        with pytest.raises(ValueError, match="'L1' is given twice or already stored"):
            write_lines(con, """SELECT 'L1' AS line_id, 1 AS run_id, 'sag-aftra-tv-theatrical' AS agreement,
                'tv.network_prime_rerun' AS formula_id, '2014.1' AS formula_version, 'P3' AS performer_id,
                'T1' AS title_id, 'network_prime' AS market, DATE '2021-03-01' AS period_start,
                DATE '2021-03-01' AS period_end, 5 AS amount_cents, 1 AS ph_cents""")
        # The store refuses it, so the ledger, which posts lines by id, never sees two lines with one id.
        assert con.execute("SELECT count(*) FROM residual_lines WHERE line_id = 'L1'").fetchone() == (1,)
        post_owed(con)
        assert con.execute("SELECT cents FROM ledger_entries WHERE source_id = 'L1' ORDER BY 1").fetchall() == [
            (17_500,), (100_000,)]


def test_rows_loaded_after_a_posting_go_in_the_next_batch_and_none_twice(union, remit, audit) -> None:
    rows = paid_in_full()
    remit(rows[:2])
    first = audit()
    assert first.paid.posted == 4
    before = entries(union)
    remit(rows[2:])
    second = audit()
    assert second.paid.posted == 4 and second.findings == []
    after = entries(union)
    assert before <= after and len(after) == 8 + 8
    with duckdb.connect(str(union.duckdb_path)) as con:
        # Each row's entries are in exactly one batch: the first posting after it was loaded.
        assert con.execute("""SELECT count(DISTINCT batch_id), count(*), count(DISTINCT (source_id, account))
            FROM ledger_entries WHERE kind = 'paid'""").fetchone() == (2, 8, 8)
        assert not post_paid(con).changed


def test_the_first_posting_reads_the_run_in_place_and_a_new_run_keeps_it(union, remit, audit) -> None:
    remit(paid_in_full())
    audit()
    with duckdb.connect(str(union.duckdb_path)) as con:
        # Nothing owed was copied: the run's lines are the entries.
        assert con.execute("SELECT count(*) FROM ledger_stored").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM ledger_entries WHERE kind = 'owed'").fetchone() == (8,)
    before = entries(union)
    lines = dict(LINES)
    del lines["L2"]
    set_lines(union, lines, run_id=2)  # replaces the engine's lines; run 1's are moved aside, not lost
    assert before <= entries(union)
    result = audit()
    assert result.owed is not None and (result.owed.posted, result.owed.reversed) == (0, 2)
    assert kinds(result) == {(ft.OVERPAID, "T1", "P2")}
