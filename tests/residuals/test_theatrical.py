"""Property: the SQL theatrical formula equals its reference on random casts and release patterns."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from greenroom.residuals.formulas.theatrical import FORMULAS as THEATRICAL_FORMULAS
from greenroom.residuals.situation import situation_inputs
from tests.residuals.engine_check import assert_engine_matches_reference

CATEGORIES = ["day", "three_day", "weekly", "series", "background"]


@st.composite
def theatrical_situation(draw):
    pp = draw(st.dates(dt.date(2014, 7, 1), dt.date(2026, 6, 30)))
    title = {"title_id": "T1", "kind": draw(st.sampled_from(["tv_movie", "network_series", "made_for_pay"])),
             "length_minutes": draw(st.sampled_from([30, 60, 90, 120])), "pp_date": pp,
             "initial_release_date": pp + dt.timedelta(days=200)}
    n = draw(st.integers(1, 6))
    cast = [{"engagement_id": f"E{i}", "performer_id": f"P{i}", "title_id": "T1",
             "category": draw(st.sampled_from(CATEGORIES)), "days_worked": draw(st.integers(0, 20)),
             "weeks_worked": draw(st.integers(0, 12)), "tac_cents": draw(st.integers(0, 5_000_000))}
            for i in range(n)]
    territories = draw(st.lists(st.sampled_from(["US", "CA", "US-CA", "FOREIGN", "WORLD"]), min_size=1,
                                max_size=4))
    shows = [{"exhibition_id": f"X{i}", "title_id": "T1", "market": "theatrical", "territory": t,
              "start_date": pp + dt.timedelta(days=300 + 30 * i)} for i, t in enumerate(territories)]
    return situation_inputs([title], cast, shows)


@settings(max_examples=40, deadline=None)
@given(theatrical_situation())
def test_engine_matches_reference(inputs):
    lines = assert_engine_matches_reference(inputs, THEATRICAL_FORMULAS)
    tam = {e["engagement_id"]: e for e in inputs.engagements}
    for line in lines:
        assert line["amount_cents"] >= 0 and tam[line["engagement_id"]]["category"] != "background"
