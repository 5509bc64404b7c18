"""Deliberately bad exhibition rows, for showing what the ingest quarantine catches."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.residuals.markets import MARKETS

DEFECTS = ("unknown_title", "missing_required", "negative_gross", "fraction_of_cent")
"""Kinds of bad row; fraction_of_cent only in CSV, where a cents column can hold "12345.5"."""

_NEEDS_GROSS = {"negative_gross", "fraction_of_cent"}


def _replace(column: pa.ChunkedArray | pa.Array, mask: np.ndarray, values: pa.Array) -> pa.Array:
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    return pc.replace_with_mask(arr, pa.array(mask), values.cast(arr.type))


def spoil(rng: np.random.Generator, table: pa.Table, fraction: float, csv: bool,
          first_unknown: int = 0) -> tuple[pa.Table, dict[str, int]]:
    """Turn about `fraction` of the rows into bad ones; returns the table and counts per defect."""
    n = table.num_rows
    k = int(rng.binomial(n, fraction)) if fraction > 0 and n else 0
    if k == 0:
        return table, {}
    pos = np.sort(rng.choice(n, size=k, replace=False))
    kinds = [d for d in DEFECTS if csv or d != "fraction_of_cent"]
    choice = np.array(kinds, dtype=object)[rng.integers(len(kinds), size=k)]
    has_gross = table.column("gross_receipts_cents").is_valid().to_numpy(zero_copy_only=False)[pos]
    # Rows without a gross figure get one of the defects that do not need one.
    lacking = np.array([c in _NEEDS_GROSS for c in choice]) & ~has_gross
    choice[lacking] = np.array(["unknown_title", "missing_required"], dtype=object)[
        rng.integers(2, size=int(lacking.sum()))]
    counts: dict[str, int] = {}
    cols = {name: table.column(name) for name in table.column_names}

    def rows_of(defect: str) -> np.ndarray:
        return pos[choice == defect]

    p = rows_of("unknown_title")
    if len(p):
        mask = np.zeros(n, dtype=bool)
        mask[p] = True
        # Ids far above any generated title number: a studio's typo or a title never reported.
        fake = [f"T{9_000_000 + first_unknown + i}" for i in range(len(p))]
        cols["title_id"] = _replace(cols["title_id"], mask, pa.array(fake))
        counts["unknown_title"] = len(p)
    p = rows_of("missing_required")
    if len(p):
        markets = table.column("market").take(pa.array(p)).to_pylist()
        # Blank the market's own required column when it has one, otherwise the start date.
        targets = [MARKETS[m].requires[0] if m in MARKETS and MARKETS[m].requires else "start_date"
                   for m in markets]
        for name in sorted(set(targets)):
            mask = np.zeros(n, dtype=bool)
            mask[p[np.array(targets) == name]] = True
            arr = cols[name]
            cols[name] = _replace(arr, mask, pa.nulls(int(mask.sum()), type=arr.type))
        counts["missing_required"] = len(p)
    for defect in ("negative_gross", "fraction_of_cent"):
        p = rows_of(defect)
        if not len(p):
            continue
        mask = np.zeros(n, dtype=bool)
        mask[p] = True
        gross = cols["gross_receipts_cents"]
        current = gross.take(pa.array(p)).to_pylist()
        if defect == "negative_gross":
            new = [f"-{v}" if isinstance(v, str) else -int(v) for v in current]
        else:
            new = [f"{v}.5" for v in current]
        cols["gross_receipts_cents"] = _replace(gross, mask, pa.array(new))
        counts[defect] = len(p)
    return pa.table(cols, schema=table.schema), counts
