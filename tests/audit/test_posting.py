"""Posting what is owed (engine runs) and what was paid (remittance rows): idempotent, corrected by new entries."""

from __future__ import annotations

from typing import Any

import duckdb

from greenroom.audit import findings as ft
from greenroom.audit.posting import post_owed, post_paid

from .conftest import LINES, kinds, paid_in_full, set_lines


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
