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
        return f"concat_ws(';', {refs}) AS params, ({unv}) AS unverified"

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

    def select(self, formula: Formula, columns: Mapping[str, str], from_: str = "", where: str = "") -> str:
        """A per-performer SELECT over exhibitions x joined to the basis view b, with defaults filled in."""
        source = from_ or "exhibitions x JOIN basis b ON b.title_id = x.title_id AND b.entitled"
        cols = {**LINE_DEFAULTS, **columns}
        body = ",\n  ".join(f"{expr} AS {name}" for name, expr in cols.items())
        return (f"SELECT\n  {body},\n  {self.explain_columns()}\nFROM {source}\n"
                f"WHERE {formula.scope_sql()}" + (f" AND ({where})" if where else ""))

    def pool(self, formula: Formula, columns: Mapping[str, str], units: str = "units_182",
             from_: str = "", where: str = "") -> str:
        """Split an exhibition-level pool among the cast by units, by largest remainder, in SQL.

        columns must give pool_cents (and may give basis_cents, rate_ppm and any line column
        other than the per-performer ones); each performer's gross_cents is their exact share.
        """
        source = from_ or "exhibitions x JOIN titles b ON b.title_id = x.title_id"
        if units == "units_78e":
            # §78(e) salary units are counted in multiples of scale, so the shares depend on it too.
            self.p(DAY_SCALE, "b.pp_date")
            self.p(WEEKLY_SCALE, "b.pp_date")
        pool_cols = {k: v for k, v in LINE_DEFAULTS.items()
                     if k not in ("performer_id", "engagement_id", "gross_cents", "units", "total_units")}
        pool_cols.update(columns)
        body = ",\n    ".join(f"{expr} AS {name}" for name, expr in pool_cols.items())
        carried = ", ".join(f"p.{name}" for name in pool_cols if name != "pool_cents")
        # The split works on narrow rows (ids, units, cents) and joins the wide explanation back
        # once per exhibition, because sorting wide rows per performer dominated the cost.
        return f"""
WITH pool AS MATERIALIZED (
  SELECT
    {body},
    {self.explain_columns()}
  FROM {source}
  WHERE {formula.scope_sql()}{f" AND ({where})" if where else ""}
),
cast_units AS (
  SELECT title_id, performer_id, engagement_id, {units} AS units,
         SUM({units}) OVER (PARTITION BY title_id) AS total_units
  FROM basis WHERE entitled AND {units} > 0
),
floored AS (
  SELECT p.exhibition_id, p.pool_cents, c.performer_id, c.engagement_id, c.units, c.total_units,
         (p.pool_cents * c.units) // c.total_units AS floor_cents,
         (p.pool_cents * c.units) % c.total_units AS rem
  FROM pool p JOIN cast_units c ON c.title_id = p.title_id
),
shares AS (
  SELECT exhibition_id, performer_id, engagement_id, units, total_units,
         floor_cents + CASE WHEN ROW_NUMBER() OVER (PARTITION BY exhibition_id ORDER BY rem DESC, engagement_id)
                                 <= pool_cents - SUM(floor_cents) OVER (PARTITION BY exhibition_id)
                            THEN 1 ELSE 0 END AS gross_cents
  FROM floored
)
SELECT s.performer_id, s.engagement_id, {carried}, s.gross_cents, p.pool_cents, s.units, s.total_units,
       p.params, p.unverified
FROM shares s JOIN pool p ON p.exhibition_id = s.exhibition_id"""


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


SqlBuilder = Callable[["SqlContext", "Formula"], str]
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
