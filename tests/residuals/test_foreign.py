"""Foreign telecasts (§18(c)): the SQL formulas equal their references on random situations, pools
add up, due dates follow the timing clause, and the hand-worked cases pass."""

import datetime as dt
from collections import defaultdict
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from greenroom.contracts.params import load_pack
from greenroom.residuals.cases import run_paths
from greenroom.residuals.formulas._foreign_util import half_year_end
from greenroom.residuals.formulas.foreign import FORMULAS as FOREIGN_FORMULAS
from greenroom.residuals.formulas.foreign import FREE_TV_KINDS, aggregate_threshold
from greenroom.residuals.situation import situation_inputs
from tests.residuals.engine_check import assert_engine_matches_reference

CASES = Path(__file__).resolve().parents[1] / "cases" / "foreign.yaml"
CATEGORIES = ["day", "three_day", "weekly", "series", "announcer", "background"]
# Lengths at and around every class edge, plus anything.
LENGTHS = st.one_of(st.sampled_from([30, 31, 60, 61, 90, 120, 121, 180, 181, 300, 301, 360, 361, 421]),
                    st.integers(1, 600))
# Gross per row: small amounts near the step thresholds, and large ones past the aggregate bands.
GROSS = st.one_of(st.integers(0, 3_000_000), st.sampled_from([700_000, 1_000_000, 1_300_000, 1_800_000, 2_400_000]),
                  st.integers(0, 800_000_000))


@st.composite
def foreign_situation(draw):
    titles, cast, shows = [], [], []
    # Several titles per example: each example runs every registered formula (about 2 s), so the
    # variety goes into the situation rather than into the number of examples.
    for t in range(draw(st.integers(1, 4))):
        tid = f"T{t}"
        pp = draw(st.dates(dt.date(2014, 7, 1), dt.date(2026, 6, 30)))
        titles.append({"title_id": tid, "kind": draw(st.sampled_from(FREE_TV_KINDS)), "length_minutes": draw(LENGTHS),
                       "pp_date": pp, "initial_release_date": pp + dt.timedelta(days=120)})
        for i in range(draw(st.integers(1, 5))):
            cast.append({"engagement_id": f"E{t}{i}", "performer_id": f"P{i}", "title_id": tid,
                         "category": draw(st.sampled_from(CATEGORIES)), "days_worked": draw(st.integers(0, 15)),
                         "weeks_worked": draw(st.integers(0, 10)), "tac_cents": draw(st.integers(0, 4_000_000))})
        for i in range(draw(st.integers(1, 6))):
            # Few distinct dates, so same-day rows exercise the exhibition_id tie-break.
            start = pp + dt.timedelta(days=200 + 90 * draw(st.integers(0, 8)))
            shows.append({"exhibition_id": f"X{t}{draw(st.integers(0, 99)):02d}{i}", "title_id": tid,
                          "market": "foreign_tv", "start_date": start, "gross_receipts_cents": draw(GROSS)})
    return situation_inputs(titles, cast, shows)


@settings(max_examples=20, deadline=None)
@given(foreign_situation())
def test_engine_matches_reference(inputs):
    lines = assert_engine_matches_reference(inputs, FOREIGN_FORMULAS)
    pools: dict[str, list[dict]] = defaultdict(list)
    for line in lines:
        assert line["amount_cents"] >= 0 and line["ph_cents"] >= 0
        if line["component"] == "aggregate":
            pools[line["exhibition_id"]].append(line)
            assert line["due_date"] == half_year_end(line["period_start"]) + dt.timedelta(days=60)
        elif line["component"] == "initial":
            assert line["due_date"] == line["period_start"] + dt.timedelta(days=30)
        else:
            assert line["due_date"] == half_year_end(line["period_start"]) + dt.timedelta(days=60)
    for shares in pools.values():
        assert sum(s["gross_cents"] for s in shares) == shares[0]["pool_cents"]


def test_aggregate_comes_after_35_percent_of_tam():
    # §18(c) pays the aggregate only after performers have had 35% of TAM: every aggregate
    # threshold must lie above the second step, so the running total passes the steps first.
    pack = load_pack()
    for dated in pack["foreign.aggregate_threshold"].values:
        for length in range(1, 800):
            band = pack.value("foreign.aggregate_threshold", dated.start, length)
            step_2 = pack.value("foreign.step_2_threshold", dated.start, length)
            assert aggregate_threshold(band, length, 6) > step_2 > pack.value(
                "foreign.step_1_threshold", dated.start, length)


def test_aggregate_threshold_pro_rata_by_started_hour():
    assert aggregate_threshold(625_000_000, 360, 6) == 625_000_000
    assert aggregate_threshold(625_000_000, 361, 6) == 729_166_667
    assert aggregate_threshold(625_000_000, 420, 6) == 729_166_667
    assert aggregate_threshold(625_000_000, 421, 6) == 833_333_333


def test_foreign_cases_pass():
    results = run_paths([CASES])
    assert len(results) >= 8
    failed = [f"{r.name}: {r.problems}" for r in results if not r.passed]
    assert not failed, "\n".join(failed)
