"""The seeded demo union: deterministic, to scale, and valid against the exchange formats."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from greenroom.demo.exhibitions import BONUS_RATIO_MEDIAN, BONUS_RATIO_SIGMA, _norm_ppf
from greenroom.demo.generate import GeneratedFiles, generate
from greenroom.demo.reference import scale_cents
from greenroom.demo.scales import NAMED_SCALES, resolve_scale
from greenroom.ingest.schemas import TITLE_KINDS
from greenroom.residuals.markets import MARKETS

from .checks import AS_OF, SCHEMAS, market_problems, schema_problems

# A union big enough to reach every market, still well under a second.
WIDE = 50_000


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> GeneratedFiles:
    return generate(tmp_path_factory.mktemp("tiny"), "tiny", seed=7)


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> GeneratedFiles:
    return generate(tmp_path_factory.mktemp("wide"), WIDE, seed=11)


def tables(files: GeneratedFiles) -> dict[str, pa.Table]:
    return {kind: pq.read_table(path) for kind, path in files.paths.items()}


def test_same_seed_gives_identical_files(tiny: GeneratedFiles, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", "tiny", seed=7)
    for kind, path in tiny.paths.items():
        assert path.read_bytes() == again.paths[kind].read_bytes(), kind
    other = generate(tmp_path / "other", "tiny", seed=8)
    assert other.exhibitions.read_bytes() != tiny.exhibitions.read_bytes()


def test_tiny_scale_row_counts(tiny: GeneratedFiles) -> None:
    t = tables(tiny)
    assert tiny.rows == {kind: table.num_rows for kind, table in t.items()}
    assert tiny.rows["exhibitions"] == NAMED_SCALES["tiny"].exhibitions
    assert 12 <= tiny.rows["titles"] <= 45
    assert tiny.performers == 100
    assert set(t["titles"].column("kind").to_pylist()) == set(TITLE_KINDS)
    assert tiny.seconds < 2.0


@pytest.mark.parametrize("target", [1, 777, 5_000])
def test_integer_scale_is_exact(target: int, tmp_path: Path) -> None:
    files = generate(tmp_path, target, seed=3)
    assert files.rows["exhibitions"] == target
    assert pq.read_metadata(files.exhibitions).num_rows == target
    ids = pq.read_table(files.exhibitions, columns=["exhibition_id"]).column(0).to_pylist()
    assert ids[0] == "X000000001" and ids[-1] == f"X{target:09d}"


def test_scales_resolve() -> None:
    assert resolve_scale("small").performers == 3_000
    assert resolve_scale("medium").exhibitions == 1_000_000
    assert resolve_scale("large").exhibitions == 10_000_000
    assert resolve_scale("12345").exhibitions == 12_345
    assert resolve_scale(50_000_000).performers <= 160_000
    with pytest.raises(ValueError):
        resolve_scale("enormous")
    with pytest.raises(ValueError):
        resolve_scale(0)


@pytest.mark.parametrize("which", ["tiny", "wide"])
def test_files_satisfy_schemas_and_markets(which: str, request: pytest.FixtureRequest) -> None:
    t = tables(request.getfixturevalue(which))
    for kind, table in t.items():
        assert schema_problems(table, SCHEMAS[kind]) == [], kind
    assert market_problems(t["exhibitions"]) == []


def test_every_market_appears_in_a_wide_union(wide: GeneratedFiles) -> None:
    markets = set(pq.read_table(wide.exhibitions, columns=["market"]).column(0).to_pylist())
    # Canada-only syndication and theatrical releases of TV movies are rare by design.
    assert set(MARKETS) - markets <= {"canada_syndication", "theatrical", "hbsvod_other"}
    assert len(markets) >= 18


@pytest.mark.parametrize("which", ["tiny", "wide"])
def test_referential_integrity(which: str, request: pytest.FixtureRequest) -> None:
    t = tables(request.getfixturevalue(which))
    titles = set(t["titles"].column("title_id").to_pylist())
    eng = t["engagements"]
    assert set(eng.column("title_id").to_pylist()) <= titles
    assert set(t["exhibitions"].column("title_id").to_pylist()) <= titles
    principal = eng.filter(pc.not_equal(eng.column("category"), "background"))
    with_principal = set(principal.column("title_id").to_pylist())
    assert set(t["exhibitions"].column("title_id").to_pylist()) <= with_principal
    # A performer is engaged at most once per title.
    pairs = list(zip(eng.column("title_id").to_pylist(), eng.column("performer_id").to_pylist(), strict=True))
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize("which", ["tiny", "wide"])
def test_money_is_integer_cents_and_dates_are_plausible(which: str, request: pytest.FixtureRequest) -> None:
    t = tables(request.getfixturevalue(which))
    for kind, table in t.items():
        for col in SCHEMAS[kind].columns:
            if col.type == "cents":
                assert table.schema.field(col.name).type == pa.int64(), (kind, col.name)
            if col.type == "date":
                latest = pc.max(table.column(col.name)).as_py()
                assert latest is None or latest <= AS_OF, (kind, col.name, latest)
    titles = t["titles"].to_pandas()
    assert (titles.pp_date >= date(2014, 7, 1)).all()
    assert (titles.initial_release_date >= titles.pp_date).all()
    ex = t["exhibitions"].to_pandas().merge(titles[["title_id", "initial_release_date"]], on="title_id")
    assert (ex.start_date >= ex.initial_release_date).all()
    ends = ex.dropna(subset=["end_date"])
    assert (ends.end_date >= ends.start_date).all()


def test_engagements_are_consistent_and_at_scale(wide: GeneratedFiles) -> None:
    t = tables(wide)
    eng = t["engagements"].to_pandas().merge(t["titles"].to_pandas()[["title_id", "pp_date"]], on="title_id")
    pp = (eng.pp_date.astype("datetime64[s]").astype("int64") // 86_400).to_numpy()
    day, week = scale_cents(pp)
    cat = eng.category.to_numpy()
    days, weeks, tac = eng.days_worked.to_numpy(), eng.weeks_worked.to_numpy(), eng.tac_cents.to_numpy()
    for name in ("day", "three_day", "background", "announcer"):
        assert (weeks[cat == name] == 0).all() and (days[cat == name] >= 1).all(), name
    for name in ("weekly", "series"):
        m = cat == name
        assert (weeks[m] >= 1).all() and (days[m] == 0).all(), name
    assert (days[cat == "three_day"] == 3).all()
    m = cat == "day"
    assert (tac[m] >= days[m] * day[m]).all()
    m = np.isin(cat, ["weekly", "series"])
    assert (tac[m] >= weeks[m] * week[m]).all()
    assert (day >= 103_000).all() and (day <= 128_300).all()
    # Some principals are paid over scale, most at scale.
    m = cat == "day"
    over = (tac[m] > days[m] * day[m]).mean()
    assert 0.1 < over < 0.5
    assert set(cat) >= {"series", "weekly", "day", "three_day", "background", "announcer"}
    # Performers recur across many titles, a few far more than most (a long-tailed career).
    principals = eng[eng.category != "background"]
    per_performer = principals.groupby("performer_id").title_id.nunique()
    assert per_performer.max() >= 8 * per_performer.median()
    assert per_performer.max() <= 0.2 * eng.title_id.nunique()


def test_hbsvod_titles_and_bonus_rows(wide: GeneratedFiles) -> None:
    t = tables(wide)
    titles = t["titles"].to_pandas()
    hb = titles[titles.kind == "hbsvod"]
    assert hb.platform.notna().all() and titles[titles.kind != "hbsvod"].platform.isna().all()
    assert (hb.budget_cents >= 130_000_000).all()
    ex = t["exhibitions"].to_pandas()
    dom = ex[ex.market == "hbsvod_domestic"]
    assert dom.subscribers.min() >= 1_000_000
    bonus = ex[ex.market == "streaming_bonus"].merge(titles, on="title_id")
    assert (bonus.start_date >= date(2024, 1, 1)).all()
    assert all((e - s).days == 89 for s, e in zip(bonus.start_date, bonus.end_date, strict=True))


def test_bonus_ratio_reaches_twenty_percent_for_a_minority() -> None:
    u = (np.arange(200_000) + 0.5) / 200_000
    ratio = BONUS_RATIO_MEDIAN * np.exp(BONUS_RATIO_SIGMA * _norm_ppf(u))
    assert 0.10 <= (ratio >= 0.20).mean() <= 0.20


def test_syndication_runs_increase_and_partial_markets_come_first(wide: GeneratedFiles) -> None:
    ex = pq.read_table(wide.exhibitions).to_pandas()
    runs = ex[ex.market.isin(["network_prime", "network_nonprime", "syndication"])]
    runs = runs.sort_values(["title_id", "start_date", "run_number"])
    steps = runs.groupby("title_id").run_number.diff().dropna()
    assert len(steps) and (steps > 0).all()
    synd = runs[(runs.market == "syndication") & runs.coverage_pct.notna()].copy()
    assert len(synd) and (synd.coverage_pct <= 50).any() and (synd.coverage_pct > 50).any()
    # Partial-market runs (Sideletter B-2) only until the series reaches more than half the households.
    synd["full"] = (synd.coverage_pct > 50).astype(int)
    reached = synd.groupby("title_id").full.cummax().astype(bool)
    assert not ((synd.coverage_pct <= 50) & reached).any()


def test_csv_format_and_bad_rows(tmp_path: Path) -> None:
    files = generate(tmp_path, 20_000, seed=5, fmt="csv", bad_fraction=0.01)
    assert files.exhibitions.suffix == ".csv"
    with files.exhibitions.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 20_000 == files.rows["exhibitions"]
    assert set(files.bad_rows) == {"unknown_title", "missing_required", "negative_gross", "fraction_of_cent"}
    gross = [r["gross_receipts_cents"] for r in rows]
    assert sum("." in g for g in gross) == files.bad_rows["fraction_of_cent"]
    assert sum(g.startswith("-") for g in gross) == files.bad_rows["negative_gross"]
    titles = {r["title_id"] for r in csv.DictReader(files.titles.open(newline=""))}
    assert sum(r["title_id"] not in titles for r in rows) == files.bad_rows["unknown_title"]
    assert 100 <= sum(files.bad_rows.values()) <= 300


def _count_bad(t: dict[str, pa.Table]) -> dict[str, int]:
    ex = t["exhibitions"]
    titles = set(t["titles"].column("title_id").to_pylist())
    unknown = sum(x not in titles for x in ex.column("title_id").to_pylist())
    negative = pc.sum(pc.less(ex.column("gross_receipts_cents"), 0)).as_py() or 0
    missing = ex.column("start_date").null_count
    for name, market in MARKETS.items():
        rows = ex.filter(pc.equal(ex.column("market"), name))
        missing += sum(rows.column(c).null_count for c in market.requires)
    return {"unknown_title": unknown, "negative_gross": negative, "missing_required": missing}


def test_parquet_bad_rows_are_reported_and_leave_good_rows_alone(tmp_path: Path) -> None:
    good = generate(tmp_path / "good", 8_000, seed=5)
    bad = generate(tmp_path / "bad", 8_000, seed=5, bad_fraction=0.02)
    tb, tg = tables(bad), tables(good)
    assert _count_bad(tb) == {k: bad.bad_rows.get(k, 0) for k in ("unknown_title", "negative_gross",
                                                                    "missing_required")}
    assert tb["titles"].equals(tg["titles"]) and tb["engagements"].equals(tg["engagements"])
    a, b = tb["exhibitions"].to_pandas(), tg["exhibitions"].to_pandas()
    differing = (a.ne(b) & ~(a.isna() & b.isna())).any(axis=1).sum()
    assert differing == sum(bad.bad_rows.values()) > 0


def test_progress_is_reported(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    record: Callable[[int, int], None] = lambda done, total: seen.append((done, total))  # noqa: E731
    generate(tmp_path, 3_000, progress=record)
    assert seen[-1] == (3_000, 3_000)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, "tiny", fmt="xlsx")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        generate(tmp_path, "tiny", bad_fraction=1.5)
