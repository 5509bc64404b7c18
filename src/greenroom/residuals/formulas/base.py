"""What a formula is: a clause of an agreement as a SQL query for the bulk engine and a Decimal
reference implementation that the property tests hold the SQL to."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from greenroom.contracts.params import Pack
from greenroom.contracts.sql import ref_sql, unverified_sql, value_sql
from greenroom.money import split_largest_remainder
from greenroom.residuals.basis import DAY_SCALE, WEEKLY_SCALE
from greenroom.residuals.staging import CAST_182, UNITS_182_VALUES

# Columns every formula yields, with the default expression used when a formula leaves one out.
LINE_DEFAULTS: dict[str, str] = {
    "performer_id": "b.performer_id",
    "engagement_id": "b.engagement_id",
    "title_id": "x.title_id",
    "exhibition_id": "x.exhibition_id",
    "market": "x.market",
    "component": "'residual'",
    "period_start": "x.start_date",
    "period_end": "COALESCE(x.end_date, x.start_date)",
    "run_number": "x.run_number",
    "basis_cents": "CAST(NULL AS BIGINT)",
    "rate_ppm": "CAST(NULL AS BIGINT)",
    "gross_cents": "CAST(NULL AS BIGINT)",
    "pool_cents": "CAST(NULL AS BIGINT)",
    "units": "CAST(NULL AS BIGINT)",
    "total_units": "CAST(NULL AS BIGINT)",
    "includes_ph": "FALSE",
    "ph_rate_ppm": "CAST(0 AS BIGINT)",
    "due_date": "CAST(NULL AS DATE)",
    "note": "''",
}
LINE_COLUMNS = tuple(LINE_DEFAULTS) + ("params", "unverified")
# A formula works in two steps. Its rows (one per exhibition, or per exhibition and part) carry the
# columns that are the same for every performer; they are stored once, as the lines' context, with
# the explanation. Then one line per performer carries what differs between performers. Pools also
# keep their basis, rate and note on the row.
ROW_COLUMNS = ("title_id", "exhibition_id", "market", "component", "period_start", "period_end", "run_number",
               "pool_cents", "includes_ph", "ph_rate_ppm", "due_date")
POOL_ROW_COLUMNS = ("basis_cents", "rate_ppm", "note")
PERFORMER_COLUMNS = ("performer_id", "engagement_id", "basis_cents", "rate_ppm", "gross_cents", "units",
                     "total_units", "note")
# What the line step passes on from the row so the P&H split can be made as lines are stored.
_PH_CARRIED = "x.r_includes_ph AS includes_ph, x.r_ph_rate_ppm AS ph_rate_ppm"


@dataclass(frozen=True)
class FormulaSql:
    """A formula's SQL in its two steps.

    rows: one row per exhibition (or exhibition and part) with r_<name> for ROW_COLUMNS and
    POOL_ROW_COLUMNS, params and unverified (the engine stages it and reads it as formula_rows, which
    adds context_no). lines: over formula_rows x, one row per performer: context_no, PERFORMER_COLUMNS,
    includes_ph and ph_rate_ppm.
    """

    rows: str
    lines: str


@dataclass
class SqlContext:
    """Collects the parameters a formula consults so each line can cite them."""

    pack: Pack
    refs: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)

    def p(self, param_id: str, date_expr: str, key_expr: str | None = None) -> str:
        """SQL for a parameter's value in force on date_expr; the line will cite it."""
        param = self.pack[param_id]
        self.refs.append(ref_sql(param, date_expr, key_expr))
        self.unverified.append(unverified_sql(param, date_expr))
        return value_sql(param, date_expr, key_expr)

    def cite(self, column_refs: str, column_unverified: str) -> None:
        """Also cite references carried in columns of an input view (such as the basis view's TAM)."""
        self.refs.append(column_refs)
        self.unverified.append(column_unverified)

    def explain_columns(self) -> str:
        """The params and unverified columns for the parameters consulted so far."""
        refs = ", ".join(self.refs) if self.refs else "''"
        unv = " OR ".join(f"COALESCE({u}, FALSE)" for u in self.unverified) or "FALSE"
        return f"concat_ws(';', {refs}) AS r_params, ({unv}) AS r_unverified"

    # 64-bit integer arithmetic: DuckDB raises an error on overflow rather than wrapping, so an
    # amount too large for it (beyond about $90 billion × 100%) fails loudly instead of going wrong.
    @staticmethod
    def pct(amount_expr: str, ppm_expr: str) -> str:
        """SQL for amount × rate (ppm) rounded half-up to the cent."""
        return f"((CAST({amount_expr} AS BIGINT) * ({ppm_expr}) + 500000) // 1000000)"

    @staticmethod
    def muldiv(a_expr: str, b_expr: str, d_expr: str) -> str:
        """SQL for a × b ÷ d rounded half-up, for non-negative operands."""
        return f"((CAST({a_expr} AS BIGINT) * ({b_expr}) * 2 + ({d_expr})) // (2 * ({d_expr})))"

    def select(self, formula: Formula, columns: Mapping[str, str], rows: str = "SELECT * FROM exhibitions",
               where: str = "") -> FormulaSql:
        """Per-performer lines: the formula's rows (an exhibition query aliased x, with its title b),
        then one line for each entitled performer of the title (basis b)."""
        cols = {**LINE_DEFAULTS, **columns}
        row_cols = {**{k: cols[k] for k in ROW_COLUMNS}, **{k: "NULL" for k in POOL_ROW_COLUMNS}}
        source = f"({rows}) x JOIN title_basis b ON b.title_id = x.title_id"
        line_cols = {k: cols[k] for k in PERFORMER_COLUMNS}
        body = ",\n  ".join(f"{expr} AS {name}" for name, expr in line_cols.items())
        return FormulaSql(
            rows=self._rows(formula, row_cols, source, where, keep_input=True),
            lines=f"SELECT x.context_no, {body}, {_PH_CARRIED}\n"
                  "FROM formula_rows x JOIN basis b ON b.title_id = x.title_id AND b.entitled")

    def _rows(self, formula: Formula, row_cols: Mapping[str, str], source: str, where: str,
              keep_input: bool) -> str:
        body = ",\n  ".join(f"{expr} AS r_{name}" for name, expr in row_cols.items())
        return (f"SELECT{' x.*,' if keep_input else ''}\n  {body},\n  {self.explain_columns()}\nFROM {source}\n"
                f"WHERE {formula.scope_sql()}" + (f" AND ({where})" if where else ""))

    def pool(self, formula: Formula, columns: Mapping[str, str], units: str = "units_182",
             from_: str = "", where: str = "") -> FormulaSql:
        """Split an exhibition-level pool among the cast by units, by largest remainder, in SQL.

        columns must give pool_cents (and may give basis_cents, rate_ppm and any line column
        other than the per-performer ones); each performer's gross_cents is their exact share.
        """
        source = from_ or "exhibitions x JOIN titles b ON b.title_id = x.title_id"
        if units == "units_78e":
            # §78(e) salary units are counted in multiples of scale, so the shares depend on it too.
            self.p(DAY_SCALE, "b.pp_date")
            self.p(WEEKLY_SCALE, "b.pp_date")
        cols = {**LINE_DEFAULTS, **columns}
        row_cols = {k: cols[k] for k in ROW_COLUMNS + POOL_ROW_COLUMNS}
        rows = self._rows(formula, row_cols, source, where, keep_input=False)
        if units == "units_182":
            return FormulaSql(rows, _split_182())
        return FormulaSql(rows, _split_windowed(units))


def _split_182() -> str:
    """The largest-remainder split by §18.2 units without sorting: the same shares as the windowed
    split (ROW_NUMBER by remainder, then engagement_id), by counting.

    §18.2 units take only the values UNITS_182_VALUES, so in one pool every share of units u has
    remainder r<u> = pool × u mod total; a share's rank is 1 + the shares with a larger remainder +
    those with the same remainder and a lower engagement_id, from the per-title counts n<u> and
    l<u> of the cast_units_182 table (residuals.staging).
    """
    rem = {u: f"((x.r_pool_cents * {u}) % c.total_units)" for u in UNITS_182_VALUES}
    own = "CASE c.units " + " ".join(f"WHEN {u} THEN {rem[u]}" for u in UNITS_182_VALUES) + " END"
    rank = " + ".join(f"CASE WHEN {rem[u]} > {own} THEN c.n{u} WHEN {rem[u]} = {own} THEN c.l{u} ELSE 0 END"
                      for u in UNITS_182_VALUES)
    floors = " - ".join(f"c.n{u} * ((x.r_pool_cents * {u}) // c.total_units)" for u in UNITS_182_VALUES)
    return f"""
SELECT x.context_no, c.performer_id, c.engagement_id, NULL AS basis_cents, NULL AS rate_ppm,
       (x.r_pool_cents * c.units) // c.total_units
         + CASE WHEN 1 + {rank} <= x.r_pool_cents - {floors} THEN 1 ELSE 0 END AS gross_cents,
       c.units, c.total_units, NULL AS note, {_PH_CARRIED}
FROM formula_rows x JOIN {CAST_182} c ON c.title_id = x.r_title_id"""


def _split_windowed(units: str) -> str:
    """The largest-remainder split for units of many values: rank each pool's shares by remainder."""
    return f"""
WITH cast_units AS (
  SELECT title_id, performer_id, engagement_id, {units} AS units,
         SUM({units}) OVER (PARTITION BY title_id) AS total_units
  FROM basis WHERE entitled AND {units} > 0
),
floored AS (
  SELECT x.context_no, x.r_pool_cents AS pool_cents, c.performer_id, c.engagement_id, c.units, c.total_units,
         (x.r_pool_cents * c.units) // c.total_units AS floor_cents,
         (x.r_pool_cents * c.units) % c.total_units AS rem, {_PH_CARRIED}
  FROM formula_rows x JOIN cast_units c ON c.title_id = x.r_title_id
)
SELECT context_no, performer_id, engagement_id, NULL AS basis_cents, NULL AS rate_ppm,
       floor_cents + CASE WHEN ROW_NUMBER() OVER (PARTITION BY context_no ORDER BY rem DESC, engagement_id)
                              <= pool_cents - SUM(floor_cents) OVER (PARTITION BY context_no)
                         THEN 1 ELSE 0 END AS gross_cents,
       units, total_units, NULL AS note, includes_ph, ph_rate_ppm
FROM floored"""


@dataclass(frozen=True)
class RefLine:
    """A line computed by a reference implementation, before the P&H split."""

    exhibition_id: str
    engagement_id: str
    performer_id: str
    gross_cents: int
    component: str = "residual"
    includes_ph: bool = False
    ph_rate_ppm: int = 0
    unverified: bool = False


@dataclass(frozen=True)
class RefInputs:
    """The rows of one situation as plain Python values (dates as datetime.date, money as int cents)."""

    titles: Mapping[str, Mapping[str, Any]]
    engagements: Sequence[Mapping[str, Any]]
    exhibitions: Sequence[Mapping[str, Any]]

    def cast_of(self, title_id: str) -> list[Mapping[str, Any]]:
        """Engagements of a title entitled to residuals, in engagement_id order (the tie-break order)."""
        return sorted((e for e in self.engagements
                       if e["title_id"] == title_id and e["category"] != "background"),
                      key=lambda e: str(e["engagement_id"]))


def rows_by_title(inputs: RefInputs, formula: Formula) -> dict[str, list[Mapping[str, Any]]]:
    """The exhibition rows a formula prices, grouped by title, each group in (start_date, id) order:
    the Python twin of the per-title windows the SQL uses."""
    out: dict[str, list[Mapping[str, Any]]] = {}
    for x in sorted(inputs.exhibitions, key=lambda r: (r["start_date"], str(r["exhibition_id"]))):
        title = inputs.titles.get(x["title_id"])
        if title and formula.applies(title, x):
            out.setdefault(x["title_id"], []).append(x)
    return out


def pool_lines(inputs: RefInputs, x: Mapping[str, Any], pool_cents: int, weight: Callable[[Mapping[str, Any]], int],
               component: str, includes_ph: bool, ph_rate_ppm: int, unverified: bool) -> list[RefLine]:
    """Python twin of SqlContext.pool: split one exhibition's pool over the entitled cast with units
    above zero, by largest remainder, ties to the lower engagement_id."""
    cast = [e for e in inputs.cast_of(x["title_id"]) if weight(e) > 0]
    if not cast:
        return []
    shares = split_largest_remainder(pool_cents, [weight(e) for e in cast])
    return [RefLine(x["exhibition_id"], e["engagement_id"], e["performer_id"], share, component,
                    includes_ph, ph_rate_ppm, unverified)
            for e, share in zip(cast, shares, strict=True)]


def add_months(day: dt.date, months: int) -> dt.date:
    """day plus whole months, clamped to the month's last day (as DuckDB adds a month interval)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# A formula is one FormulaSql, or several (parts with different components) stored one after another.
FormulaParts = FormulaSql | tuple[FormulaSql, ...]
SqlBuilder = Callable[["SqlContext", "Formula"], FormulaParts]
ReferenceImpl = Callable[[RefInputs, Pack, "Formula"], list[RefLine]]


@dataclass(frozen=True)
class Formula:
    """One residual rule: where it applies, what it cites, its SQL and its Decimal reference."""

    id: str
    version: str
    title: str
    clause: str
    markets: tuple[str, ...]
    kinds: tuple[str, ...]
    sql: SqlBuilder
    reference: ReferenceImpl
    agreement: str = "sag-aftra-tv-theatrical"
    date_basis: str = "pp_date"
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    plain: str = ""

    def scope_sql(self) -> str:
        """SQL condition selecting the exhibitions this formula prices."""
        markets = ", ".join(f"'{m}'" for m in self.markets)
        kinds = ", ".join(f"'{k}'" for k in self.kinds)
        basis = "x.start_date" if self.date_basis == "exhibition_date" else "b.pp_date"
        parts = [f"x.market IN ({markets})", f"b.kind IN ({kinds})", f"b.agreement = '{self.agreement}'"]
        if self.effective_from:
            parts.append(f"{basis} >= DATE '{self.effective_from.isoformat()}'")
        if self.effective_to:
            parts.append(f"{basis} < DATE '{self.effective_to.isoformat()}'")
        return " AND ".join(parts)

    def applies(self, title: Mapping[str, Any], exhibition: Mapping[str, Any]) -> bool:
        """Python twin of scope_sql for the reference implementation."""
        if exhibition["market"] not in self.markets or title["kind"] not in self.kinds:
            return False
        if title["agreement"] != self.agreement:
            return False
        day = exhibition["start_date"] if self.date_basis == "exhibition_date" else title["pp_date"]
        if self.effective_from and day < self.effective_from:
            return False
        return not (self.effective_to and day >= self.effective_to)


@dataclass
class Consulted:
    """Python twin of SqlContext.p for reference implementations: looks values up and remembers
    whether any value consulted was unverified."""

    pack: Pack
    unverified: bool = False

    def get(self, param_id: str, day: dt.date, key: int | str | None = None) -> int | None:
        """The engine integer (cents, ppm, count) in force on day, or None if not in force."""
        param = self.pack[param_id]
        dated = param.on(day)
        if dated is None:
            return None
        if not dated.verified:
            self.unverified = True
        raw = dated.value if key is None else param.lookup_key(dated.value, key)
        return None if raw is None else param.to_int(raw)

    def need(self, param_id: str, day: dt.date, key: int | str | None = None) -> int:
        """Like get, but the value must be in force."""
        value = self.get(param_id, day, key)
        if value is None:
            raise LookupError(f"{param_id} has no value in force on {day} (key {key})")
        return value
