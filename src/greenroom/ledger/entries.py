"""Ledger entries in DuckDB: append-only, posted idempotently from a source, corrected by new entries.

Why DuckDB and not the application database: an audit posts one entry per residual line and
account (millions), and the balance checks aggregate all of them; DuckDB does both set-based,
next to residual_lines, without moving rows between stores.

Each entry is one side of what Beancount would write as a two-posting transaction (owed: the
payer owes the performer; paid: the payer paid the performer); the contra posting is implied by
the kind, so it is not stored twice.

A batch whose source never changes (an engine run's retained lines, remittance rows, which are only
ever added) is posted by reference: the batch keeps the SELECT that yields its entries, and
ledger_entries is a view over the stored entries and those batches. Copying ten million lines into
the ledger was most of an audit's time; reading them in place gives the same entries, ids included.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from greenroom.store.analytics import TABLE, VIEW, relation_type

OWED = "owed"
PAID = "paid"
KINDS = (OWED, PAID)
PERFORMER = "performer"
PH = "ph"
ACCOUNTS = (PERFORMER, PH)

STORED = "ledger_stored"
ENTRIES_DDL = f"""
CREATE TABLE IF NOT EXISTS {STORED} (
  entry_id VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, posted_at TIMESTAMP NOT NULL,
  kind VARCHAR NOT NULL, account VARCHAR NOT NULL, cents BIGINT NOT NULL, reverses VARCHAR,
  source_id VARCHAR NOT NULL, payer VARCHAR, title_id VARCHAR, performer_id VARCHAR, market VARCHAR,
  period_start DATE, period_end DATE, due_date DATE, paid_date DATE, reference VARCHAR, memo VARCHAR
)"""
# No PRIMARY KEY on entry_id: keeping its index up to date was over half of a large posting's time, and at
# 20M+ entries the index no longer fit DuckDB's memory bound at COMMIT. Ids are unique by construction (see
# entry_id): the kind, the batch (unique: ledger_batches keeps its key), the account and the source (one row each,
# _check_unique); a reversal's id is its entry's with an X in front (only live entries are reversed, once). Files
# made with the older DDL keep their key and work the same; their md5 ids (24 hex digits) cannot equal these.

BATCHES_DDL = """
CREATE TABLE IF NOT EXISTS ledger_batches (
  batch_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, posted_at TIMESTAMP NOT NULL,
  posted BIGINT NOT NULL, reversed BIGINT NOT NULL, note VARCHAR, source_sql VARCHAR
)"""
# source_sql: the SELECT (SOURCE_COLUMNS) a batch posted by reference reads its entries from; NULL when its
# entries are stored.

ENTRY_COLUMNS = ("entry_id", "batch_id", "posted_at", "kind", "account", "cents", "reverses", "source_id", "payer",
                 "title_id", "performer_id", "market", "period_start", "period_end", "due_date", "paid_date",
                 "reference", "memo")

SOURCE_COLUMNS = ("source_id", "account", "cents", "payer", "title_id", "performer_id", "market",
                  "period_start", "period_end", "due_date", "paid_date", "reference", "memo")
"""Columns a posting source yields, one row per (source_id, account)."""

# What makes a posted entry still right: any difference means reversal + new entry. memo is free text.
_COMPARED = ("cents", "payer", "title_id", "performer_id", "market", "period_start", "period_end",
             "due_date", "paid_date", "reference")
_PREFIX = {OWED: "O", PAID: "P"}


def entry_id(kind: str, batch_id: str, source_id: str, account: str) -> str:
    """The id sync gives the entry of a source and account posted in a batch.

    Built from the parts rather than hashed: md5 ids were a third of a big posting's time (random hex
    neither computes nor compresses cheaply). The batch's length in front keeps the parts apart whatever
    characters they hold, so different parts never give the same id.
    """
    return f"{_batch_part(kind, batch_id)}{account}|{source_id}"


def _batch_part(kind: str, batch_id: str) -> str:
    return f"{_PREFIX[kind]}{len(batch_id)}:{batch_id}|"


def _entry_id_sql(kind: str, batch_id: str) -> str:
    """entry_id in SQL (as entry_id gives it) for a query with source_id and account columns."""
    return f"{_literal(_batch_part(kind, batch_id))} || account || '|' || source_id"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class LedgerError(ValueError):
    """A posting or correction that the ledger refuses; the message says why."""


@dataclass(frozen=True)
class PostResult:
    """What one posting did: new entries, reversals, or nothing because the batch was already posted."""

    batch_id: str
    posted: int
    reversed: int
    already: bool = False

    @property
    def changed(self) -> bool:
        """True when the posting added any entry."""
        return self.posted + self.reversed > 0


def ensure_ledger(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ledger's tables and the ledger_entries view if missing, moving a table-era ledger across."""
    kind = relation_type(con, "ledger_entries")
    if kind == VIEW:
        return
    if kind == TABLE:
        # A ledger from before batches by reference: its entries become the stored ones, unchanged.
        con.execute(f"ALTER TABLE ledger_entries RENAME TO {STORED}")
    con.execute(ENTRIES_DDL)
    con.execute(BATCHES_DDL)
    con.execute("ALTER TABLE ledger_batches ADD COLUMN IF NOT EXISTS source_sql VARCHAR")
    _build_view(con)


def _build_view(con: duckdb.DuckDBPyConnection) -> None:
    """ledger_entries: the stored entries and those of every batch posted by reference."""
    parts = [f"SELECT {', '.join(ENTRY_COLUMNS)} FROM {STORED}"]
    batches = con.execute("SELECT batch_id, kind, posted_at, source_sql FROM ledger_batches "
                          "WHERE source_sql IS NOT NULL ORDER BY posted_at, batch_id").fetchall()
    for batch_id, kind, posted_at, source_sql in batches:
        entry = _entry_id_sql(kind, batch_id)
        rest = ", ".join(c for c in SOURCE_COLUMNS if c not in ("source_id", "account", "cents"))
        parts.append(f"""SELECT {entry} AS entry_id, {_literal(batch_id)} AS batch_id,
            TIMESTAMP {_literal(posted_at.isoformat(sep=' '))} AS posted_at, {_literal(kind)} AS kind, account, cents,
            NULL::VARCHAR AS reverses, source_id, {rest} FROM ({source_sql}) WHERE cents <> 0""")
    con.execute("CREATE OR REPLACE VIEW ledger_entries AS\n" + "\nUNION ALL\n".join(parts))


def live_sql(kind: str | None = None) -> str:
    """SQL for the live entries: neither a reversal nor reversed. Sums over them equal sums over all."""
    where = f" AND e.kind = '{kind}'" if kind else ""
    # An anti join on the (few) reversed ids: DuckDB ran the NOT EXISTS form as a mark join over every
    # entry id, ten times slower.
    # Reversals are always stored entries.
    return (f"SELECT e.* FROM ledger_entries e ANTI JOIN (SELECT reverses AS rid FROM {STORED} "
            f"WHERE reverses IS NOT NULL) r ON r.rid = e.entry_id WHERE e.reverses IS NULL{where}")


def batch_posted(con: duckdb.DuckDBPyConnection, batch_id: str) -> bool:
    """True when a batch of that id was already posted."""
    ensure_ledger(con)
    return _batch_exists(con, batch_id)


def _batch_exists(con: duckdb.DuckDBPyConnection, batch_id: str) -> bool:
    return con.execute("SELECT count(*) FROM ledger_batches WHERE batch_id = ?", [batch_id]).fetchall() != [(0,)]


def sync(con: duckdb.DuckDBPyConnection, batch_id: str, kind: str, source_sql: str, *, complete: bool,
         note: str = "", source_ids: str | None = None, keyed: bool = False,
         frozen_sql: str | None = None) -> PostResult:
    """Make the live entries of a kind agree with a source, only by adding entries.

    source_sql yields SOURCE_COLUMNS. A source row with no live entry is posted; one whose live entry
    differs gets a reversal and a new entry; when complete (the source is the whole truth, like an
    engine run), live entries the source no longer has are reversed. Zero amounts are not posted.
    Posting the same source again finds nothing to change. source_ids, when given, is SQL yielding one
    source_id per source row before its split into accounts: its ids being unique is then checked instead
    of the source's (source, account) pairs, which it implies, on half the rows. keyed says the source's
    ids are a PRIMARY KEY of its table, each split once per account: unique already, nothing to check.
    frozen_sql is more of the source (SOURCE_COLUMNS) whose rows never change and whose ids are unique and
    apart from the rest's (the caller guarantees both): while nothing of this kind is posted, it is posted by
    reference instead of copied; otherwise it is compared like the rest.
    """
    if kind not in KINDS:
        raise LedgerError(f"unknown entry kind {kind!r}")
    ensure_ledger(con)
    if _batch_exists(con, batch_id):
        return PostResult(batch_id, 0, 0, already=True)
    cols = ", ".join(SOURCE_COLUMNS)
    insert = f"""INSERT INTO {STORED} (entry_id, batch_id, posted_at, kind, reverses, {cols})
        SELECT {_entry_id_sql(kind, batch_id)}, ?, ?, '{kind}', NULL, {cols} FROM ({{new}})"""
    con.execute("BEGIN TRANSACTION")
    try:
        now = dt.datetime.now()
        params: list[object] = [batch_id, now]
        want = f"SELECT {cols} FROM ({source_sql}) WHERE cents <> 0"
        if source_ids is not None:
            _check_unique_ids(con, source_ids)
        elif not keyed:
            _check_unique(con, want)
        if not has_entries(con, kind):
            # Nothing of this kind posted yet (an audit's first posting, the big one): nothing to compare or
            # reverse, so the source goes straight in.
            reversed_ = 0
            posted = _scalar(con, insert.format(new=want), params)
            if frozen_sql is not None:
                posted += _count_entries(con, frozen_sql)
        else:
            if frozen_sql is not None:
                want = f"{want} UNION ALL SELECT {cols} FROM ({frozen_sql}) WHERE cents <> 0"
                frozen_sql = None
            # One hashed join of the source with the live entries, keeping only the pairs that differ: a
            # repeated posting stores nothing but its (few) changes, not copies of the source and the ledger.
            same = " AND ".join(f"l.{c} IS NOT DISTINCT FROM w.{c}" for c in _COMPARED)
            vanished = "w.source_id IS NULL" if complete else "false"
            con.execute(f"""CREATE OR REPLACE TEMP TABLE _diff AS
                SELECT l.*, {', '.join(f'w.{c} AS w_{c}' for c in SOURCE_COLUMNS)}
                FROM ({live_sql(kind)}) l FULL JOIN ({want}) w ON w.source_id = l.source_id AND w.account = l.account
                WHERE l.source_id IS NULL OR {vanished} OR (w.source_id IS NOT NULL AND NOT ({same}))""")
            reversed_ = _insert_reversals(con, "(SELECT * FROM _diff WHERE entry_id IS NOT NULL)", batch_id, now,
                                          "superseded by " + batch_id)
            new = (f"SELECT {', '.join(f'w_{c} AS {c}' for c in SOURCE_COLUMNS)} FROM _diff "
                   "WHERE w_source_id IS NOT NULL")
            posted = _scalar(con, insert.format(new=new), params)
        if posted or reversed_ or complete:
            _record_batch(con, batch_id, kind, now, posted, reversed_, note, frozen_sql)
        con.execute("COMMIT")
    except BaseException:
        # A failed COMMIT leaves no transaction to roll back; keep the error that says what went wrong.
        with contextlib.suppress(duckdb.TransactionException):
            con.execute("ROLLBACK")
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS _diff")
    # DuckDB 2.0.0: after a commit adding more than one row group (122,880 rows) here, later scans of
    # ledger_entries on this same connection returned no rows (an audit of 62k lines found 0 balances)
    # until a checkpoint. Checkpointing once the work tables are gone keeps the connection's view whole.
    con.execute("CHECKPOINT")
    return PostResult(batch_id, posted, reversed_)


def post_by_reference(con: duckdb.DuckDBPyConnection, batch_id: str, kind: str, frozen_sql: str, *,
                      note: str = "", also: tuple[str, Sequence[object]] | None = None) -> PostResult:
    """Post the entries of a source by reference: new entries only, none compared or reversed.

    frozen_sql yields SOURCE_COLUMNS from rows that never change, none of them posted before, with unique
    ids: the caller guarantees all three (remittance rows loaded since the last posting, for instance).
    also is a statement and its parameters run in the same transaction (the caller's own bookkeeping).
    """
    if kind not in KINDS:
        raise LedgerError(f"unknown entry kind {kind!r}")
    ensure_ledger(con)
    if _batch_exists(con, batch_id):
        return PostResult(batch_id, 0, 0, already=True)
    con.execute("BEGIN TRANSACTION")
    try:
        posted = _count_entries(con, frozen_sql)
        if posted:
            _record_batch(con, batch_id, kind, dt.datetime.now(), posted, 0, note, frozen_sql)
        if also is not None:
            con.execute(also[0], list(also[1]))
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.TransactionException):
            con.execute("ROLLBACK")
        raise
    return PostResult(batch_id, posted, 0)


def has_entries(con: duckdb.DuckDBPyConnection, kind: str) -> bool:
    """True when any entry of the kind was ever posted."""
    ensure_ledger(con)
    return (has_stored_entries(con, kind)
            or con.execute("SELECT 1 FROM ledger_batches WHERE kind = ? AND source_sql IS NOT NULL LIMIT 1",
                           [kind]).fetchone() is not None)


def has_stored_entries(con: duckdb.DuckDBPyConnection, kind: str) -> bool:
    """True when entries of the kind were copied into the ledger (not posted by reference)."""
    ensure_ledger(con)
    return con.execute(f"SELECT 1 FROM {STORED} WHERE kind = ? LIMIT 1", [kind]).fetchone() is not None


def _count_entries(con: duckdb.DuckDBPyConnection, source_sql: str) -> int:
    return _scalar(con, f"SELECT count(*) FROM ({source_sql}) WHERE cents <> 0")


def _record_batch(con: duckdb.DuckDBPyConnection, batch_id: str, kind: str, now: dt.datetime, posted: int,
                  reversed_: int, note: str, source_sql: str | None) -> None:
    """Record a batch; one posted by reference (source_sql) joins the ledger_entries view at once."""
    con.execute("INSERT INTO ledger_batches (batch_id, kind, posted_at, posted, reversed, note, source_sql) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", [batch_id, kind, now, posted, reversed_, note, source_sql])
    if source_sql is not None:
        _build_view(con)


def _check_unique(con: duckdb.DuckDBPyConnection, rows: str) -> None:
    """Refuse a source giving two rows for one (source, account): they would share an entry id."""
    row = con.execute(f"SELECT source_id, account, count(*) FROM ({rows}) GROUP BY source_id, account "
                      "HAVING count(*) > 1 LIMIT 1").fetchone()
    if row:
        raise LedgerError(f"the source gives {row[2]} rows for {row[0]} ({row[1]}); one per source and account")


def _check_unique_ids(con: duckdb.DuckDBPyConnection, ids: str) -> None:
    """Refuse a source whose rows, before the split into accounts, repeat a source id."""
    row = con.execute(f"SELECT source_id, count(*) FROM ({ids}) GROUP BY source_id HAVING count(*) > 1 "
                      "LIMIT 1").fetchone()
    if row:
        raise LedgerError(f"the source gives {row[1]} rows for {row[0]}; one per source")


def _insert_reversals(con: duckdb.DuckDBPyConnection, table: str, batch_id: str, now: dt.datetime,
                      memo: str) -> int:
    """Post a reversal (same key, negated amount) for each entry in table (a table name or a subquery)."""
    rest = "source_id, payer, title_id, performer_id, market, period_start, period_end, due_date, paid_date, reference"
    return _scalar(con, f"""INSERT INTO {STORED} (entry_id, batch_id, posted_at, kind, account, cents, reverses,
        {rest}, memo)
        SELECT 'X' || entry_id, ?, ?, kind, account, -cents, entry_id,
               {rest}, ? FROM {table}""", [batch_id, now, memo])


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _entry(con: duckdb.DuckDBPyConnection, entry_id: str) -> None:
    """Refuse to correct an entry that does not exist, is a reversal, or was already reversed."""
    row = con.execute("SELECT reverses FROM ledger_entries WHERE entry_id = ?", [entry_id]).fetchone()
    if row is None:
        raise LedgerError(f"no ledger entry {entry_id!r}")
    if row[0] is not None:
        raise LedgerError(f"{entry_id} is itself a reversal; correct the entry it reverses instead")
    # Reversals are always stored entries.
    if con.execute(f"SELECT count(*) FROM {STORED} WHERE reverses = ?", [entry_id]).fetchone() != (0,):
        raise LedgerError(f"{entry_id} was already reversed")


def _correct(con: duckdb.DuckDBPyConnection, entry_id: str, memo: str, cents: int | None) -> tuple[str, str | None]:
    """Reverse one entry and, when cents is given, post its replacement; one batch, one transaction."""
    ensure_ledger(con)
    _entry(con, entry_id)
    batch = f"correction:{uuid.uuid4().hex[:16]}"
    new_id = None if cents is None else "C" + _md5(f"{batch}|{entry_id}")
    now = dt.datetime.now()
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _one AS SELECT * FROM ledger_entries WHERE entry_id = ?", [entry_id])
        _insert_reversals(con, "_one", batch, now, memo)
        if new_id is not None:
            con.execute(f"""INSERT INTO {STORED} SELECT ? AS entry_id, ? AS batch_id, ? AS posted_at, kind,
                account, ? AS cents, NULL AS reverses, source_id, payer, title_id, performer_id, market, period_start,
                period_end, due_date, paid_date, reference, ? AS memo FROM _one""",
                        [new_id, batch, now, int(cents or 0), memo])
        _record_batch(con, batch, "correction", now, 0 if new_id is None else 1, 1, memo, None)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS _one")
    return "X" + entry_id, new_id


def reverse_entry(con: duckdb.DuckDBPyConnection, entry_id: str, memo: str) -> str:
    """Cancel an entry by posting its reversal; returns the reversal's id."""
    return _correct(con, entry_id, memo, None)[0]


def correct_entry(con: duckdb.DuckDBPyConnection, entry_id: str, cents: int, memo: str) -> tuple[str, str]:
    """Replace an entry's amount: a reversal plus a new entry; returns (reversal id, new entry id)."""
    reversal, new_id = _correct(con, entry_id, memo, cents)
    assert new_id is not None  # a correction always posts its replacement
    return reversal, new_id


def _md5(text: str) -> str:
    """The first 24 hex digits of md5, as DuckDB's substr(md5(...), 1, 24) gives them."""
    return hashlib.md5(text.encode()).hexdigest()[:24]
