"""Basic cable (§18.1) and supplemental markets (§20.1 / CBA §5.2): the SQL formulas equal their
references on random situations, pools add up, due dates follow quarter closes, and the
hand-worked cases pass."""

import datetime as dt
from collections import defaultdict
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from greenroom.money import PPM
from greenroom.residuals.cases import run_paths
from greenroom.residuals.formulas._foreign_util import quarter_end
from greenroom.residuals.formulas.cable_supplemental import FEATURE_KINDS, FREE_TV_KINDS, home_video_pool
from greenroom.residuals.formulas.cable_supplemental import FORMULAS as CABLE_SUPPLEMENTAL_FORMULAS
from greenroom.residuals.situation import situation_inputs
from tests.residuals.engine_check import assert_engine_matches_reference

CASES = Path(__file__).resolve().parents[1] / "cases" / "cable_supplemental.yaml"
CATEGORIES = ["day", "three_day", "weekly", "series", "announcer", "background"]
MARKETS = ["basic_cable", "supplemental", "home_video"]
# PP dates around every era edge (1952, 7/1/1984, 7/1/1998, 10/6/1980, 7/1/2014) and anywhere.
PP_EDGES = [dt.date(1952, 7, 19), dt.date(1952, 7, 20), dt.date(1980, 10, 5), dt.date(1980, 10, 6),
            dt.date(1984, 6, 30), dt.date(1984, 7, 1), dt.date(1998, 6, 30), dt.date(1998, 7, 1),
            dt.date(2014, 6, 30), dt.date(2014, 7, 1)]
PP = st.one_of(st.sampled_from(PP_EDGES), st.dates(dt.date(1950, 1, 1), dt.date(2026, 6, 30)))
# Row dates around the 7/1/2001 license edge and anywhere after.
STARTS = st.one_of(st.sampled_from([dt.date(2001, 6, 30), dt.date(2001, 7, 1)]),
                   st.dates(dt.date(1999, 1, 1), dt.date(2027, 12, 31)))
# Wholesale or gross per row, including amounts around the $5,000,000 wholesale ($1,000,000 DGR) edge.
GROSS = st.one_of(st.integers(0, 50_000_000), st.integers(499_999_990, 500_000_010), st.integers(0, 900_000_000))


@st.composite
def cable_situation(draw):
    titles, cast, shows = [], [], []
    # Several titles per example: each example runs every registered formula (about 2 s).
    for t in range(draw(st.integers(1, 4))):
        tid = f"T{t}"
        pp = draw(PP)
        titles.append({"title_id": tid, "kind": draw(st.sampled_from(FREE_TV_KINDS + FEATURE_KINDS)),
                       "length_minutes": draw(st.integers(1, 200)), "pp_date": pp,
                       "initial_release_date": pp + dt.timedelta(days=120)})
        for i in range(draw(st.integers(1, 5))):
            cast.append({"engagement_id": f"E{t}{i}", "performer_id": f"P{i}", "title_id": tid,
                         "category": draw(st.sampled_from(CATEGORIES)), "days_worked": draw(st.integers(0, 15)),
                         "weeks_worked": draw(st.integers(0, 10)), "tac_cents": draw(st.integers(0, 4_000_000))})
        for i in range(draw(st.integers(1, 6))):
            shows.append({"exhibition_id": f"X{t}{draw(st.integers(0, 99)):02d}{i}", "title_id": tid,
                          "market": draw(st.sampled_from(MARKETS)), "start_date": draw(STARTS),
                          "gross_receipts_cents": draw(GROSS)})
    return situation_inputs(titles, cast, shows)


@settings(max_examples=20, deadline=None)
@given(cable_situation())
def test_engine_matches_reference(inputs):
    lines = assert_engine_matches_reference(inputs, CABLE_SUPPLEMENTAL_FORMULAS)
    pools: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for line in lines:
        assert line["amount_cents"] >= 0 and line["ph_cents"] >= 0
        pools[(line["formula_id"], line["exhibition_id"])].append(line)
        assert line["due_date"] == quarter_end(line["period_start"]) + dt.timedelta(days=60)
    for shares in pools.values():
        assert sum(s["gross_cents"] for s in shares) == shares[0]["pool_cents"]


@given(st.lists(st.integers(0, 2_000_000_000), min_size=1, max_size=8))
def test_home_video_pools_add_up_to_the_tiered_total(rows):
    # Splitting receipts into rows never changes the total by more than the per-row rounding.
    total = sum(rows)
    whole = home_video_pool(0, total, 200_000, 100_000_000, 45_000, 54_000)
    cum, parts = 0, []
    for r in rows:
        parts.append(home_video_pool(cum, cum + r, 200_000, 100_000_000, 45_000, 54_000))
        cum += r
    assert abs(sum(parts) - whole) <= len(rows)
    dgr = total * 200_000  # cent-ppm
    exact = 45_000 * min(dgr, 100_000_000 * PPM) + 54_000 * max(dgr - 100_000_000 * PPM, 0)
    assert abs(whole * PPM * PPM - exact) <= PPM * PPM // 2


def test_cable_supplemental_cases_pass():
    results = run_paths([CASES])
    assert len(results) >= 7
    failed = [f"{r.name}: {r.problems}" for r in results if not r.passed]
    assert not failed, "\n".join(failed)
