"""AI compensation: the YAML cases, the citations on every line, and the audit finding unpaid AI pay."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from greenroom.audit.findings import MISSING
from greenroom.audit.reconcile import run_audit
from greenroom.consent import api
from greenroom.consent.cases import load_ai_cases, run_case
from greenroom.consent.compensation import TABLE
from greenroom.contracts.params import load_pack
from greenroom.store import analytics

CASES = Path(__file__).resolve().parents[1] / "cases"
ALL = [(p, c) for p in sorted(CASES.glob("ai_*.yaml")) for c in load_ai_cases(p)]


@pytest.mark.parametrize("path, case", ALL, ids=[f"{p.stem}: {c['name']}" for p, c in ALL])
def test_case(path, case):
    result = run_case(case, str(path))
    assert result.passed, "\n".join(result.problems)


def test_cases_cover_every_agreement_and_rule():
    agreements = {c["ai_compensation"].get("agreement", "sag-aftra-tv-theatrical") for _, c in ALL}
    assert agreements == {"sag-aftra-tv-theatrical", "sag-aftra-commercials", "sag-aftra-sound-recordings",
                          "sag-aftra-interactive-media"}
    formulas = {c["owed"].get("formula_id") for _, c in ALL if "owed" in c} - {None}
    assert {"ai.tv.ebdr_use", "ai.tv.creation_session", "ai.interactive.real_time",
            "ai.sound.session_singer_sides"} <= formulas


def test_a_wrong_expectation_fails():
    _, case = ALL[0]
    wrong = {**case, "owed": {**case["owed"], "amount_cents": case["owed"]["amount_cents"] + 1}}
    assert not run_case(wrong).passed


def test_every_ai_parameter_is_cited_and_unpublished_values_unverified():
    for agreement in ("sag-aftra-tv-theatrical", "sag-aftra-commercials", "sag-aftra-sound-recordings",
                      "sag-aftra-interactive-media"):
        for param in load_pack(agreement):
            for v in param.values:
                assert v.reference.strip()
                if all(t in ("S", "D") for t in v.source.replace("+", ",").split(",")):
                    assert not v.verified, param.id


def test_lines_carry_their_citations_and_unverified_flag(demo):
    settings, _ = demo
    result = api.compute_compensation(settings)
    assert result.lines and result.total_cents > 0
    for line in result.lines:
        cites = line.citations()
        assert cites and all(c["reference"] for c in cites)
        amount_refs = [c for c in cites if "payment_due_days" not in c["ref"]]
        assert line.unverified == any(c["status"] == "unverified" for c in amount_refs)


def test_unpaid_ai_compensation_becomes_an_audit_finding(demo):
    settings, _ = demo
    result, _ = api.post_compensation(settings)
    first = run_audit(settings, as_of=dt.date(2027, 1, 1))
    ai_keys = {(ln.title_id, ln.performer_id) for ln in result.lines}
    missing = [f for f in first.findings if f.type == MISSING and f.check.market == "ai_replica"]
    assert {(f.check.title_id, f.check.performer_id) for f in missing} == ai_keys
    assert sum(f.check.owed_cents for f in missing) == result.total_cents
    assert sum(f.check.owed_ph_cents for f in missing) == result.total_ph_cents
    assert all(f.check.lines and f.check.lines[0].agreement.startswith("sag-aftra-") for f in missing)
    # Posting the same lines again changes nothing in the ledger.
    api.post_compensation(settings)
    again = run_audit(settings, as_of=dt.date(2027, 1, 1))
    assert again.owed is not None and again.owed.posted == 0 and again.owed.reversed == 0
    with analytics.connect(settings) as con:
        row = con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()
        days = con.execute("SELECT sum(days) FROM ai_performed_days").fetchone()
    assert row is not None and row[0] == len(result.lines)
    as_if = [ln for ln in result.lines if ln.formula_id in ("ai.tv.ebdr_use", "ai.tv.background_as_principal")]
    assert as_if and days is not None and days[0] == sum(ln.units for ln in as_if)


def test_ai_lines_that_vanish_are_reversed_and_come_back_when_priced_again(demo):
    from greenroom.audit.posting import post_owed
    from greenroom.consent.compensation import Result, write_lines
    from greenroom.ledger.entries import live_sql

    settings, _ = demo
    result = api.compute_compensation(settings)

    def live_ai_cents(con):
        row = con.execute(f"SELECT COALESCE(sum(cents), 0) FROM ({live_sql('owed')}) WHERE market = 'ai_replica'"
                          ).fetchone()
        return int(row[0])

    with analytics.connect(settings) as con:
        write_lines(con, result)
        post_owed(con)
        assert live_ai_cents(con) == result.total_cents + result.total_ph_cents
        write_lines(con, Result())
        gone = post_owed(con)
        assert gone is not None and gone.reversed > 0 and live_ai_cents(con) == 0
        assert post_owed(con).already
        write_lines(con, result)
        back = post_owed(con)
        assert back is not None and back.posted > 0
        assert live_ai_cents(con) == result.total_cents + result.total_ph_cents


def test_amounts_that_cannot_be_worked_out_are_stored_for_the_audit(settings):
    from greenroom.consent import registry as reg
    from greenroom.consent import rules
    from greenroom.consent.compensation import unknown_amounts

    reg.record_performer(settings, "P1")
    reg.record_replica(settings, performer_id="P1", kind=rules.INDEPENDENT, agreement=rules.TV, producer="Studio",
                       replica_id="R1")
    reg.report_use(settings, performer_id="P1", replica_id="R1", producer="Studio", project="FILM",
                   start_date=dt.date(2025, 8, 1), days=1, use_id="U1")
    result, run = api.post_compensation(settings)
    with analytics.connect(settings) as con:
        stored = unknown_amounts(con)
    assert [(r["run_id"], r["subject_id"], r["performer_id"], r["title_id"], r["producer"]) for r in stored] == [
        (run, "U1", "P1", "FILM", "Studio")]
    assert "agreed_cents" in stored[0]["reason"] and result.lines == []
    from typer.testing import CliRunner

    from greenroom.cli import app

    shown = CliRunner().invoke(app, ["--data-dir", str(settings.data_dir), "consent", "member", "P1"])
    assert shown.exit_code == 0 and "NOT PRICED U1 (FILM)" in shown.output, shown.output
    reg.report_use(settings, performer_id="P1", replica_id="R1", producer="Studio", project="FILM",
                   start_date=dt.date(2025, 8, 1), days=1, agreed_cents=90000, use_id="U2", medium="streaming")
    reg.withdraw_use(settings, "U1", "reported without the bargained fee; U2 replaces it")
    _, run2 = api.post_compensation(settings)
    with analytics.connect(settings) as con:
        assert unknown_amounts(con) == []
        row = con.execute("SELECT not_priced FROM ai_compensation_runs WHERE run_id = ?", [run2]).fetchone()
    assert row is not None and row[0] == 0
