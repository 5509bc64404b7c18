"""HBSVOD residuals: the YAML cases, and random situations where the SQL engine must match the
Python reference to the cent (residuals-rules.md §a11)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greenroom.residuals.cases import run_paths
from greenroom.residuals.formulas._hbsvod_util import exhibition_year
from greenroom.residuals.formulas.hbsvod import FORMULAS as HBSVOD_FORMULAS
from greenroom.residuals.situation import situation_inputs
from tests.residuals.engine_check import assert_engine_matches_reference

CASES = Path(__file__).resolve().parents[1] / "cases" / "hbsvod.yaml"
MARKETS = ("hbsvod_domestic", "hbsvod_foreign", "hbsvod_other", "nm_avod")
CATEGORIES = ("day", "three_day", "weekly", "series", "background")
ERA_DATES = [dt.date(2017, 6, 30), dt.date(2017, 7, 1), dt.date(2020, 6, 30), dt.date(2020, 7, 1),
             dt.date(2021, 7, 1), dt.date(2015, 2, 28)]
SUBSCRIBERS = [0, 999_999, 1_000_000, 4_999_999, 5_000_000, 14_999_999, 15_000_000, 19_999_999, 20_000_000,
               45_000_000]
# Days after the initial exhibition that sit on the rule's boundaries (day 90/91, anniversaries).
OFFSETS = [-1, 0, 89, 90, 91, 364, 365, 454, 455, 456, 820, 4470, 5000]
LENGTHS = [20, 30, 35, 36, 55, 65, 66, 95, 96, 125, 126, 200]
TACS = [0, 1, 257_800, 297_920, 297_921, 366_800, 394_310, 423_883]


@st.composite
def situations(draw: st.DrawFn) -> Any:
    """One to three HBSVOD titles with a small cast and a handful of rows in the HBSVOD markets."""
    titles, engagements, exhibitions = [], [], []
    for t in range(draw(st.integers(1, 3))):
        pp = draw(st.sampled_from(ERA_DATES) | st.dates(dt.date(2014, 7, 1), dt.date(2026, 12, 31)))
        release = pp + dt.timedelta(days=draw(st.integers(0, 500)))
        series = draw(st.booleans())
        titles.append({
            "title_id": f"T{t}", "kind": "hbsvod", "pp_date": pp, "initial_release_date": release,
            "length_minutes": draw(st.sampled_from(LENGTHS) | st.integers(20, 240)),
            "series_id": "S" if series else None,
            "season": draw(st.integers(1, 2)) if series else None,
            "episode": draw(st.integers(1, 5)) if series else None,
        })
        for i in range(draw(st.integers(0, 4))):
            engagements.append({
                "engagement_id": f"E{t}{i}", "performer_id": f"P{i}", "title_id": f"T{t}",
                "category": draw(st.sampled_from(CATEGORIES)),
                "days_worked": draw(st.integers(0, 10)), "weeks_worked": draw(st.integers(0, 4)),
                "tac_cents": draw(st.sampled_from(TACS) | st.integers(0, 1_500_000)),
            })
        for j in range(draw(st.integers(1, 5))):
            start = release + dt.timedelta(days=draw(st.sampled_from(OFFSETS) | st.integers(-30, 6000)))
            exhibitions.append({
                "exhibition_id": f"X{t}{j}", "title_id": f"T{t}", "market": draw(st.sampled_from(MARKETS)),
                "start_date": start, "end_date": start + dt.timedelta(days=draw(st.integers(0, 120))),
                "subscribers": draw(st.none() | st.sampled_from(SUBSCRIBERS) | st.integers(0, 90_000_000)),
                "gross_receipts_cents": draw(st.none() | st.integers(0, 50_000_000)),
            })
    return situation_inputs(titles, engagements, exhibitions)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_engine_matches_reference(inputs: Any) -> None:
    """The bulk SQL equals the Python reference to the cent, and every pool is split exactly."""
    lines = assert_engine_matches_reference(inputs, HBSVOD_FORMULAS)
    pools: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ln in lines:
        if ln["formula_id"] in ("hbsvod.other", "hbsvod.avod"):
            pools[ln["exhibition_id"]].append(ln)
    for rows in pools.values():
        assert sum(r["gross_cents"] for r in rows) == rows[0]["pool_cents"]


def test_exhibition_year_boundaries() -> None:
    """Day 90 is before Year 1, day 91 starts it, and a 29 February start turns over on 1 March."""
    release = dt.date(2021, 3, 1)
    assert exhibition_year(dt.date(2021, 5, 29), release, 90) == 0
    assert exhibition_year(dt.date(2021, 5, 30), release, 90) == 1
    assert exhibition_year(dt.date(2022, 5, 29), release, 90) == 1
    assert exhibition_year(dt.date(2022, 5, 30), release, 90) == 2
    assert exhibition_year(dt.date(2021, 3, 1), release, 0) == 1
    leap = dt.date(2023, 12, 1)  # + 90 days = 2024-02-29
    assert exhibition_year(dt.date(2025, 2, 28), leap, 90) == 1
    assert exhibition_year(dt.date(2025, 3, 1), leap, 90) == 2


def test_yaml_cases_pass() -> None:
    """Every hand-worked HBSVOD case passes in both the engine and the reference."""
    results = run_paths([CASES])
    assert len(results) >= 8
    failed = [(r.name, r.problems) for r in results if not r.passed]
    assert not failed, failed
