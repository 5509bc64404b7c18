"""The engine's bookkeeping: counts balance, exceptions carry reasons, ids are stable, lines explain."""

import datetime as dt

from greenroom.contracts.params import load_pack
from greenroom.residuals.engine import compute
from greenroom.residuals.explain import explain_line, plain_words
from greenroom.residuals.situation import load_situation, situation_inputs

TITLE = {"title_id": "T1", "name": "The Long Night", "kind": "tv_movie", "length_minutes": 90,
         "pp_date": "2016-08-01", "initial_release_date": "2017-01-15"}
CAST = [
    {"engagement_id": "E1", "performer_id": "P1", "title_id": "T1", "category": "day", "days_worked": 1,
     "tac_cents": 93300, "performer_name": "Ada Lane"},
    {"engagement_id": "E2", "performer_id": "P2", "title_id": "T1", "category": "background",
     "days_worked": 1, "tac_cents": 20000},
]


def run(titles, engagements, exhibitions):
    con = load_situation(situation_inputs(titles, engagements, exhibitions))
    return con, compute(con, packs=[load_pack()])


def test_every_exhibition_is_priced_or_excepted_with_a_reason():
    titles = [TITLE, {**TITLE, "title_id": "T2"}, {**TITLE, "title_id": "T3", "kind": "hbsvod"}]
    exhibitions = [
        {"exhibition_id": "X1", "title_id": "T1", "market": "theatrical", "territory": "US",
         "start_date": "2017-06-01"},
        # T2 has no cast at all
        {"exhibition_id": "X2", "title_id": "T2", "market": "theatrical", "territory": "US",
         "start_date": "2017-06-01"},
        # theatrical release of an HBSVOD program: no rule in this pack prices it
        {"exhibition_id": "X3", "title_id": "T3", "market": "theatrical", "territory": "US",
         "start_date": "2017-06-01"},
    ]
    con, result = run(titles, CAST, exhibitions)
    assert result.exhibitions_in == 3 and result.balanced
    assert result.exhibitions_priced == 1 and result.exceptions == 2
    reasons = dict(con.execute("SELECT exhibition_id, reason FROM compute_exceptions").fetchall())
    assert "entitled" in reasons["X2"]
    assert "no rule prices market theatrical" in reasons["X3"]


def test_background_actors_get_no_lines_and_line_ids_are_stable():
    exhibitions = [{"exhibition_id": "X1", "title_id": "T1", "market": "theatrical", "territory": "US",
                    "start_date": "2017-06-01"}]
    con, _ = run([TITLE], CAST, exhibitions)
    first = con.execute("SELECT line_id, performer_id FROM residual_lines").fetchall()
    assert [p for _, p in first] == ["P1"]
    compute(con, packs=[load_pack()])
    again = con.execute("SELECT line_id, performer_id, run_id FROM residual_lines").fetchall()
    assert [(lid, p) for lid, p, _ in again] == first and again[0][2] == 2


def test_explanation_names_rule_values_citations_and_inputs():
    exhibitions = [{"exhibition_id": "X1", "title_id": "T1", "market": "theatrical", "territory": "US",
                    "start_date": "2017-06-01"}]
    con, _ = run([TITLE], CAST, exhibitions)
    line_id = con.execute("SELECT line_id FROM residual_lines").fetchone()[0]
    ex = explain_line(con, line_id)
    text = plain_words(ex)
    assert "$1,399.50" in text  # 150% of one day at $933
    assert "§19" in text and "150%" in text and "$933.00" in text
    assert "engagement E1" in text and "exhibition" in text
    assert ex.line["due_date"] == dt.date(2017, 8, 30)


def test_a_date_before_the_first_minimum_is_an_exception_not_a_guess():
    early = {**TITLE, "pp_date": "2013-01-01"}
    exhibitions = [{"exhibition_id": "X1", "title_id": "T1", "market": "theatrical", "territory": "US",
                    "start_date": "2014-06-01"}]
    con, result = run([early], CAST, exhibitions)
    assert result.exceptions == 1
    (reason,) = con.execute("SELECT reason FROM compute_exceptions").fetchone()
    assert "parameter" in reason


def test_context_numbers_count_from_zero_without_gaps_across_formulas():
    # Two markets, so two formulas number their rows one after the other.
    exhibitions = [{"exhibition_id": f"X{i}", "title_id": "T1", "market": market, "territory": "US",
                    "start_date": "2017-06-01", "run_number": 2}
                   for i, market in enumerate(["theatrical", "theatrical", "network_prime", "network_prime"])]
    con, result = run([TITLE], CAST, exhibitions)
    assert result.balanced and result.exhibitions_priced == 4
    numbers = con.execute("SELECT formula_id, context_no FROM line_contexts ORDER BY context_no").fetchall()
    assert len({f for f, _ in numbers}) == 2
    assert [n for _, n in numbers] == list(range(4))
