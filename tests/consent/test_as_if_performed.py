"""Residuals as if performed: days of digital performance by an employment-based replica count as days
worked on the title in the engine's basis (TAM and units), so reruns and pools pay the performer as if
they had performed; other replicas add nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from greenroom.config import Settings
from greenroom.consent import api, rules
from greenroom.consent import registry as reg
from greenroom.consent.compensation import PERFORMED_DDL, PERFORMED_TABLE
from greenroom.contracts.params import load_pack
from greenroom.money import mul_div_half_up
from greenroom.residuals.basis import build_basis, with_performed_days
from greenroom.residuals.engine import compute
from greenroom.residuals.explain import explain_line, plain_words
from greenroom.residuals.reference import compute_reference
from greenroom.residuals.situation import load_situation, situation_inputs
from greenroom.store import analytics

TITLE = {"title_id": "FILM", "kind": "network_nonprime", "length_minutes": 30, "pp_date": dt.date(2016, 8, 1),
         "initial_release_date": dt.date(2016, 10, 1)}
ENGAGEMENTS = [
    {"engagement_id": "E1", "performer_id": "P1", "title_id": "FILM", "category": "day", "days_worked": 2,
     "tac_cents": 300000},
    {"engagement_id": "E2", "performer_id": "P2", "title_id": "FILM", "category": "day", "days_worked": 2,
     "tac_cents": 300000},
]
RERUN = {"exhibition_id": "X2", "title_id": "FILM", "market": "network_nonprime", "run_number": 2,
         "start_date": dt.date(2017, 1, 1)}
DAY_SCALE_2016 = 93300  # day performer scale for PP from 7/1/2016 (see tests/cases/free_tv.yaml)


def _rerun_pay(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    compute(con, packs=[load_pack()])
    rows = con.execute("SELECT performer_id, amount_cents FROM residual_lines WHERE exhibition_id = 'X2'").fetchall()
    return {str(p): int(a) for p, a in rows}


def _performed(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str, str, int]]) -> None:
    con.execute(PERFORMED_DDL)
    for performer, title, use, days in rows:
        con.execute(f"INSERT INTO {PERFORMED_TABLE} VALUES (?, ?, ?, 'AIx', ?, DATE '2016-09-01', DATE '2016-09-01')",
                    [performer, title, use, days])


def test_days_of_digital_performance_raise_tam_in_engine_and_reference() -> None:
    inputs = situation_inputs([TITLE], ENGAGEMENTS, [RERUN])
    before = _rerun_pay(load_situation(inputs))
    con = load_situation(inputs)
    _performed(con, [("P1", "FILM", "U1", 2), ("P1", "FILM", "U2", 1)])
    after = _rerun_pay(con)
    # Non-prime 2nd run: 50% of TAM. P1: (2 + 3) days × 93,300 × 50%; P2 unchanged at 2 days.
    assert before == {"P1": DAY_SCALE_2016, "P2": DAY_SCALE_2016}
    assert after == {"P1": 5 * DAY_SCALE_2016 // 2, "P2": DAY_SCALE_2016}
    # The reference engine, given the same days on the engagement, agrees to the cent.
    as_if = with_performed_days(inputs.engagements, [{"performer_id": "P1", "title_id": "FILM", "days": 3}])
    ref_inputs = type(inputs)(inputs.titles, as_if, inputs.exhibitions)
    ref = {r.performer_id: r.amount_cents for r in compute_reference(ref_inputs, load_pack())
           if r.exhibition_id == "X2"}
    assert ref == after


def test_days_count_once_on_the_first_engagement_and_in_the_units() -> None:
    engagements = [*ENGAGEMENTS, {"engagement_id": "E0", "performer_id": "P1", "title_id": "FILM",
                                  "category": "day", "days_worked": 1, "tac_cents": 100000}]
    con = load_situation(situation_inputs([TITLE], engagements, [RERUN]))
    _performed(con, [("P1", "FILM", "U1", 4), ("P3", "FILM", "U9", 5), ("P1", "OTHER", "U8", 7)])
    build_basis(con, load_pack())
    rows = con.execute("SELECT engagement_id, days_worked, ai_days, tam_cents, units_78e FROM basis "
                       "ORDER BY engagement_id").fetchall()
    by_id = {r[0]: r[1:] for r in rows}
    assert by_id["E0"][:3] == (5, 4, 5 * DAY_SCALE_2016)   # the first engagement takes the 4 days
    assert by_id["E1"][:3] == (2, 0, 2 * DAY_SCALE_2016)   # not counted twice
    assert by_id["E2"][:2] == (2, 0)                       # P2 and the unknown P3 gain nothing
    con_plain = load_situation(situation_inputs([TITLE], engagements, [RERUN]))
    build_basis(con_plain, load_pack())
    plain = dict(con_plain.execute("SELECT engagement_id, units_78e FROM basis").fetchall())
    assert by_id["E0"][3] == plain["E0"] + 4  # §78(e) time units count the days too
    ref = with_performed_days(engagements, [{"performer_id": "P1", "title_id": "FILM", "days": 4}])
    assert [e["days_worked"] for e in ref] == [2, 2, 5]


RECENT = {**TITLE, "pp_date": dt.date(2024, 3, 1), "initial_release_date": dt.date(2024, 10, 1)}
RECENT_RERUN = {**RERUN, "start_date": dt.date(2025, 1, 1)}


def _registry_with_two_replicas(settings: Settings) -> None:
    """P1: an employment-based replica used in the picture it was made on; P2: an independently created one."""
    reg.record_performer(settings, "P1", "Ada")
    reg.record_performer(settings, "P2", "Bo")
    for performer, kind, rid in (("P1", rules.EMPLOYMENT_BASED, "R1"), ("P2", rules.INDEPENDENT, "R2")):
        reg.record_replica(settings, performer_id=performer, kind=kind, agreement=rules.TV, producer="Studio",
                           origin_project="FILM", replica_id=rid)
        reg.record_consent(settings, performer_id=performer, replica_id=rid, producer="Studio", projects=["FILM"],
                           description="double for scenes 4-6", signed_on=dt.date(2024, 4, 1),
                           consent_id=f"C{performer}")
    reg.report_use(settings, performer_id="P1", replica_id="R1", producer="Studio", project="FILM",
                   start_date=dt.date(2024, 5, 1), days=3, use_id="U1")
    reg.report_use(settings, performer_id="P2", replica_id="R2", producer="Studio", project="FILM",
                   start_date=dt.date(2024, 5, 1), days=3, agreed_cents=500000, use_id="U2")


def test_a_rerun_pays_more_after_an_employment_based_replica_was_used(settings: Settings) -> None:
    inputs = situation_inputs([RECENT], ENGAGEMENTS, [RECENT_RERUN])
    with analytics.connect(settings) as con:
        load_situation(inputs, con)
        before = _rerun_pay(con)
    _registry_with_two_replicas(settings)
    result, _ = api.post_compensation(settings)
    assert {ln.formula_id for ln in result.lines} == {"ai.tv.ebdr_use", "ai.tv.icdr_use"}
    with analytics.connect(settings) as con:
        after = _rerun_pay(con)
        line_id = con.execute("SELECT line_id FROM residual_lines WHERE exhibition_id = 'X2' AND performer_id = 'P1'"
                              ).fetchone()
        assert line_id is not None
        text = plain_words(explain_line(con, str(line_id[0])))
    # P1 is paid as if they had worked 2 + 3 days; P2's independently created replica adds nothing.
    day_scale = before["P1"]  # 50% of 2 days' scale
    assert after["P1"] == mul_div_half_up(5 * day_scale, 1, 2) and after["P1"] > before["P1"]
    assert after["P2"] == before["P2"]
    assert "plus 3 days of digital performance by an employment-based replica (use U1)" in text
    assert "as if the performer had performed" in text


def test_an_explanation_without_replica_days_says_nothing_about_them() -> None:
    con = load_situation(situation_inputs([TITLE], ENGAGEMENTS, [RERUN]))
    _performed(con, [("P1", "FILM", "U1", 3)])
    compute(con, packs=[load_pack()])
    lines: dict[Any, Any] = dict(con.execute("SELECT performer_id, line_id FROM residual_lines").fetchall())
    assert "digital performance" not in plain_words(explain_line(con, lines["P2"]))
    assert "plus 3 days of digital performance" in plain_words(explain_line(con, lines["P1"]))


def test_days_on_a_title_with_no_engagement_are_listed(settings: Settings) -> None:
    from typer.testing import CliRunner

    from greenroom.cli import app
    from greenroom.consent.compensation import days_without_engagement

    _registry_with_two_replicas(settings)
    api.post_compensation(settings)
    with analytics.connect(settings) as con:
        assert days_without_engagement(con) == [("P1", "FILM", "U1", 3)]  # nothing loaded yet
        load_situation(situation_inputs([RECENT], ENGAGEMENTS, [RECENT_RERUN]), con)
        assert days_without_engagement(con) == []
        con.execute("DELETE FROM engagements WHERE performer_id = 'P1'")
    out = CliRunner().invoke(app, ["--data-dir", str(settings.data_dir), "consent", "compensation", "--post"])
    assert out.exit_code == 0, out.output
    assert "1 uses paid as if performed earn no residuals yet" in out.output and "U1: 3 days, P1 on FILM" in out.output


def test_a_pool_shared_by_time_units_gives_the_replica_days_a_larger_share() -> None:
    film = {"title_id": "F1", "kind": "theatrical_feature", "length_minutes": 110, "pp_date": dt.date(2016, 8, 1),
            "initial_release_date": dt.date(2017, 3, 1)}
    cast = [  # §5.2.B fifths as in tests/cases/cable_supplemental.yaml: 25, 2 and 24 of 51
        {"engagement_id": "E1", "performer_id": "P1", "title_id": "F1", "category": "weekly", "weeks_worked": 2,
         "tac_cents": 900000},
        {"engagement_id": "E2", "performer_id": "P2", "title_id": "F1", "category": "day", "days_worked": 1,
         "tac_cents": 90000},
        {"engagement_id": "E3", "performer_id": "P3", "title_id": "F1", "category": "day", "days_worked": 3,
         "tac_cents": 2000000},
    ]
    sale = {"exhibition_id": "X1", "title_id": "F1", "market": "supplemental", "start_date": dt.date(2017, 5, 1),
            "gross_receipts_cents": 10000000}
    inputs = situation_inputs([film], cast, [sale])
    con = load_situation(inputs)
    _performed(con, [("P2", "F1", "U1", 3)])
    compute(con, packs=[load_pack()])
    got = dict(con.execute("SELECT performer_id, gross_cents FROM residual_lines").fetchall())
    # P2's time units 1 + 3 days = 4 fifths, salary 1: 5 of 54. Pool 360,000: 166,666.67 / 33,333.33 /
    # 160,000; floors leave 1 cent, to P1 (.67).
    assert got == {"P1": 166667, "P2": 33333, "P3": 160000} and sum(got.values()) == 360000
    as_if = with_performed_days(inputs.engagements, [{"performer_id": "P2", "title_id": "F1", "days": 3}])
    ref = {r.performer_id: r.gross_cents for r in compute_reference(type(inputs)(inputs.titles, as_if,
                                                                                 inputs.exhibitions), load_pack())}
    assert ref == got
