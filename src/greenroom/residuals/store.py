"""How residual lines are stored: each formula row's context once, each performer's amounts per line,
both as Parquet files beside the analytics database, and residual_lines a view joining the two.

A basic-cable pool shared by forty performers has one explanation, one due date and one exhibition;
storing them once rather than forty times is most of what makes the engine fast. Writing them as
Parquet rather than into DuckDB's own tables halves the cost of storing ten million lines, and the
files are already the export. Readers see the same residual_lines columns as ever.

Lines are kept in sets: a directory of context and amount files. The engine starts a new set for each
run (clear_lines) and publishes it when the run commits; line_contexts and line_amounts are views
over the current set's files. A run posted to the ledger is retained: its set is never changed or
deleted, since the ledger reads its lines in place instead of copying them (retain_run).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from greenroom.store.analytics import TABLE, VIEW, relation_type

# The full shape of a line, as the view yields it (other tables of lines, such as the consent
# registry's AI compensation, are created from it).
LINES_DDL = """
CREATE TABLE IF NOT EXISTS residual_lines (
  line_id VARCHAR, run_id BIGINT, agreement VARCHAR, formula_id VARCHAR, formula_version VARCHAR,
  performer_id VARCHAR, engagement_id VARCHAR, title_id VARCHAR, exhibition_id VARCHAR, market VARCHAR,
  component VARCHAR, period_start DATE, period_end DATE, run_number BIGINT, basis_cents BIGINT,
  rate_ppm BIGINT, gross_cents BIGINT, pool_cents BIGINT, units BIGINT, total_units BIGINT,
  includes_ph BOOLEAN, ph_rate_ppm BIGINT, amount_cents BIGINT, ph_cents BIGINT, due_date DATE,
  note VARCHAR, params VARCHAR, unverified BOOLEAN
)"""

CONTEXTS = "line_contexts"
AMOUNTS = "line_amounts"
UNPRICED = "line_amounts_unpriced"

CONTEXT_SPEC = (
    ("context_no", "BIGINT"), ("line_key", "UBIGINT"), ("run_id", "BIGINT"), ("agreement", "VARCHAR"),
    ("formula_id", "VARCHAR"), ("formula_version", "VARCHAR"), ("title_id", "VARCHAR"), ("exhibition_id", "VARCHAR"),
    ("market", "VARCHAR"), ("component", "VARCHAR"), ("period_start", "DATE"), ("period_end", "DATE"),
    ("run_number", "BIGINT"), ("basis_cents", "BIGINT"), ("rate_ppm", "BIGINT"), ("pool_cents", "BIGINT"),
    ("includes_ph", "BOOLEAN"), ("ph_rate_ppm", "BIGINT"), ("due_date", "DATE"), ("note", "VARCHAR"),
    ("params", "VARCHAR"), ("unverified", "BOOLEAN"))
"""A context file's columns and types: what one formula row holds for all its lines."""

# context_no numbers a set's contexts densely (cheap to store and join); line_key is stable from run
# to run (an md5 of the formula, exhibition and component). line_id is NULL for the engine's lines (the
# view derives it from line_key and the engagement) and kept as given for lines stored by store_lines.
# unpriced marks the engine's lines that no value in force could price: kept for the run's exceptions,
# never shown as lines.
AMOUNT_SPEC = (
    ("context_no", "BIGINT"), ("performer_id", "VARCHAR"), ("engagement_id", "VARCHAR"), ("basis_cents", "BIGINT"),
    ("rate_ppm", "BIGINT"), ("gross_cents", "BIGINT"), ("units", "BIGINT"), ("total_units", "BIGINT"),
    ("amount_cents", "BIGINT"), ("ph_cents", "BIGINT"), ("note", "VARCHAR"), ("line_id", "VARCHAR"),
    ("unpriced", "BOOLEAN"))
"""An amounts file's columns and types: one row per line."""

# Ids (performer, engagement, exhibition, key) are nearly all distinct, so a dictionary for them is built
# only to be dropped; a small limit drops it early and keeps one for the columns of few values (formula,
# market, rates, citations). Measured on 36M amounts: about 30% less time to write, the same file size.
DICTIONARY_LIMIT = 1000


def line_key_sql(text_sql: str) -> str:
    """SQL for a line key: md5_number_upper of the text, the same UBIGINT, at a quarter of the CPU.

    DuckDB defines that macro by casting the 128-bit md5 to a bit string and back, while its value is only
    the md5 number's low 64 bits, which a mask takes directly. Keys must not change: line ids are made of them.
    """
    return f"CAST(md5_number({text_sql}) & CAST(18446744073709551615 AS UHUGEINT) AS UBIGINT)"


LINE_ID_SQL = "COALESCE(a.line_id, printf('L%016x-', c.line_key) || COALESCE(a.engagement_id, ''))"



def lines_view_sql(name: str = "residual_lines", amounts: str = AMOUNTS, contexts: str = CONTEXTS,
                   where: str = "") -> str:
    """CREATE OR REPLACE VIEW name: amounts joined to their contexts, one row per line with every column."""
    return f"""
CREATE OR REPLACE VIEW {name} AS
SELECT {LINE_ID_SQL} AS line_id, c.run_id, c.agreement, c.formula_id, c.formula_version,
       a.performer_id, a.engagement_id, c.title_id, c.exhibition_id, c.market, c.component,
       c.period_start, c.period_end, c.run_number, COALESCE(a.basis_cents, c.basis_cents) AS basis_cents,
       COALESCE(a.rate_ppm, c.rate_ppm) AS rate_ppm, a.gross_cents, c.pool_cents, a.units, a.total_units,
       c.includes_ph, c.ph_rate_ppm, a.amount_cents, a.ph_cents, c.due_date,
       COALESCE(a.note, c.note) AS note, c.params, c.unverified
FROM {amounts} a JOIN {contexts} c USING (context_no){f" WHERE {where}" if where else ""}"""


VIEW_SQL = lines_view_sql()

_CONTEXT_COLUMNS = ("run_id", "agreement", "formula_id", "formula_version", "title_id", "exhibition_id", "market",
                    "component", "period_start", "period_end", "run_number", "pool_cents", "includes_ph",
                    "ph_rate_ppm", "due_date", "params", "unverified")
_AMOUNT_COLUMNS = ("performer_id", "engagement_id", "basis_cents", "rate_ppm", "gross_cents", "units",
                   "total_units", "amount_cents", "ph_cents", "note", "line_id")

SETS = "line_sets"
FILES = "line_files"
STATE = "line_store"
_META_DDL = (
    f"CREATE TABLE IF NOT EXISTS {SETS} (set_no BIGINT PRIMARY KEY, retained_run BIGINT)",
    f"CREATE TABLE IF NOT EXISTS {FILES} (set_no BIGINT NOT NULL, kind VARCHAR NOT NULL, name VARCHAR NOT NULL, "
    "row_count BIGINT NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {STATE} (current_set BIGINT NOT NULL, root VARCHAR NOT NULL)",
)
# line_sets: every set made and, for a retained one, the run the ledger reads from it. line_files: each set's
# files, named relative to the root (so a data directory can be moved). line_store: one row, the set the views
# show and the root the views were made for.


class FrozenRunError(ValueError):
    """Lines added to a run whose lines are retained, which must never change."""


_MEMORY_ROOTS: list[Path] = []


@atexit.register
def _remove_memory_roots() -> None:
    for root in _MEMORY_ROOTS:
        shutil.rmtree(root, ignore_errors=True)


def lines_root(con: duckdb.DuckDBPyConnection) -> Path:
    """The directory holding the line files: beside the database file, or a temporary one for a database in
    memory (removed when the process ends)."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    if row and row[0]:
        return Path(f"{Path(str(row[0])).resolve()}.lines")
    stored = _state(con)
    if stored is not None:
        return Path(stored[1])
    root = Path(tempfile.mkdtemp(prefix="greenroom-lines-"))
    _MEMORY_ROOTS.append(root)
    return root


def _state(con: duckdb.DuckDBPyConnection) -> tuple[int, str] | None:
    if relation_type(con, STATE) is None:
        return None
    row = con.execute(f"SELECT current_set, root FROM {STATE}").fetchone()
    return (int(row[0]), str(row[1])) if row else None


def lines_moved(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the views point at files somewhere else (the data directory was moved): a connection that
    may write has to point them again (ensure_line_store)."""
    state = _state(con)
    return state is not None and state[1] != str(lines_root(con))


def ensure_line_store(con: duckdb.DuckDBPyConnection) -> None:
    """Create the line store if missing and point its views at the files, moving lines of an older store
    (DuckDB tables) into files the first time."""
    state = _state(con)
    root = lines_root(con)
    if state is not None and state[1] == str(root) and relation_type(con, "residual_lines") == VIEW:
        return
    for ddl in _META_DDL:
        con.execute(ddl)
    if state is None:
        # A new database: any files at its root belong to a database file deleted since.
        shutil.rmtree(root, ignore_errors=True)
        con.execute(f"INSERT INTO {SETS} VALUES (1, NULL)")
        con.execute(f"INSERT INTO {STATE} VALUES (1, ?)", [str(root)])
    else:
        # The data directory moved (or this is a new process for a database in memory): same files, new paths.
        con.execute(f"UPDATE {STATE} SET root = ?", [str(root)])
    (root / f"set-{current_set(con)}").mkdir(parents=True, exist_ok=True)
    _migrate_tables(con)
    publish(con)
    for set_no, run_id in con.execute(f"SELECT set_no, retained_run FROM {SETS} WHERE retained_run IS NOT NULL"
                                      ).fetchall():
        _run_view(con, int(run_id), int(set_no))


def _migrate_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Lines kept in DuckDB tables by earlier versions go into the current set, ids and explanations unchanged."""
    if relation_type(con, CONTEXTS) == TABLE:
        append(con, "contexts", f"SELECT * FROM {CONTEXTS}")
        append(con, "amounts", f"SELECT *, false AS unpriced FROM {AMOUNTS}")
        con.execute(f"DROP TABLE {AMOUNTS}")
        con.execute(f"DROP TABLE {CONTEXTS}")
    if relation_type(con, "residual_lines") == TABLE:
        con.execute("ALTER TABLE residual_lines RENAME TO residual_lines_v1")
        publish(con)
        store_lines(con, "SELECT * FROM residual_lines_v1")
        con.execute("DROP TABLE residual_lines_v1")


def current_set(con: duckdb.DuckDBPyConnection) -> int:
    """The number of the set the views show."""
    row = con.execute(f"SELECT current_set FROM {STATE}").fetchone()
    assert row is not None, "ensure_line_store first"
    return int(row[0])


def current_files(con: duckdb.DuckDBPyConnection, kind: str) -> list[Path]:
    """The current set's files of a kind ('contexts' or 'amounts'), in the order they were written."""
    return _files(con, current_set(con), kind)


def _files(con: duckdb.DuckDBPyConnection, set_no: int, kind: str) -> list[Path]:
    root = lines_root(con)
    rows = con.execute(f"SELECT name FROM {FILES} WHERE set_no = ? AND kind = ? ORDER BY name",
                       [set_no, kind]).fetchall()
    return [root / str(r[0]) for r in rows]


def _typed(spec: Sequence[tuple[str, str]]) -> str:
    return ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in spec)


def _read(files: Sequence[Path], spec: Sequence[tuple[str, str]]) -> str:
    """SQL reading files of a spec; a typed empty relation when there are none."""
    if not files:
        return "SELECT " + ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in spec) + " WHERE false"
    listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    return f"SELECT * FROM read_parquet([{listed}])"


def append(con: duckdb.DuckDBPyConnection, kind: str, select_sql: str, params: Sequence[Any] = ()) -> int:
    """Write a query's rows as a new file of the current set ('contexts' or 'amounts'); returns how many.

    The views do not show the file until publish: the engine publishes a run once all its files are written.
    """
    spec = CONTEXT_SPEC if kind == "contexts" else AMOUNT_SPEC
    set_no = current_set(con)
    row = con.execute(f"SELECT count(*) FROM {FILES} WHERE set_no = ?", [set_no]).fetchone()
    name = f"set-{set_no}/{kind}-{int(row[0]) if row else 0:05d}.parquet"
    path = lines_root(con) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    # Without insertion order DuckDB writes the file in parallel; nothing reads lines in file order.
    ordered = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    con.execute("SET preserve_insertion_order = false")
    try:
        written = con.execute(f"COPY (SELECT {_typed(spec)} FROM ({select_sql})) TO '{path}' "
                              f"(FORMAT parquet, DICTIONARY_SIZE_LIMIT {DICTIONARY_LIMIT})", list(params)).fetchone()
    finally:
        con.execute(f"SET preserve_insertion_order = {bool(ordered and ordered[0])}")
    count = int(written[0]) if written else 0
    con.execute(f"INSERT INTO {FILES} VALUES (?, ?, ?, ?)", [set_no, kind, name, count])
    return count


def _set_sql(con: duckdb.DuckDBPyConnection, set_no: int) -> tuple[str, str]:
    """SQL reading a set's contexts and its amounts (every amount, priced or not)."""
    return (_read(_files(con, set_no, "contexts"), CONTEXT_SPEC), _read(_files(con, set_no, "amounts"), AMOUNT_SPEC))


def publish(con: duckdb.DuckDBPyConnection) -> None:
    """Point line_contexts, line_amounts and residual_lines at the current set's files."""
    contexts, amounts = _set_sql(con, current_set(con))
    con.execute(f"CREATE OR REPLACE VIEW {CONTEXTS} AS {contexts}")
    con.execute(f"CREATE OR REPLACE VIEW {AMOUNTS} AS SELECT * EXCLUDE (unpriced) FROM ({amounts}) WHERE NOT unpriced")
    con.execute(f"CREATE OR REPLACE VIEW {UNPRICED} AS SELECT * EXCLUDE (unpriced) FROM ({amounts}) WHERE unpriced")
    con.execute(VIEW_SQL)


def store_lines(con: duckdb.DuckDBPyConnection, select_sql: str, params: Sequence[Any] = ()) -> int:
    """Append whole lines (every residual_lines column, by name) given by a query; returns how many.

    For lines made outside the engine (tests, imports): each keeps its line_id and gets a context of
    its own. Refuses lines added to a retained run, and line ids given twice or already stored.
    """
    ensure_line_store(con)
    con.execute("DROP TABLE IF EXISTS _store_lines")
    # A temp table of the whole line shape takes the rows by name, so a query may leave columns out.
    con.execute(LINES_DDL.replace("CREATE TABLE IF NOT EXISTS residual_lines", "CREATE TEMP TABLE _store_lines", 1))
    try:
        con.execute(f"INSERT INTO _store_lines BY NAME {select_sql}", list(params))
        _check_storable(con)
        con.execute("ALTER TABLE _store_lines ADD COLUMN context_no BIGINT")
        con.execute(f"UPDATE _store_lines SET context_no = rowid + {next_context_no(con)}")
        # Basis, rate and note are the line's own here, so its context leaves them empty.
        append(con, "contexts", f"SELECT context_no, {line_key_sql('line_id')} AS line_key, "
                                f"{', '.join(_CONTEXT_COLUMNS)}, NULL AS basis_cents, NULL AS rate_ppm, "
                                "NULL AS note FROM _store_lines")
        count = append(con, "amounts", f"SELECT context_no, {', '.join(_AMOUNT_COLUMNS)}, false AS unpriced "
                                       "FROM _store_lines")
        publish(con)
    finally:
        con.execute("DROP TABLE IF EXISTS _store_lines")
    return count


def _check_storable(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse the lines in _store_lines when the current set is retained or a line id would repeat."""
    retained = con.execute(f"SELECT retained_run FROM {SETS} WHERE set_no = ?", [current_set(con)]).fetchone()
    if retained and retained[0] is not None:
        raise FrozenRunError(f"the lines of run {retained[0]} were posted to the ledger and cannot change; "
                             "store them as a new run")
    # The ledger posts lines by id: two lines with one id would be one entry.
    twice = con.execute(f"""SELECT line_id FROM (SELECT line_id FROM _store_lines WHERE line_id IS NOT NULL
        GROUP BY line_id HAVING count(*) > 1 UNION ALL SELECT s.line_id FROM _store_lines s
        JOIN {AMOUNTS} a ON a.line_id = s.line_id) LIMIT 1""").fetchone()
    if twice:
        raise ValueError(f"line id {twice[0]!r} is given twice or already stored; line ids must be unique")


def next_context_no(con: duckdb.DuckDBPyConnection) -> int:
    """The first context number not yet used in the current set (its published files)."""
    row = con.execute(f"SELECT COALESCE(max(context_no), -1) + 1 FROM {CONTEXTS}").fetchone()
    return int(row[0]) if row else 0


def retain_run(con: duckdb.DuckDBPyConnection, run_id: int) -> str:
    """Keep the current set, with a run's lines, unchanged for good; returns the view reading that run's lines."""
    ensure_line_store(con)
    held = con.execute(f"SELECT set_no FROM {SETS} WHERE retained_run = ?", [int(run_id)]).fetchone()
    if held:
        return run_view(int(run_id))
    set_no = current_set(con)
    row = con.execute(f"SELECT retained_run FROM {SETS} WHERE set_no = ?", [set_no]).fetchone()
    if row and row[0] is not None:
        raise FrozenRunError(f"the current lines are retained for run {row[0]}, not run {run_id}")
    if con.execute(f"SELECT count(*) FROM {CONTEXTS} WHERE run_id = ?", [int(run_id)]).fetchone() == (0,):
        raise ValueError(f"run {run_id} has no lines in the store to retain")
    con.execute(f"UPDATE {SETS} SET retained_run = ? WHERE set_no = ?", [int(run_id), set_no])
    _run_view(con, int(run_id), set_no)
    return run_view(int(run_id))


def run_view(run_id: int) -> str:
    """The name of the view over a retained run's lines (residual_lines' columns)."""
    return f"residual_lines_run_{int(run_id)}"


def _run_view(con: duckdb.DuckDBPyConnection, run_id: int, set_no: int) -> None:
    contexts, amounts = _set_sql(con, set_no)
    con.execute(lines_view_sql(run_view(run_id), f"({amounts})", f"({contexts})",
                               f"NOT a.unpriced AND c.run_id = {int(run_id)}"))


def clear_lines(con: duckdb.DuckDBPyConnection) -> None:
    """Start a new, empty set for a new run; the old set's files stay until sweep_sets (after the commit)."""
    ensure_line_store(con)
    row = con.execute(f"SELECT max(set_no) + 1 FROM {SETS}").fetchone()
    set_no = int(row[0]) if row and row[0] is not None else 1
    con.execute(f"INSERT INTO {SETS} VALUES (?, NULL)", [set_no])
    con.execute(f"UPDATE {STATE} SET current_set = ?", [set_no])
    target = lines_root(con) / f"set-{set_no}"
    # A run that failed before its commit may have left files under this number.
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    publish(con)


def sweep_sets(con: duckdb.DuckDBPyConnection) -> None:
    """Delete the files of sets neither current nor retained (call outside a transaction: after a commit)."""
    ensure_line_store(con)
    keep = [int(r[0]) for r in con.execute(
        f"SELECT set_no FROM {SETS} WHERE retained_run IS NOT NULL OR set_no = (SELECT current_set FROM {STATE})"
    ).fetchall()]
    folders = {f"set-{n}" for n in keep}
    for folder in lines_root(con).glob("set-*"):
        if folder.name not in folders:
            shutil.rmtree(folder, ignore_errors=True)
    con.execute(f"DELETE FROM {FILES} WHERE NOT list_contains(?, set_no)", [keep])
