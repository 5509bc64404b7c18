"""The ledger: idempotent posting, corrections as new entries, balance checks with their entry ids."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greenroom.ledger.balance import build_balances, key_entries, ledger_totals
from greenroom.ledger.entries import LedgerError, correct_entry, entry_id, post_by_reference, reverse_entry, sync

D = dt.date(2021, 3, 1)


def source(rows: list[tuple[Any, ...]]) -> str:
    """A posting source from (source_id, account, cents, payer, title, performer) tuples."""
    if not rows:
        return ("SELECT NULL::VARCHAR source_id, NULL::VARCHAR account, NULL::BIGINT cents, NULL::VARCHAR payer, "
                "NULL::VARCHAR title_id, NULL::VARCHAR performer_id, NULL::VARCHAR market, NULL::DATE period_start, "
                "NULL::DATE period_end, NULL::DATE due_date, NULL::DATE paid_date, NULL::VARCHAR reference, "
                "NULL::VARCHAR memo WHERE false")
    values = ", ".join(
        f"('{s}', '{a}', {c}, {repr(p) if p else 'NULL'}, '{t}', '{f}', 'm', DATE '{D}', DATE '{D}', NULL::DATE, "
        "NULL::DATE, NULL, NULL)" for s, a, c, p, t, f in rows)
    return (f"SELECT * FROM (VALUES {values}) v(source_id, account, cents, payer, title_id, performer_id, market, "
            "period_start, period_end, due_date, paid_date, reference, memo)")


def entries(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute("SELECT * FROM ledger_entries ORDER BY entry_id").fetchall()


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


OWED = [("L1", "performer", 1000, None, "T1", "P1"), ("L1", "ph", 175, None, "T1", "P1"),
        ("L2", "performer", 500, None, "T1", "P2")]


def test_posting_the_same_batch_twice_changes_nothing(con) -> None:
    first = sync(con, "run:1", "owed", source(OWED), complete=True)
    assert (first.posted, first.reversed, first.already) == (3, 0, False)
    before = entries(con)
    again = sync(con, "run:1", "owed", source(OWED), complete=True)
    assert again.already and not again.changed
    assert entries(con) == before
    # A new batch with the same content changes nothing either.
    assert not sync(con, "run:2", "owed", source(OWED), complete=True).changed
    assert entries(con) == before


def test_a_changed_source_is_corrected_by_new_entries_only(con) -> None:
    sync(con, "run:1", "owed", source(OWED), complete=True)
    before = set(entries(con))
    changed = [("L1", "performer", 1200, None, "T1", "P1"), ("L1", "ph", 175, None, "T1", "P1")]  # L2 gone
    result = sync(con, "run:2", "owed", source(changed), complete=True)
    assert (result.posted, result.reversed) == (1, 2)
    after = set(entries(con))
    assert before <= after  # nothing updated or deleted
    reversals = con.execute("SELECT reverses, cents FROM ledger_entries WHERE reverses IS NOT NULL "
                            "ORDER BY cents").fetchall()
    assert [c for _, c in reversals] == [-1000, -500]
    assert ledger_totals(con).owed_cents == 1200 and ledger_totals(con).owed_ph_cents == 175


def test_an_incomplete_source_never_reverses_what_it_does_not_mention(con) -> None:
    sync(con, "p:1", "paid", source([("R1", "performer", 100, "N", "T1", "P1")]), complete=False)
    result = sync(con, "p:2", "paid", source([("R2", "performer", 50, "N", "T1", "P1")]), complete=False)
    assert (result.posted, result.reversed) == (1, 0)
    assert ledger_totals(con).paid_cents == 150


def test_correct_and_reverse_add_entries(con) -> None:
    sync(con, "run:1", "owed", source(OWED), complete=True)
    eid = con.execute("SELECT entry_id FROM ledger_entries WHERE source_id = 'L2'").fetchone()[0]
    before = set(entries(con))
    reversal, new = correct_entry(con, eid, 450, "payer's statement corrected")
    assert before <= set(entries(con))
    assert con.execute("SELECT cents, reverses FROM ledger_entries WHERE entry_id = ?", [reversal]).fetchone() == (
        -500, eid)
    assert con.execute("SELECT cents FROM ledger_entries WHERE entry_id = ?", [new]).fetchone() == (450,)
    with pytest.raises(LedgerError, match="already reversed"):
        reverse_entry(con, eid, "again")
    with pytest.raises(LedgerError, match="itself a reversal"):
        correct_entry(con, reversal, 1, "no")
    reverse_entry(con, new, "cancelled")
    assert ledger_totals(con).owed_cents == 1000


def test_balance_checks_carry_entry_ids_tolerance_and_payer(con) -> None:
    sync(con, "run:1", "owed", source(OWED), complete=True)
    sync(con, "p:1", "paid", source([("R1", "performer", 998, "Northlight", "T1", "P1"),
                                     ("R1", "ph", 175, "Northlight", "T1", "P1")]), complete=False)
    build_balances(con, {"Northlight": 2})
    rows = con.execute("SELECT payer, performer_id, diff_cents, diff_ph_cents, ok, owed_count, "
                       "paid_count, tolerance_cents FROM ledger_balances ORDER BY performer_id").fetchall()
    # The title's payer is the one remitting for it, so P2's unpaid line is Northlight's too.
    assert rows == [("Northlight", "P1", 2, 0, True, 2, 2, 2), ("Northlight", "P2", 500, 0, False, 1, 0, 2)]
    keys = "(SELECT performer_id AS k, * FROM ledger_balances)"
    behind = con.execute(f"SELECT k, kind, entry_id FROM ({key_entries(keys)}) ORDER BY ALL").fetchall()
    assert behind == [("P1", "owed", entry_id("owed", "run:1", "L1", "performer")),
                      ("P1", "owed", entry_id("owed", "run:1", "L1", "ph")),
                      ("P1", "paid", entry_id("paid", "p:1", "R1", "performer")),
                      ("P1", "paid", entry_id("paid", "p:1", "R1", "ph")),
                      ("P2", "owed", entry_id("owed", "run:1", "L2", "performer"))]
    build_balances(con)
    assert not con.execute("SELECT ok FROM ledger_balances WHERE performer_id = 'P1'").fetchone()[0]


def test_a_source_must_have_one_row_per_source_and_account(con) -> None:
    with pytest.raises(LedgerError, match="one per source and account"):
        sync(con, "run:1", "owed", source(OWED + [OWED[0]]), complete=True)
    assert con.execute("SELECT count(*) FROM ledger_entries").fetchone() == (0,)
    # Also when entries of the kind exist already (the posting then compares against them first).
    sync(con, "run:1", "owed", source(OWED), complete=True)
    with pytest.raises(LedgerError, match="one per source and account"):
        sync(con, "run:2", "owed", source(OWED + [OWED[2]]), complete=True)
    assert con.execute("SELECT count(*) FROM ledger_entries").fetchone() == (3,)


def test_a_ledger_made_with_the_keyed_ddl_keeps_working(con) -> None:
    # Files created before ledger_entries lost its PRIMARY KEY keep the key; posting and correcting still work.
    con.execute("""CREATE TABLE ledger_entries (
      entry_id VARCHAR PRIMARY KEY, batch_id VARCHAR NOT NULL, posted_at TIMESTAMP NOT NULL,
      kind VARCHAR NOT NULL, account VARCHAR NOT NULL, cents BIGINT NOT NULL, reverses VARCHAR,
      source_id VARCHAR NOT NULL, payer VARCHAR, title_id VARCHAR, performer_id VARCHAR, market VARCHAR,
      period_start DATE, period_end DATE, due_date DATE, paid_date DATE, reference VARCHAR, memo VARCHAR)""")
    assert sync(con, "run:1", "owed", source(OWED), complete=True).posted == 3
    changed = [(s, a, c + 1 if s == "L2" else c, p, t, f) for s, a, c, p, t, f in OWED]
    assert (sync(con, "run:2", "owed", source(changed), complete=True).posted,
            sync(con, "run:3", "owed", source(changed), complete=True).changed) == (1, False)
    assert ledger_totals(con).owed_cents == 1501
    assert build_balances(con) == 2


amounts = st.integers(min_value=-10**9, max_value=10**12)
line = st.tuples(st.sampled_from(["T1", "T2"]), st.sampled_from(["P1", "P2", "P3"]), amounts, amounts)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(owed=st.lists(line, max_size=12), paid=st.lists(line, max_size=12),
       corrections=st.lists(st.tuples(st.integers(0, 50), amounts), max_size=4),
       payers=st.lists(st.sampled_from(["A", "B"]), min_size=12, max_size=12))
def test_balance_differences_sum_to_owed_minus_paid(owed, paid, corrections, payers) -> None:
    con = duckdb.connect()
    owed_rows = [(f"L{i}", acc, c, None, t, p) for i, (t, p, a, ph) in enumerate(owed)
                 for acc, c in (("performer", a), ("ph", ph))]
    paid_rows = [(f"R{i}", acc, c, payers[i], t, p) for i, (t, p, a, ph) in enumerate(paid)
                 for acc, c in (("performer", a), ("ph", ph))]
    sync(con, "run:1", "owed", source(owed_rows), complete=True)
    sync(con, "p:1", "paid", source(paid_rows), complete=False)
    # What was posted, worked out here rather than read back: zero amounts are not posted.
    posted = {entry_id("owed", "run:1", s, a): c for s, a, c, *_ in owed_rows if c}
    posted |= {entry_id("paid", "p:1", s, a): -c for s, a, c, *_ in paid_rows if c}
    expected = sum(posted.values())
    ids = sorted(posted)
    done = set()
    for pick, cents in corrections:
        if ids and ids[pick % len(ids)] not in done:
            eid = ids[pick % len(ids)]
            done.add(eid)
            correct_entry(con, eid, cents, "property")
            sign = 1 if eid.startswith("O") else -1
            expected += sign * cents - posted[eid]
    build_balances(con)
    total_diff = con.execute("SELECT COALESCE(sum(diff_cents + diff_ph_cents), 0) FROM ledger_balances").fetchone()[0]
    t = ledger_totals(con)
    assert int(total_diff) == expected
    assert t.owed_cents + t.owed_ph_cents - t.paid_cents - t.paid_ph_cents == expected
    con.close()


def test_a_batch_posted_by_reference_has_the_entries_a_copy_would_have() -> None:
    def ledger(frozen: bool) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        con.execute(f"CREATE TABLE src AS {source(OWED)}")
        if frozen:
            sync(con, "run:1", "owed", source([]), complete=True, frozen_sql="SELECT * FROM src")
        else:
            sync(con, "run:1", "owed", "SELECT * FROM src", complete=True)
        return con

    copied, referenced = ledger(False), ledger(True)
    assert referenced.execute("SELECT count(*) FROM ledger_stored").fetchone() == (0,)
    every = "SELECT * EXCLUDE (posted_at) FROM ledger_entries ORDER BY entry_id"
    assert copied.execute(every).fetchall() == referenced.execute(every).fetchall() != []
    # The same later changes give the same entries: reversals of referenced entries name them by id.
    changed = [("L1", "performer", 1200, None, "T1", "P1"), ("L1", "ph", 175, None, "T1", "P1")]
    results = []
    for con in (copied, referenced):
        sync(con, "run:2", "owed", source(changed), complete=True)
        eid = entry_id("owed", "run:1", "L1", "ph")
        correct_entry(con, eid, 170, "statement corrected")
        results.append(con.execute("SELECT * EXCLUDE (posted_at, batch_id, entry_id) FROM ledger_entries "
                                   "WHERE batch_id NOT LIKE 'correction:%' ORDER BY ALL").fetchall())
        assert ledger_totals(con).owed_cents == 1200 and ledger_totals(con).owed_ph_cents == 170
    assert results[0] == results[1]


def test_post_by_reference_posts_once_and_runs_the_callers_bookkeeping_with_it(con) -> None:
    con.execute(f"CREATE TABLE src AS {source(OWED[:2])}")
    con.execute("CREATE TABLE marks (batch VARCHAR)")
    first = post_by_reference(con, "p:1", "paid", "SELECT * FROM src", also=("INSERT INTO marks VALUES (?)", ["p:1"]))
    assert (first.posted, first.already) == (2, False)
    assert post_by_reference(con, "p:1", "paid", "SELECT * FROM src").already
    assert con.execute("SELECT * FROM marks").fetchall() == [("p:1",)]
    assert ledger_totals(con).paid_cents == 1000 and ledger_totals(con).paid_ph_cents == 175
    with pytest.raises(duckdb.Error):
        post_by_reference(con, "p:2", "paid", "SELECT * FROM src", also=("INSERT INTO nowhere VALUES (1)", []))
    # The failed posting left nothing behind.
    assert con.execute("SELECT count(*) FROM ledger_batches").fetchone() == (1,)
