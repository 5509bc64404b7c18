"""The seeded demo union: titles, engagements and exhibitions in the exchange formats.

Generation streams: programs are made in batches, each batch's titles, engagements and exhibitions
are written at once, and nothing but the performer list outlives a batch, so memory stays bounded
at tens of millions of exhibition rows. The same seed and scale give byte-identical files.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from greenroom.demo.catalogue import (
    OUTLETS,
    Counters,
    EngagementBatch,
    Performers,
    TitleBatch,
    choose_kinds,
    make_batch,
    make_performers,
)
from greenroom.demo.exhibitions import MARKET_NAMES, make_exhibitions
from greenroom.demo.reference import PLATFORMS
from greenroom.demo.scales import Scale, resolve_scale
from greenroom.demo.spoil import spoil
from greenroom.demo.writer import ChunkWriter, FileFormat, arrow_schema, format_ids, lookup, nullable
from greenroom.ingest.schemas import (
    AGREEMENTS,
    ENGAGEMENT_CATEGORIES,
    ENGAGEMENTS,
    EXHIBITIONS,
    GENRES,
    TERRITORIES,
    TITLE_KINDS,
    TITLES,
)

Progress = Callable[[int, int], None]
"""Called as progress(exhibition_rows_written, exhibition_rows_target) after each batch."""

# Programs per batch at most: a batch of this many is a few hundred thousand exhibition rows.
MAX_BATCH_PROGRAMS = 400


@dataclass(frozen=True)
class GeneratedFiles:
    """What generate() wrote: the three files, their row counts and the deliberately bad rows."""

    directory: Path
    format: str
    scale: str
    seed: int
    titles: Path
    engagements: Path
    exhibitions: Path
    rows: dict[str, int]
    performers: int
    bad_rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def paths(self) -> dict[str, Path]:
        """The three files by exchange-format kind."""
        return {"titles": self.titles, "engagements": self.engagements, "exhibitions": self.exhibitions}


def generate(out_dir: Path, scale: str | int, seed: int = 7, *, fmt: FileFormat = "parquet",
             bad_fraction: float = 0.0, progress: Progress | None = None) -> GeneratedFiles:
    """Write titles, engagements and exhibitions of a seeded demo union into out_dir."""
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"unknown format {fmt!r}: use parquet or csv")
    if not 0.0 <= bad_fraction < 1.0:
        raise ValueError("bad_fraction must be in [0, 1)")
    spec = resolve_scale(scale)
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Independent streams, so that e.g. asking for bad rows does not change the good ones.
    perf_seq, cat_seq, bad_seq = np.random.SeedSequence([seed, 0x67726E]).spawn(3)
    performers = make_performers(np.random.default_rng(perf_seq), spec.performers)
    rng = np.random.default_rng(cat_seq)
    bad_rng = np.random.default_rng(bad_seq)
    csv = fmt == "csv"
    ext = "csv" if csv else "parquet"
    paths = {kind: out_dir / f"{kind}.{ext}" for kind in ("titles", "engagements", "exhibitions")}
    # In CSV, cents are text so that a bad row can carry a fraction of a cent as the quarantine sees it.
    writers = {
        "titles": ChunkWriter(paths["titles"], arrow_schema(TITLES), fmt),
        "engagements": ChunkWriter(paths["engagements"], arrow_schema(ENGAGEMENTS), fmt),
        "exhibitions": ChunkWriter(paths["exhibitions"], arrow_schema(
            EXHIBITIONS, as_text=("gross_receipts_cents",) if csv else ()), fmt, quote_text=False),
    }
    bad: dict[str, int] = {}
    try:
        _run(spec, rng, bad_rng, performers, writers, bad, bad_fraction, csv, progress)
    except BaseException:
        for w in writers.values():
            w.abort()
        raise
    for w in writers.values():
        w.close()
    return GeneratedFiles(
        directory=out_dir, format=fmt, scale=spec.name, seed=seed, titles=paths["titles"],
        engagements=paths["engagements"], exhibitions=paths["exhibitions"],
        rows={k: w.rows for k, w in writers.items()}, performers=performers.count, bad_rows=bad,
        seconds=round(time.perf_counter() - started, 3),
    )


@dataclass
class _Ids:
    title_width: int
    engagement_width: int
    exhibition_width: int
    performer_ids: pa.Array
    performer_names: pa.Array


def _run(spec: Scale, rng: np.random.Generator, bad_rng: np.random.Generator, performers: Performers,
         writers: dict[str, ChunkWriter], bad: dict[str, int], bad_fraction: float, csv: bool,
         progress: Progress | None) -> None:
    target = spec.exhibitions
    ids = _Ids(
        title_width=max(6, len(str(target // 20))),
        engagement_width=max(7, len(str(target * 2 // 3))),
        exhibition_width=max(9, len(str(target))),
        performer_ids=pa.array(performers.ids, type=pa.string()),
        performer_names=pa.array(performers.names, type=pa.string()),
    )
    counters = Counters()
    written = 0
    generated_rows = 0
    # A first guess of rows per program; refined from what has been generated so far.
    per_program = 900.0 * spec.density
    empty_batches = 0
    while written < target:
        remaining = target - written
        n_programs = int(min(max(np.ceil(remaining / max(per_program, 1.0)), 1), MAX_BATCH_PROGRAMS))
        if counters.program < len(TITLE_KINDS):
            n_programs = max(n_programs, len(TITLE_KINDS) - counters.program)
        kinds = choose_kinds(rng, n_programs, counters)
        titles, engagements = make_batch(rng, kinds, counters, performers, spec)
        rows = make_exhibitions(rng, titles, spec.density)
        n_rows = len(rows["title"])
        generated_rows += n_rows
        per_program = generated_rows / max(counters.program, 1)
        empty_batches = empty_batches + 1 if n_rows == 0 else 0
        if empty_batches > 1000:
            raise RuntimeError("the generator keeps producing programs without exhibitions")
        keep_titles = titles.n
        if n_rows > remaining:
            rows = _fit(rows, remaining)
            # Titles after the last one with rows are dropped, so none appears without its reuse.
            keep_titles = int(rows["title"].max()) + 1
            n_rows = remaining
        title_ids = format_ids("T", counters.title + 1 + np.arange(keep_titles), ids.title_width)
        writers["titles"].write(_titles_table(titles, keep_titles, title_ids))
        writers["engagements"].write(_engagements_table(engagements, keep_titles, title_ids, counters, ids))
        table = _exhibitions_table(rows, title_ids, written, ids.exhibition_width, csv)
        if bad_fraction > 0:
            table, counts = spoil(bad_rng, table, bad_fraction, csv, first_unknown=sum(bad.values()))
            for kind, n in counts.items():
                bad[kind] = bad.get(kind, 0) + n
        writers["exhibitions"].write(table)
        counters.title += keep_titles
        written += n_rows
        if progress is not None:
            progress(written, target)


def _fit(rows: dict[str, np.ndarray], quota: int) -> dict[str, np.ndarray]:
    """Keep exactly quota rows: each title's earliest rows, the same number per title where possible.

    Cutting evenly (rather than dropping whole titles) keeps every kind of picture of the last batch,
    which matters for small unions whose only batch is cut.
    """
    title = rows["title"]
    counts = np.bincount(title)
    lo, hi = 0, int(counts.max())
    while lo < hi:  # largest m with sum(min(counts, m)) <= quota
        mid = (lo + hi + 1) // 2
        if int(np.minimum(counts, mid).sum()) <= quota:
            lo = mid
        else:
            hi = mid - 1
    allowed = np.minimum(counts, lo)
    extra = quota - int(allowed.sum())
    longer = np.flatnonzero(counts > lo)[:extra]
    allowed[longer] += 1
    starts = np.cumsum(counts) - counts
    position = np.arange(len(title)) - starts[title]
    keep = position < allowed[title]
    return {k: v[keep] for k, v in rows.items()}


def _titles_table(t: TitleBatch, keep: int, title_ids: pa.Array) -> pa.Table:
    s = slice(0, keep)
    hbsvod = t.platform[s] >= 0
    return pa.table({
        "title_id": title_ids,
        "name": pa.array(t.names[:keep], type=pa.string()),
        "agreement": pa.array([AGREEMENTS[0]] * keep, type=pa.string()),
        "kind": lookup(TITLE_KINDS, t.kind[s]),
        "length_minutes": pa.array(t.length[s], type=pa.int64()),
        "pp_date": nullable(t.pp[s], pa.date32()),
        "initial_release_date": nullable(t.release[s], pa.date32()),
        "genre": lookup(GENRES, t.genre[s]),
        "series_id": pa.array([f"S{n:05d}" if n >= 0 else None for n in t.series_no[s].tolist()],
                              type=pa.string()),
        "season": nullable(t.season[s], pa.int64()),
        "episode": nullable(t.episode[s], pa.int64()),
        "platform": lookup(tuple(p.name for p in PLATFORMS), np.where(hbsvod, t.platform[s], -1)),
        "budget_cents": pa.array(t.budget[s], type=pa.int64()),
    })


def _engagements_table(e: EngagementBatch, keep_titles: int, title_ids: pa.Array, counters: Counters,
                       ids: _Ids) -> pa.Table:
    m = e.title < keep_titles
    n = int(m.sum())
    numbers = counters.engagement + 1 + np.arange(n)
    counters.engagement += n
    performer = pa.array(e.performer[m], type=pa.int64())
    return pa.table({
        "engagement_id": format_ids("E", numbers, ids.engagement_width),
        "performer_id": ids.performer_ids.take(performer),
        "title_id": title_ids.take(pa.array(e.title[m], type=pa.int64())),
        "category": lookup(ENGAGEMENT_CATEGORIES, e.category[m]),
        "days_worked": pa.array(e.days[m], type=pa.int64()),
        "weeks_worked": pa.array(e.weeks[m], type=pa.int64()),
        "tac_cents": pa.array(e.tac[m], type=pa.int64()),
        "performer_name": ids.performer_names.take(performer),
    })


def _exhibitions_table(r: dict[str, np.ndarray], title_ids: pa.Array, written: int, width: int,
                       csv: bool) -> pa.Table:
    n = len(r["title"])
    gross = nullable(r["gross"], pa.int64())
    return pa.table({
        "exhibition_id": format_ids("X", written + 1 + np.arange(n), width),
        "title_id": title_ids.take(pa.array(r["title"], type=pa.int64())),
        "market": lookup(MARKET_NAMES, r["market"]),
        "start_date": nullable(r["start"], pa.date32()),
        "end_date": nullable(r["end"], pa.date32()),
        "run_number": nullable(r["run"], pa.int64()),
        "territory": lookup(TERRITORIES, r["territory"]),
        "gross_receipts_cents": gross.cast(pa.string()) if csv else gross,
        "units_sold": nullable(r["units"], pa.int64()),
        "minutes_streamed": nullable(r["minutes"], pa.int64()),
        "subscribers": nullable(r["subscribers"], pa.int64()),
        "exhibition_days": nullable(r["exh_days"], pa.int64()),
        "coverage_pct": nullable(r["coverage"], pa.int64()),
        "platform": lookup(OUTLETS, r["platform"]),
    })
