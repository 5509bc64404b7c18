"""Property: the SQL §78 formulas (pay TV, videodisc, basic cable) equal their reference to the cent,
and every §78(e) pool is shared out exactly."""

import datetime as dt
from collections import defaultdict
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from greenroom.residuals.cases import run_paths
from greenroom.residuals.formulas import pay_tv
from greenroom.residuals.situation import situation_inputs
from tests.residuals.engine_check import assert_engine_matches_reference

CASES = Path(__file__).resolve().parents[1] / "cases" / "pay_tv.yaml"
CATEGORIES = ["day", "three_day", "weekly", "series", "announcer", "background"]
MARKETS = ["pay_tv", "pay_tv", "pay_tv_videodisc", "pay_tv_to_basic_cable"]


@st.composite
def pay_tv_situation(draw):
    titles, cast, shows = [], [], []
    for t in range(draw(st.integers(1, 2))):
        # mostly inside the pack's dates; sometimes before it, where nothing may be priced
        pp = draw(st.dates(dt.date(2014, 3, 1), dt.date(2026, 6, 30)))
        release = pp + dt.timedelta(days=draw(st.integers(60, 400)))
        title_id = f"T{t}"
        titles.append({"title_id": title_id, "kind": "made_for_pay", "pp_date": pp, "initial_release_date": release,
                       "length_minutes": draw(st.sampled_from([30, 59, 60, 90, 120])),
                       "genre": draw(st.sampled_from(["drama", "comedy", None]))})
        for i in range(draw(st.integers(1, 7))):
            cast.append({"engagement_id": f"E{t}{i}", "performer_id": f"P{t}{i}", "title_id": title_id,
                         "category": draw(st.sampled_from(CATEGORIES)), "days_worked": draw(st.integers(0, 20)),
                         "weeks_worked": draw(st.integers(0, 12)), "tac_cents": draw(st.integers(0, 5_000_000))})
        for i in range(draw(st.integers(1, 6))):
            shows.append({
                "exhibition_id": f"X{t}{i}", "title_id": title_id, "market": draw(st.sampled_from(MARKETS)),
                "start_date": release + dt.timedelta(days=draw(st.integers(-30, 500))),
                "platform": draw(st.sampled_from(["HBO", "SHO", None])),
                "territory": draw(st.sampled_from(["US", "CA", "FOREIGN", None])),
                "exhibition_days": draw(st.integers(0, 15)), "units_sold": draw(st.integers(0, 150_000)),
                "gross_receipts_cents": None if draw(st.integers(0, 9)) == 0 else draw(st.integers(0, 5_000_000)),
            })
    return situation_inputs(titles, cast, shows)


@settings(max_examples=60, deadline=None)
@given(pay_tv_situation())
def test_engine_matches_reference(inputs):
    lines = assert_engine_matches_reference(inputs, pay_tv.FORMULAS)
    pools: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for line in lines:
        assert line["amount_cents"] >= 0 and line["ph_cents"] >= 0
        if line["formula_id"] in ("pay_tv.exhibition", "pay_tv.videodisc", "pay_tv.basic_cable"):
            pools[(line["formula_id"], line["exhibition_id"])].append(line)
    for shares in pools.values():
        assert sum(s["gross_cents"] for s in shares) == shares[0]["pool_cents"]


def test_pay_tv_cases_pass():
    results = run_paths([CASES])
    assert len(results) >= 6
    failed = [f"{r.name}: {r.problems}" for r in results if not r.passed]
    assert not failed, "\n".join(failed)
