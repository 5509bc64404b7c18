"""SQL for the remittance row checks, on top of the ingest field checks (greenroom.ingest.validate).

Each function materialises one temp table of rows set aside, with the reason an operator reads:
r_bad (bad cells, signs, currency, market, period, payer), r_seen (same as a row loaded from an
earlier file), r_check (a check number reused or inconsistent). Rows repeated inside one file are
loaded (without our line ids, two lines can legitimately read the same) and listed in r_rep so the
operator is told; if they are one payment listed twice, the audit reports a duplicate payment.
"""

from __future__ import annotations

from greenroom.audit import schema as s
from greenroom.audit.tables import CONTENT, content_hash_sql
from greenroom.consent.compensation import MARKET as AI_REPLICA_MARKET
from greenroom.ingest import validate as checks
from greenroom.ingest.staging import sql_str
from greenroom.residuals.markets import MARKETS

PAYABLE_MARKETS = (*MARKETS, AI_REPLICA_MARKET)
"""Markets a remittance row may pay: the engine's, and AI compensation for digital-replica use."""


def _own_checks(payer: str) -> dict[str, str]:
    """Column -> CASE giving the remittance-specific problem, if any."""
    col, val = checks.col, checks.val
    markets = ", ".join(sql_str(m) for m in PAYABLE_MARKETS)
    return {
        "amount_cents": f"CASE WHEN {val('amount_cents')} <= 0 THEN {sql_str(s.NOT_POSITIVE)} END",
        "currency": (f"CASE WHEN upper({col('currency')}) <> {sql_str(s.CURRENCY)} THEN "
                     f"replace({sql_str(s.WRONG_CURRENCY)}, '{{currency}}', {col('currency')}) END"),
        "market": f"CASE WHEN {col('market')} NOT IN ({markets}) THEN {sql_str(s.UNKNOWN_MARKET)} END",
        "period_end": f"CASE WHEN {val('period_end')} < {val('period_start')} THEN {sql_str(s.PERIOD_BACKWARDS)} END",
        "payer": (f"CASE WHEN lower({col('payer')}) <> lower({sql_str(payer)}) THEN "
                  f"replace(replace({sql_str(s.OTHER_PAYER)}, '{{row_payer}}', {col('payer')}), '{{payer}}', "
                  f"{sql_str(payer)}) END"),
    }


def bad_rows_sql(layout: checks.Layout, payer: str) -> str:
    """SQL materialising r_bad(_row, reason): every problem of a row, 'column: reason; ...'."""
    field = checks.reason_columns(layout)
    own = _own_checks(payer)
    parts = ["v._shape"]
    for i, column in enumerate(layout.schema.columns):
        exprs = [e for e in (field.get(i), own.get(column.name)) if e]
        if exprs:
            # The field check first: an unparseable cell must not also be judged on its value.
            expr = exprs[0] if len(exprs) == 1 else f"COALESCE({exprs[0]}, {exprs[1]})"
            parts.append(f"'{column.name}: ' || ({expr})")
    return (f"CREATE OR REPLACE TEMP TABLE r_bad AS SELECT _row, reason FROM "
            f"(SELECT v._row, concat_ws('; ', {', '.join(parts)}) AS reason FROM v) WHERE reason <> ''")


def candidates_sql() -> str:
    """SQL materialising r_ok: the rows without bad cells, typed, with their content hash."""
    col, val = checks.col, checks.val
    return f"""CREATE OR REPLACE TEMP TABLE r_ok AS
SELECT *, {content_hash_sql()} AS content_hash FROM (
  SELECT v._row, {col('check_number')} AS check_number, {col('title')} AS title_written,
         {col('performer_id')} AS performer_id, {col('market')} AS market, {val('period_start')} AS period_start,
         {val('period_end')} AS period_end, {val('gross_cents')} AS gross_cents, {val('amount_cents')} AS amount_cents,
         {val('ph_cents')} AS ph_cents, {val('paid_date')} AS paid_date,
         COALESCE(upper({col('currency')}), {sql_str(s.CURRENCY)}) AS currency,
         {col('line_id')} AS line_id, {col('exhibition_id')} AS exhibition_id
  FROM v WHERE NOT EXISTS (SELECT 1 FROM r_bad b WHERE b._row = v._row))"""


def _same(a: str, b: str) -> str:
    return " AND ".join(f"{a}.{c} IS NOT DISTINCT FROM {b}.{c}" for c in CONTENT)


def repeats_sql() -> str:
    """SQL materialising r_rep(_row, first): rows whose content repeats an earlier row of the same file."""
    return ("CREATE OR REPLACE TEMP TABLE r_rep AS SELECT _row, first FROM (SELECT _row, "
            f"min(_row) OVER (PARTITION BY {', '.join(CONTENT)}) AS first FROM r_ok) WHERE _row <> first")


def seen_sql(payer: str) -> str:
    """SQL materialising r_seen(_row, file_name, row_number): rows already loaded for this payer."""
    return f"""CREATE OR REPLACE TEMP TABLE r_seen AS
SELECT o._row, min(r.file_name) AS file_name, min(r.row_number) AS row_number
FROM r_ok o JOIN remittance_rows r
  ON r.payer = {sql_str(payer)} AND r.content_hash = o.content_hash AND {_same('o', 'r')}
GROUP BY o._row"""


def check_problems_sql(payer: str) -> str:
    """SQL materialising r_check(_row, reason): check numbers seen in an earlier file, or used inconsistently."""
    reused = sql_str(s.CHECK_REUSED)
    conflict = sql_str(s.CHECK_CONFLICT)
    return f"""CREATE OR REPLACE TEMP TABLE r_check AS
WITH live AS (SELECT * FROM r_ok WHERE _row NOT IN (SELECT _row FROM r_seen)),
earlier AS (SELECT check_number, min(file_name) AS file_name FROM remittance_rows
            WHERE payer = {sql_str(payer)} AND check_number IN (SELECT check_number FROM live) GROUP BY 1),
firsts AS (SELECT check_number, arg_min(performer_id, _row) AS performer_id, arg_min(paid_date, _row) AS paid_date,
                  min(_row) AS first FROM live GROUP BY 1)
SELECT l._row, CASE
    WHEN e.check_number IS NOT NULL
      THEN replace(replace({reused}, '{{check}}', l.check_number), '{{file}}', e.file_name)
    ELSE replace(replace(replace(replace({conflict}, '{{check}}', l.check_number), '{{performer}}', f.performer_id),
                 '{{paid}}', CAST(f.paid_date AS VARCHAR)), '{{first}}', CAST(f.first AS VARCHAR))
  END AS reason
FROM live l LEFT JOIN earlier e USING (check_number) JOIN firsts f USING (check_number)
WHERE e.check_number IS NOT NULL OR l.performer_id <> f.performer_id OR l.paid_date <> f.paid_date"""


def title_sql() -> str:
    """SQL materialising r_title(title_written, performer_id, title_id, method, score) by exact id or name.

    A name several titles share resolves to the one the performer worked on, when exactly one.
    """
    norm = "trim(regexp_replace(lower({x}), '[^0-9a-z]+', ' ', 'g'))"
    return f"""CREATE OR REPLACE TEMP TABLE r_title AS
WITH w AS (SELECT DISTINCT title_written, performer_id FROM r_go),
byid AS (SELECT w.title_written, w.performer_id, t.title_id FROM w JOIN titles t ON t.title_id = w.title_written),
tn AS (SELECT title_id, {norm.format(x='name')} AS n FROM titles),
mine AS (SELECT DISTINCT performer_id, title_id FROM engagements),
byname AS (
  SELECT w.title_written, w.performer_id, tn.title_id, m.title_id IS NOT NULL AS mine
  FROM w JOIN tn ON tn.n = {norm.format(x='w.title_written')}
  LEFT JOIN mine m ON m.performer_id = w.performer_id AND m.title_id = tn.title_id
  WHERE w.title_written NOT IN (SELECT title_written FROM byid)
),
pick AS (
  SELECT title_written, performer_id,
         CASE WHEN count(*) = 1 THEN any_value(title_id)
              WHEN count(*) FILTER (WHERE mine) = 1 THEN any_value(title_id) FILTER (WHERE mine) END AS title_id
  FROM byname GROUP BY ALL
)
SELECT title_written, performer_id, title_id, 'id' AS method, 100.0 AS score FROM byid
UNION ALL
SELECT title_written, performer_id, title_id, 'name', 100.0 FROM pick WHERE title_id IS NOT NULL"""
