"""The 2023 streaming success bonus: the YAML cases, and random programs and seasons around the 20%
threshold where the SQL engine must match the Python reference to the cent (residuals-rules.md §a12)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greenroom.residuals.cases import run_paths
from greenroom.residuals.formulas.bonus import FORMULAS as BONUS_FORMULAS
from greenroom.residuals.situation import situation_inputs
from tests.residuals.engine_check import assert_engine_matches_reference

CASES = Path(__file__).resolve().parents[1] / "cases" / "bonus.yaml"
CATEGORIES = ("day", "weekly", "series", "background")
SUBSCRIBERS = [0, 1, 999_999, 1_000_000, 19_999_999, 20_000_000, 250_000_000]


@st.composite
def situations(draw: st.DrawFn) -> Any:
    """A few programs (films, or episodes of up to two seasons), each with one or two bonus rows whose
    minutes sit on, just under or far from the 20% threshold."""
    titles, engagements, exhibitions = [], [], []
    subs = draw(st.sampled_from(SUBSCRIBERS) | st.integers(0, 300_000_000))
    premiere = draw(st.dates(dt.date(2023, 11, 1), dt.date(2026, 6, 30)))
    for t in range(draw(st.integers(1, 4))):
        length = draw(st.integers(20, 180))
        series = draw(st.sampled_from([None, "S1", "S2"]))
        start = premiere + dt.timedelta(days=draw(st.sampled_from([0, 7, 60]) | st.integers(0, 400)))
        titles.append({
            "title_id": f"T{t}", "kind": "hbsvod", "length_minutes": length,
            "pp_date": draw(st.dates(dt.date(2014, 7, 1), dt.date(2025, 12, 31))), "initial_release_date": start,
            "series_id": "S" if series else None, "season": int(series[1]) if series else None,
            "episode": t + 1 if series else None,
        })
        for i in range(draw(st.integers(0, 3))):
            engagements.append({
                "engagement_id": f"E{t}{i}", "performer_id": f"P{i}", "title_id": f"T{t}",
                "category": draw(st.sampled_from(CATEGORIES)), "days_worked": draw(st.integers(0, 5)),
                "tac_cents": draw(st.integers(0, 1_500_000)),
            })
        at_threshold = length * subs // 5  # exactly 20% of subscribers for this title alone
        for j in range(draw(st.integers(1, 2))):
            minutes = draw(st.sampled_from([at_threshold, max(at_threshold - 1, 0), at_threshold + 1])
                           | st.integers(0, 5_000_000_000) | st.none())
            exhibitions.append({
                "exhibition_id": f"X{t}{j}", "title_id": f"T{t}", "market": "streaming_bonus",
                "start_date": start + dt.timedelta(days=365 * j), "minutes_streamed": minutes,
                "subscribers": draw(st.just(subs) | st.none()) if j else subs,
            })
    return situation_inputs(titles, engagements, exhibitions)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_engine_matches_reference(inputs: Any) -> None:
    """The bulk SQL equals the Python reference to the cent; each bonus splits exactly 75/25."""
    lines = assert_engine_matches_reference(inputs, BONUS_FORMULAS)
    mine = [ln for ln in lines if ln["formula_id"] == "bonus.streaming_success"]
    performer = {(ln["exhibition_id"], ln["engagement_id"]): ln for ln in mine
                 if ln["component"] == "bonus_performer"}
    for ln in mine:
        if ln["component"] == "bonus_fund":
            assert ln["performer_id"] == "SBDF" and ln["ph_cents"] == 0
            other = performer[(ln["exhibition_id"], ln["engagement_id"])]
            assert other["gross_cents"] + ln["gross_cents"] == ln["basis_cents"]


def test_yaml_cases_pass() -> None:
    """Every hand-worked bonus case passes in both the engine and the reference."""
    results = run_paths([CASES])
    assert len(results) >= 5
    failed = [(r.name, r.problems) for r in results if not r.passed]
    assert not failed, failed
