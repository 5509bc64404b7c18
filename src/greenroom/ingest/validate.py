"""Row checks as DuckDB SQL, generated from the exchange formats, so millions of rows check in bulk.

Every check yields a reason string or NULL; each schema column gets one CASE giving its first
problem. The reason texts below are what operators see in the quarantine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from greenroom.ingest.schemas import AGREEMENTS, Column, Schema
from greenroom.ingest.staging import TRIM_CHARS, Staged, sql_ident, sql_str
from greenroom.residuals.markets import MARKETS

# First effective date of each agreement: no picture under it can start photography earlier.
# Kept here, in one place, until the contracts packs provide it.
FIRST_EFFECTIVE_DATES: dict[str, date] = {"sag-aftra-tv-theatrical": date(2014, 7, 1)}
# Date columns held against the agreement's first effective date, by kind.
AGREEMENT_DATED_COLUMNS: dict[str, tuple[str, ...]] = {"titles": ("pp_date",)}
# Kinds whose title_id must name a loaded title.
TITLE_REFERENCING = ("engagements", "exhibitions")

REQUIRED = "required value missing"
NOT_WHOLE = "not a whole number"
FRACTION_OF_CENT = "fraction of a cent"
NEGATIVE = "negative amount"
TOO_LARGE = "number too large"
NOT_ISO_DATE = "not an ISO date (YYYY-MM-DD)"
NO_SUCH_DATE = "no such calendar date"
NOT_BOOLEAN = "not true or false"
UNKNOWN_TITLE = "unknown title"
UNKNOWN_AGREEMENT = "unknown agreement"
UNKNOWN_MARKET = "unknown market"
END_BEFORE_START = "end_date before start_date"
DUPLICATE_IN_FILE = "duplicate key within file (first at row {first})"
CONFLICT = "conflicts with existing row {key} from load {load}"
REASONS = (REQUIRED, NOT_WHOLE, FRACTION_OF_CENT, NEGATIVE, TOO_LARGE, NOT_ISO_DATE, NO_SUCH_DATE, NOT_BOOLEAN,
           UNKNOWN_TITLE, UNKNOWN_AGREEMENT, UNKNOWN_MARKET, END_BEFORE_START, DUPLICATE_IN_FILE, CONFLICT)
"""Every fixed reason text (formatted ones with their placeholders), for the docs and their test."""

WHOLE_RE = r"[+-]?[0-9]+(\.0*)?"
DECIMAL_RE = r"[+-]?[0-9]*\.[0-9]+"
DATE_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")
NUMERIC_TYPES = ("integer", "cents", "minutes")


def below_minimum(minimum: int) -> str:
    """Reason for a number under its column's minimum."""
    return f"below the minimum of {minimum}"


def not_allowed(values: tuple[str, ...]) -> str:
    """Reason for a value outside a column's allowed list."""
    return "not an allowed value (expected one of: " + ", ".join(values) + ")"


def before_agreement(start: date) -> str:
    """Reason for a date before the agreement existed."""
    return f"before the agreement's first effective date ({start.isoformat()})"


def market_requires(column: str) -> list[str]:
    """Markets that need column filled in."""
    return [m.name for m in MARKETS.values() if column in m.requires]


@dataclass(frozen=True)
class Layout:
    """Where each schema column sits in the staged rows, and which cells arrive already typed.

    index maps schema column -> staged cell position; native maps a cell position to "integer" or
    "date" when the source (Parquet) stores it typed, so its check skips the text round trip.
    """

    schema: Schema
    index: dict[str, int]
    native: dict[int, str] = field(default_factory=dict)

    def native_kind(self, name: str) -> str | None:
        """'integer' or 'date' when the column's cell is natively typed and usable as such."""
        i = self.index.get(name)
        kind = self.native.get(i) if i is not None else None
        column = self.schema.column(name)
        if kind == "integer" and column.type in NUMERIC_TYPES:
            return kind
        if kind == "date" and column.type == "date":
            return kind
        return None


def col(name: str) -> str:
    """A cleaned text column of the validation view v."""
    return "v." + sql_ident(name)


def val(name: str) -> str:
    """The typed value of a column of v (BIGINT, DATE or BOOLEAN), computed once per row."""
    return "v." + sql_ident(name + ":v")


def nat(name: str) -> str:
    """The native (already typed) cell of a column of v."""
    return "v." + sql_ident(name + "#n")


def _in_list(values: list[str] | tuple[str, ...]) -> str:
    """A SQL IN list of string literals."""
    return "(" + ", ".join(sql_str(v) for v in values) + ")"


def _clean_text(cell: str) -> str:
    """Trim a text cell (empty becomes NULL); the full trim only runs when an end is whitespace."""
    chars = sql_str(TRIM_CHARS)
    # contains() rather than IN (...): DuckDB plans an IN list as a join, evaluated for every row.
    return (f"CASE WHEN contains({chars}, {cell}[1]) OR contains({chars}, {cell}[-1]) "
            f"THEN NULLIF(trim({cell}, {chars}), '') ELSE {cell} END")


def _typed_from(column: Column, text: str, native: str | None, native_ref: str) -> str:
    """SQL for a column's typed value from its cleaned text, or from its native cell."""
    if column.type in NUMERIC_TYPES:
        return f"TRY_CAST({native_ref if native else text} AS BIGINT)"
    if column.type == "date":
        return f"CAST({native_ref} AS DATE)" if native else f"TRY_CAST({text} AS DATE)"
    if column.type == "boolean":
        return (f"CASE WHEN lower({text}) IN {_in_list(TRUE_WORDS)} THEN true "
                f"WHEN lower({text}) IN {_in_list(FALSE_WORDS)} THEN false END")
    return text


def clean_view(layout: Layout, relation: str) -> str:
    """SQL for the view v: row number, shape problem, each column as trimmed text and typed value.

    Typed values are computed in an inner query so every check and the insert share one cast.
    Sources never stage blank rows, so every row of v counts as read.
    """
    inner, outer = ["_row", "_shape"], ["_row", "_shape"]
    for c in layout.schema.columns:
        name, i = sql_ident(c.name), layout.index.get(c.name)
        native = layout.native_kind(c.name)
        if i is None:
            inner.append(f"NULL::VARCHAR AS {name}")
        elif native:
            # Typed cells have no stray spaces; their text is only needed for display.
            inner += [f"c{i} AS {name}", f"n{i} AS {sql_ident(c.name + '#n')}"]
            outer.append(sql_ident(c.name + "#n"))
        else:
            inner.append(f"{_clean_text(f'c{i}')} AS {name}")
        outer.append(name)
        if c.type != "text":
            outer.append(f"{_typed_from(c, name, native, sql_ident(c.name + '#n'))} AS {sql_ident(c.name + ':v')}")
    return (f"CREATE OR REPLACE TEMP VIEW v AS SELECT {', '.join(outer)} FROM "
            f"(SELECT {', '.join(inner)} FROM {relation})")


def typed(column: Column) -> str:
    """SQL for a column's value as the table stores it."""
    return col(column.name) if column.type == "text" else val(column.name)


def _when_empty(schema: Schema, column: Column) -> str | None:
    """The reason an empty cell is wrong, if it is."""
    if column.required:
        return sql_str(REQUIRED)
    if schema.kind == "exhibitions":
        markets = market_requires(column.name)
        if markets:
            return (f"CASE WHEN {col('market')} IN {_in_list(markets)} "
                    f"THEN 'required for market ' || {col('market')} END")
    return None


def _number_checks(layout: Layout, column: Column) -> list[tuple[str, str]]:
    """(condition, reason) pairs for an integer, cents or minutes cell (after the empty check)."""
    x, n = col(column.name), val(column.name)
    checks: list[tuple[str, str]] = []
    if layout.native_kind(column.name) is None:
        not_whole = sql_str(NOT_WHOLE)
        if column.type == "cents":
            not_whole = (f"CASE WHEN regexp_full_match({x}, {sql_str(DECIMAL_RE)}) "
                         f"THEN {sql_str(FRACTION_OF_CENT)} ELSE {sql_str(NOT_WHOLE)} END")
        # Canonical integers ("1200") round-trip exactly; only the rest pay for the pattern match.
        checks.append((f"({n} IS NULL OR CAST({n} AS VARCHAR) <> {x}) "
                       f"AND NOT regexp_full_match({x}, {sql_str(WHOLE_RE)})", not_whole))
    checks.append((f"{n} IS NULL", sql_str(TOO_LARGE)))
    if column.minimum is not None:
        if column.minimum == 0:
            checks.append((f"{n} < 0", sql_str(NEGATIVE)))
        else:
            checks.append((f"{n} < {column.minimum}", sql_str(below_minimum(column.minimum))))
    return checks


def _date_checks(layout: Layout, column: Column) -> list[tuple[str, str]]:
    """(condition, reason) pairs for a date cell (after the empty check)."""
    schema, x, d = layout.schema, col(column.name), val(column.name)
    checks: list[tuple[str, str]] = []
    if layout.native_kind(column.name) is None:
        checks += [(f"({d} IS NULL OR CAST({d} AS VARCHAR) <> {x}) "
                    f"AND NOT regexp_full_match({x}, {sql_str(DATE_RE)})", sql_str(NOT_ISO_DATE)),
                   (f"{d} IS NULL", sql_str(NO_SUCH_DATE))]
    if column.name in AGREEMENT_DATED_COLUMNS.get(schema.kind, ()) and "agreement" in schema.names:
        for agreement, start in FIRST_EFFECTIVE_DATES.items():
            checks.append((f"{col('agreement')} = {sql_str(agreement)} AND {d} < DATE {sql_str(start.isoformat())}",
                           sql_str(before_agreement(start))))
    if column.name == "end_date" and "start_date" in schema.names:
        checks.append((f"{d} < {val('start_date')}", sql_str(END_BEFORE_START)))
    return checks


def _text_checks(schema: Schema, column: Column, x: str) -> list[tuple[str, str]]:
    """(condition, reason) pairs for a text cell, including references to other tables."""
    if column.name == "agreement":
        return [(f"{x} NOT IN {_in_list(AGREEMENTS)}", sql_str(UNKNOWN_AGREEMENT))]
    if column.name == "market" and schema.kind == "exhibitions":
        return [(f"{x} NOT IN {_in_list(list(MARKETS))}", sql_str(UNKNOWN_MARKET))]
    checks = []
    if column.allowed:
        checks.append((f"{x} NOT IN {_in_list(column.allowed)}", sql_str(not_allowed(column.allowed))))
    if column.name == "title_id" and schema.kind in TITLE_REFERENCING:
        checks.append(("_t._tid IS NULL", sql_str(UNKNOWN_TITLE)))
    return checks


def reason_expr(layout: Layout, column: Column) -> str | None:
    """One CASE giving the first thing wrong with this column's cell, or None if it cannot be wrong."""
    schema = layout.schema
    if column.type in NUMERIC_TYPES:
        checks = _number_checks(layout, column)
    elif column.type == "date":
        checks = _date_checks(layout, column)
    elif column.type == "boolean":
        checks = [(f"{val(column.name)} IS NULL", sql_str(NOT_BOOLEAN))]
    else:
        checks = _text_checks(schema, column, col(column.name))
    empty = _when_empty(schema, column)
    if not checks and empty is None:
        return None
    is_empty = f"{nat(column.name)} IS NULL" if layout.native_kind(column.name) else f"{col(column.name)} IS NULL"
    whens = [f"WHEN {is_empty} THEN {empty or 'NULL'}"] + [f"WHEN {c} THEN {r}" for c, r in checks]
    return "CASE " + " ".join(whens) + " END"


def reason_columns(layout: Layout) -> dict[int, str]:
    """Schema column position -> its reason CASE, for the columns that have checks."""
    exprs = {i: reason_expr(layout, c) for i, c in enumerate(layout.schema.columns)}
    return {i: e for i, e in exprs.items() if e is not None}


def field_problems_sql(layout: Layout) -> str:
    """SQL materialising q_field: rows with a shape problem or at least one bad cell, and why."""
    schema = layout.schema
    reasons = reason_columns(layout)
    key = col(schema.key)
    select = ", ".join(["v._row", f"{key} AS _key", "v._shape"] + [f"{e} AS _r{i}" for i, e in reasons.items()])
    joins = ""
    if schema.kind in TITLE_REFERENCING and "title_id" in schema.names:
        joins = f" LEFT JOIN (SELECT DISTINCT title_id AS _tid FROM titles) _t ON _t._tid = {col('title_id')}"
    bad = " OR ".join(["_shape IS NOT NULL"] + [f"_r{i} IS NOT NULL" for i in reasons])
    return f"CREATE OR REPLACE TEMP TABLE q_field AS SELECT * FROM (SELECT {select} FROM v{joins}) WHERE {bad}"


def duplicates_in_file_sql(schema: Schema) -> str:
    """SQL materialising q_dup: every later row whose key already appeared earlier in the same file.

    Candidates are found by grouping key hashes (cheaper than grouping the strings); the window
    over the real key then discards any hash collision.
    """
    key = col(schema.key)
    return (
        "CREATE OR REPLACE TEMP TABLE q_dup AS "
        f"WITH k AS (SELECT hash({key}) AS _h FROM v WHERE {key} IS NOT NULL GROUP BY 1 HAVING count(*) > 1) "
        f"SELECT _row, _key, _first FROM (SELECT v._row, {key} AS _key, min(v._row) OVER (PARTITION BY {key}) "
        f"AS _first FROM v JOIN k ON hash({key}) = k._h) WHERE _row <> _first"
    )


def existing_rows_sql(schema: Schema) -> str:
    """SQL materialising q_hit: clean rows whose key is already loaded, and whether content is identical."""
    key = col(schema.key)
    same = " AND ".join(f"t.{sql_ident(c.name)} IS NOT DISTINCT FROM {typed(c)}" for c in schema.columns)
    return (
        "CREATE OR REPLACE TEMP TABLE q_hit AS "
        f"SELECT v._row, {key} AS _key, min(t.load_id) AS _load, bool_or({same}) AS _same "
        f"FROM v JOIN {sql_ident(schema.table)} t ON t.{sql_ident(schema.key)} = {key} "
        "WHERE NOT EXISTS (SELECT 1 FROM q_field f WHERE f._row = v._row) "
        "AND NOT EXISTS (SELECT 1 FROM q_dup d WHERE d._row = v._row) "
        f"GROUP BY v._row, {key}"
    )


def no_existing_rows_sql() -> str:
    """SQL for an empty q_hit, when the target table has no rows to collide with."""
    return ("CREATE OR REPLACE TEMP TABLE q_hit AS SELECT NULL::BIGINT AS _row, NULL::VARCHAR AS _key, "
            "NULL::BIGINT AS _load, NULL::BOOLEAN AS _same WHERE false")


def excluded_sql() -> str:
    """SQL materialising the rows that are not inserted: quarantined or already present."""
    return ("CREATE OR REPLACE TEMP TABLE q_excluded AS SELECT _row FROM q_field UNION "
            "SELECT _row FROM q_dup UNION SELECT _row FROM q_hit")


def insert_sql(schema: Schema, load_id: int) -> str:
    """SQL inserting the clean, new rows into the kind's table, stamped with the load id."""
    names = ", ".join(sql_ident(c.name) for c in schema.columns)
    values = ", ".join(typed(c) for c in schema.columns)
    return (f"INSERT INTO {sql_ident(schema.table)} ({names}, load_id) SELECT {values}, {int(load_id)} FROM v "
            "WHERE NOT EXISTS (SELECT 1 FROM q_excluded e WHERE e._row = v._row)")


def quarantine_rows_sql(layout: Layout, staged: Staged) -> str:
    """SQL listing each quarantined row once: its raw cells plus every reason found for it."""
    reasons = "".join(f", f._r{i}" for i in reason_columns(layout))
    cells = ", ".join(f"r.c{i}" for i in range(len(staged.cells)))
    return (
        "WITH bad AS (SELECT _row FROM q_field UNION SELECT _row FROM q_dup "
        f"UNION SELECT _row FROM q_hit WHERE NOT _same), r AS ({staged.rows_sql('bad')}) "
        f"SELECT r._row, r._shape, r._extra, {cells}, d._first, h._load, h._same{reasons} "
        "FROM r LEFT JOIN q_field f ON f._row = r._row "
        "LEFT JOIN q_dup d ON d._row = r._row LEFT JOIN q_hit h ON h._row = r._row ORDER BY r._row"
    )
