"""Amounts at the previous scale, through the engine, and the out-of-date-rate finding they lead to."""

from __future__ import annotations

import datetime as dt

import duckdb

from greenroom.audit import findings as ft
from greenroom.audit.prior import previous_values_pack, prior_scale_lines
from greenroom.audit.remittances import load_remittances
from greenroom.contracts.params import load_pack
from greenroom.ingest.loader import load_rows
from greenroom.residuals.engine import compute
from greenroom.residuals.formulas import FORMULAS

from .conftest import kinds, write_csv

SYNDICATION = [f for f in FORMULAS if f.id == "tv.syndication_rerun"]


def test_previous_values_pack_puts_the_value_before_in_force() -> None:
    pack = load_pack()
    prior = previous_values_pack(pack)
    day = dt.date(2020, 8, 1)
    assert pack.value("minimums.day_performer", day) == 103_000
    assert prior.value("minimums.day_performer", day) == 100_500
    first = pack["minimums.day_performer"].values[0].start
    assert prior.value("minimums.day_performer", first) == pack.value("minimums.day_performer", first)


def test_paid_at_last_years_scale_is_found_as_an_out_of_date_rate(settings, tmp_path, audit) -> None:
    load_rows(settings, "titles", [{"title_id": "T1", "name": "Harbor Lights", "agreement": "sag-aftra-tv-theatrical",
                                    "kind": "network_series", "length_minutes": 60, "pp_date": "2020-08-03",
                                    "initial_release_date": "2020-12-01"}])
    load_rows(settings, "engagements", [{"engagement_id": "E1", "performer_id": "P1", "title_id": "T1",
                                         "category": "day", "days_worked": 2, "weeks_worked": 0,
                                         "tac_cents": 206_000}])
    load_rows(settings, "exhibitions", [{"exhibition_id": "X1", "title_id": "T1", "market": "syndication",
                                         "start_date": "2021-06-01", "run_number": 2}])
    with duckdb.connect(str(settings.duckdb_path)) as con:
        compute(con, formulas=SYNDICATION)
        [(line_id, amount, ph, due)] = con.execute(
            "SELECT line_id, amount_cents, ph_cents, due_date FROM residual_lines").fetchall()
        prior = prior_scale_lines(con, ["T1"], ["tv.syndication_rerun"]).to_pylist()
    assert len(prior) == 1 and prior[0]["line_id"] == line_id
    old_amount, old_ph = prior[0]["amount_cents"], prior[0]["ph_cents"]
    # 40% of TAM, TAM being 2 days at the scale in force at principal photography (1,030.00; before: 1,005.00)
    assert (amount, old_amount) == (82_400, 80_400) and old_ph < ph
    row = {"check_number": "C1", "title": "T1", "performer_id": "P1", "market": "syndication",
           "period_start": "2021-06-01", "period_end": "2021-06-01", "amount_cents": old_amount,
           "ph_cents": old_ph, "paid_date": due - dt.timedelta(days=3), "currency": "USD"}
    assert load_remittances(settings, write_csv(tmp_path / "r.csv", [row]), "Harbor").matched == 1
    result = audit(as_of=dt.date(2022, 1, 31))
    assert kinds(result) == {(ft.OLD_RATE, "T1", "P1")}
    f = result.findings[0]
    assert f.evidence()["previous_scale"] == {"amount_cents": old_amount, "ph_cents": old_ph}
    assert f.check.diff_cents == amount - old_amount
