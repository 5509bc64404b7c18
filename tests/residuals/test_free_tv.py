"""Free-TV reruns (2014 TV Agreement §18(b)): the engine matches the reference on random situations,
the hand-worked cases pass, and due dates, notes and citations come out as the agreement says."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greenroom.contracts.params import load_pack
from greenroom.ingest.schemas import ENGAGEMENT_CATEGORIES, GENRES
from greenroom.residuals.cases import run_paths
from greenroom.residuals.engine import compute
from greenroom.residuals.formulas import free_tv
from greenroom.residuals.formulas._free_tv_util import TV_KINDS, add_months
from greenroom.residuals.situation import load_situation, situation_inputs
from tests.residuals.engine_check import assert_engine_matches_reference

CASES = Path(__file__).resolve().parents[1] / "cases" / "free_tv.yaml"
RUN_MARKETS = ("network_prime", "network_nonprime", "syndication")
GROSS_MARKETS = ("canada_syndication", "non_english_us")
FREE_TV_FORMULAS = {f.id for f in free_tv.FORMULAS}
# Band edges of the ceiling table and of Sideletters B and B-2, plus ordinary lengths.
LENGTHS = (22, 30, 35, 36, 44, 60, 65, 66, 90, 95, 96, 120, 125, 126, 180)
# Gross values around the Sideletter B floor ($325,000) and cap ($975,000).
GROSSES = (0, 1, 32_499_999, 32_500_000, 32_500_001, 65_000_000, 97_499_999, 97_500_000, 97_500_001)


def _day(lo: dt.date, hi: dt.date) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=lo, max_value=hi)


@st.composite
def situations(draw: st.DrawFn, max_titles: int, b2: bool = False) -> Any:
    """Random titles, casts and free-TV exhibitions, including pre-2014 pictures and band edges."""
    titles, engagements, exhibitions = [], [], []
    for t in range(draw(st.integers(1, max_titles))):
        tid = f"T{t}"
        pp = draw(_day(dt.date(2013, 6, 1), dt.date(2026, 12, 31)))
        release = pp + dt.timedelta(days=draw(st.integers(0, 200)))
        kind = "network_series" if b2 else draw(st.sampled_from(TV_KINDS))
        titles.append({
            "title_id": tid, "kind": kind, "pp_date": pp, "initial_release_date": release,
            "length_minutes": draw(st.sampled_from((30, 35, 36) if b2 else LENGTHS)),
            "genre": draw(st.none() | st.sampled_from(GENRES)),
            "season": draw(st.sampled_from((None, 1, 1, 2))), "episode": draw(st.sampled_from((None, 0, 1, 3, 4))),
        })
        for n in range(draw(st.integers(0, 4))):
            engagements.append({
                "engagement_id": f"E{t}{n}", "performer_id": f"P{n}", "title_id": tid,
                "category": draw(st.sampled_from(ENGAGEMENT_CATEGORIES)),
                "days_worked": draw(st.integers(0, 5)), "weeks_worked": draw(st.integers(0, 3)),
                "tac_cents": draw(st.integers(0, 2_000_000) | st.sampled_from((247_700, 257_800, 366_800))),
            })
        for n in range(draw(st.integers(0, 8))):
            market = "syndication" if b2 else draw(st.sampled_from(RUN_MARKETS + GROSS_MARKETS))
            row: dict[str, Any] = {
                "exhibition_id": f"X{t}{n}", "title_id": tid, "market": market,
                "start_date": release + dt.timedelta(days=draw(st.integers(0, 4000))),
                "run_number": draw(st.integers(1, 15)) if market in RUN_MARKETS else None,
                "coverage_pct": draw(st.none() | st.sampled_from((0, 33, 34, 50, 51, 100)) | st.integers(0, 100)),
                "gross_receipts_cents": draw(st.none() | st.sampled_from(GROSSES) | st.integers(0, 200_000_000)),
            }
            if market in GROSS_MARKETS and row["gross_receipts_cents"] is None:
                row["gross_receipts_cents"] = draw(st.integers(0, 50_000_000))
            exhibitions.append(row)
    return situation_inputs(titles, engagements, exhibitions)


def _check_pools(lines: list[dict]) -> None:
    """Every pooled exhibition's shares add up to its pool exactly."""
    shares: dict[tuple[str, str], int] = defaultdict(int)
    pools: dict[tuple[str, str], int] = {}
    for ln in lines:
        if ln["pool_cents"] is not None:
            key = (ln["formula_id"], ln["exhibition_id"])
            shares[key] += int(ln["gross_cents"])
            pools[key] = int(ln["pool_cents"])
    assert shares == pools


# Each example runs the whole engine (about a second), so examples are few but carry several titles each.
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations(max_titles=6))
def test_engine_matches_reference_on_random_free_tv_situations(inputs: Any) -> None:
    _check_pools(assert_engine_matches_reference(inputs, free_tv.FORMULAS))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations(max_titles=4, b2=True))
def test_engine_matches_reference_on_partial_market_and_launch_histories(inputs: Any) -> None:
    lines = assert_engine_matches_reference(inputs, free_tv.FORMULAS)
    # A partial-market run never pays more than 20% of TAM, and is never a 2nd-run 40%.
    for ln in lines:
        if ln["component"] == "partial_market":
            assert ln["rate_ppm"] == 200_000


def test_hand_worked_cases_pass() -> None:
    results = run_paths([CASES])
    assert len(results) >= 14
    failed = [f"{r.name}: {r.problems}" for r in results if not r.passed]
    assert not failed, "\n".join(failed)


def _lines(titles: list[dict], engagements: list[dict], exhibitions: list[dict]) -> list[dict]:
    con = load_situation(situation_inputs(titles, engagements, exhibitions))
    compute(con, packs=[load_pack()])
    cur = con.execute("SELECT * FROM residual_lines ORDER BY exhibition_id, engagement_id")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


TITLE = {"title_id": "T1", "kind": "network_series", "length_minutes": 30, "pp_date": "2016-08-01",
         "initial_release_date": "2016-10-01", "season": 1, "episode": 1}
CAST = [{"engagement_id": "E1", "performer_id": "P1", "title_id": "T1", "category": "series",
         "weeks_worked": 1, "tac_cents": 900000}]


def test_due_dates_follow_section_18_b_5() -> None:
    exhibitions = [
        {"exhibition_id": "X1", "title_id": "T1", "market": "network_prime", "run_number": 3,
         "start_date": "2017-01-31"},
        {"exhibition_id": "X2", "title_id": "T1", "market": "syndication", "run_number": 4,
         "start_date": "2017-10-31"},
        {"exhibition_id": "X3", "title_id": "T1", "market": "canada_syndication", "start_date": "2017-11-30",
         "gross_receipts_cents": 100000},
    ]
    due = {ln["exhibition_id"]: ln["due_date"] for ln in _lines([TITLE], CAST, exhibitions)}
    assert due["X1"] == dt.date(2017, 3, 2)  # network: 30 days after the telecast
    assert due["X2"] == dt.date(2018, 2, 28)  # others: four months, clamped to the month's end
    assert due["X3"] == dt.date(2018, 3, 30)


def test_lines_explain_themselves_with_notes_and_citations() -> None:
    exhibitions = [
        {"exhibition_id": "X1", "title_id": "T1", "market": "network_prime", "run_number": 2,
         "start_date": "2016-11-01"},
        {"exhibition_id": "X2", "title_id": "T1", "market": "network_prime", "run_number": 3,
         "start_date": "2017-05-01"},
    ]
    by_x = {ln["exhibition_id"]: ln for ln in _lines([TITLE], CAST, exhibitions)}
    assert by_x["X1"]["amount_cents"] == 0 and "promotional launch" in by_x["X1"]["note"]
    assert by_x["X2"]["amount_cents"] == 257800 and by_x["X2"]["note"] == "capped at ceiling"
    assert "reruns.prime_ceiling@2016-07-01#30" in by_x["X2"]["params"]
    assert "ph.residuals_rate@2014-07-01" in by_x["X2"]["params"]
    assert {ln["formula_id"] for ln in by_x.values()} <= FREE_TV_FORMULAS


_DUCK = duckdb.connect()


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(2014, 1, 1), max_value=dt.date(2030, 12, 31)), st.integers(0, 14))
def test_add_months_matches_duckdb(day: dt.date, months: int) -> None:
    got = _DUCK.execute(f"SELECT CAST(DATE '{day.isoformat()}' + to_months({months}) AS DATE)").fetchone()
    assert got is not None and got[0] == add_months(day, months)
