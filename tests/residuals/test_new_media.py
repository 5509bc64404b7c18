"""Property: the SQL new-media formulas (Sideletters H and I) equal their reference to the cent, and
every §18.2 pool is shared out exactly."""

import datetime as dt
from collections import defaultdict
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from greenroom.residuals.cases import run_paths
from greenroom.residuals.formulas import new_media
from greenroom.residuals.situation import situation_inputs
from tests.residuals.engine_check import assert_engine_matches_reference

CASES = Path(__file__).resolve().parents[1] / "cases" / "new_media.yaml"
KINDS = ["network_series", "network_nonprime", "syndicated_series", "tv_movie", "made_for_pay",
         "theatrical_feature", "new_media_derivative", "new_media_original"]
CATEGORIES = ["day", "three_day", "weekly", "series", "background"]
MARKETS = ["nm_rental", "nm_est", "nm_est", "nm_avod", "nm_avod", "nm_consumer_pay"]
POOLED = {"rental", "avod", "est_first_units", "est_beyond_units", "after_first_year", "consumer_pay"}


@st.composite
def new_media_situation(draw):
    titles, cast, shows = [], [], []
    for t in range(draw(st.integers(1, 2))):
        pp = draw(st.dates(dt.date(2014, 3, 1), dt.date(2026, 6, 30)))
        release = pp + dt.timedelta(days=draw(st.integers(60, 400)))
        length = draw(st.sampled_from([5, 10, 11, 30, 60, 120]))
        # budgets around the $25,000-a-minute line for original new media
        budget = draw(st.one_of(st.none(), st.integers(2_400_000, 2_600_000).map(lambda b, n=length: b * n)))
        title_id = f"T{t}"
        titles.append({"title_id": title_id, "kind": draw(st.sampled_from(KINDS)), "pp_date": pp,
                       "initial_release_date": release, "length_minutes": length, "budget_cents": budget,
                       "genre": draw(st.sampled_from(["drama", "children", None]))})
        for i in range(draw(st.integers(1, 5))):
            cast.append({"engagement_id": f"E{t}{i}", "performer_id": f"P{t}{i}", "title_id": title_id,
                         "category": draw(st.sampled_from(CATEGORIES)), "days_worked": draw(st.integers(0, 20)),
                         "weeks_worked": draw(st.integers(0, 12)), "tac_cents": draw(st.integers(0, 5_000_000))})
        for i in range(draw(st.integers(1, 6))):
            start = release + dt.timedelta(days=draw(st.integers(-20, 700)))
            shows.append({
                "exhibition_id": f"X{t}{i}", "title_id": title_id, "market": draw(st.sampled_from(MARKETS)),
                "start_date": start,
                "end_date": draw(st.one_of(st.none(), st.integers(0, 300).map(lambda d, s=start: s + dt.timedelta(d)))),
                "units_sold": draw(st.integers(0, 150_000)),
                "gross_receipts_cents": None if draw(st.integers(0, 9)) == 0 else draw(st.integers(0, 5_000_000)),
            })
    return situation_inputs(titles, cast, shows)


@settings(max_examples=40, deadline=None)
@given(new_media_situation())
def test_engine_matches_reference(inputs):
    lines = assert_engine_matches_reference(inputs, new_media.FORMULAS)
    pools: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for line in lines:
        assert line["amount_cents"] >= 0 and line["ph_cents"] >= 0
        if line["formula_id"].startswith("new_media.") and line["component"] in POOLED:
            pools[(line["formula_id"], line["exhibition_id"], line["component"])].append(line)
    for shares in pools.values():
        assert sum(s["gross_cents"] for s in shares) == shares[0]["pool_cents"]


def test_new_media_cases_pass():
    results = run_paths([CASES])
    assert len(results) >= 8
    failed = [f"{r.name}: {r.problems}" for r in results if not r.passed]
    assert not failed, "\n".join(failed)
