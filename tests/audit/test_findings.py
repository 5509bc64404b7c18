"""Each finding type, end to end: owed lines, a remittance file, an audit run, the finding and its evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from greenroom.audit import findings as ft
from greenroom.audit.findings import AuditOptions, Check, OwedLine, PaidRow
from greenroom.audit.rules import classify

from .conftest import AS_OF, DAY, DUE, LINES, kinds, paid_in_full, pay, set_lines


def _only(result: Any, type_: str) -> Any:
    matching = [f for f in result.findings if f.type == type_]
    assert len(matching) == 1, [(f.type, f.summary) for f in result.findings]
    return matching[0]


def test_paid_in_full_on_time_has_no_findings(union, remit, audit) -> None:
    remit(paid_in_full())
    result = audit()
    assert result.findings == []
    assert result.totals.difference_cents == 0


def test_underpaid(union, remit, audit) -> None:
    rows = paid_in_full()
    rows[0]["amount_cents"] = 95_000
    remit(rows)
    f = _only(audit(), ft.UNDERPAID)
    assert (f.check.title_id, f.check.performer_id, f.check.diff_cents) == ("T1", "P1", 5_000)
    ev = f.evidence()
    assert ev["owed"]["lines"][0]["line_id"] == "L1"
    assert ev["owed"]["lines"][0]["explain"] == "greenroom residuals explain L1"
    assert ev["owed"]["lines"][0]["params"] == ["reruns.prime_rate@2014-07-01"]
    assert ev["paid"]["rows"][0]["check"] == "C1" and ev["paid"]["rows"][0]["amount_cents"] == 95_000
    assert ev["difference"] == {"amount_cents": 5_000, "ph_cents": 0, "tolerance_cents": 0}
    assert len(ev["owed"]["entries"]) == 2 and len(ev["paid"]["entries"]) == 2
    # Interest so far on the shortfall: due 2021-03-31, audited 2021-12-31 = 9 months at 1%.
    assert f.interest_cents == 450 and ev["interest"][0]["months"] == 9


def test_overpaid(union, remit, audit) -> None:
    rows = paid_in_full()
    rows[0]["amount_cents"] = 101_000
    remit(rows)
    f = _only(audit(), ft.OVERPAID)
    assert f.check.diff_cents == -1_000


def test_missing_payment_with_interest_per_line(union, remit, audit) -> None:
    remit(paid_in_full()[:3])
    f = _only(audit(), ft.MISSING)
    assert (f.check.title_id, f.check.performer_id, f.check.market) == ("T3", "P2", "syndication")
    # due 2021-05-01, as of 2021-12-31: 8 months (part of a month counts) at 1% on 300.00
    assert f.interest_cents == 2_400
    assert f.evidence()["interest"][0]["line_id"] == "L4"


def test_missing_is_not_reported_before_it_is_due(union, remit, audit) -> None:
    remit(paid_in_full()[:3])
    assert audit(as_of=dt.date(2021, 4, 30)).findings == []


def test_late_payment_with_interest(union, remit, audit) -> None:
    rows = paid_in_full()
    rows[0]["paid_date"] = dt.date(2021, 5, 15)
    remit(rows)
    f = _only(audit(), ft.LATE)
    assert f.interest_cents == 2_000  # two months (April, part of May) at 1% on 1,000.00
    detail = f.evidence()["interest"][0]
    assert detail["due_date"] == "2021-03-31" and detail["months"] == 2 and detail["rate_ref"].startswith(
        "interest.late_payment_monthly@")


def test_late_is_judged_against_each_lines_own_due_date(union, remit, audit) -> None:
    later = dt.date(2021, 9, 30)
    set_lines(union, {**LINES, "L1b": ("T1", "P1", "network_prime", DAY, DAY, 7_000, 1_225, later)})
    rows = [*paid_in_full(), pay("L1", "C9", amount_cents=7_000, ph_cents=1_225, paid_date=dt.date(2021, 9, 1))]
    remit(rows)
    assert audit().findings == []


def test_small_basic_cable_checks_are_outside_the_late_rule(union, remit, audit) -> None:
    quarter = (dt.date(2021, 1, 1), dt.date(2021, 3, 31))
    due = dt.date(2021, 6, 30)
    set_lines(union, {"S1": ("T1", "P1", "basic_cable", *quarter, 500, 88, due),
                      "S2": ("T1", "P2", "basic_cable", *quarter, 5_000, 875, due)})
    late = dt.date(2021, 8, 1)
    common = {"market": "basic_cable", "period_start": quarter[0], "period_end": quarter[1], "paid_date": late}
    remit([{**pay("L1", "C1"), **common, "amount_cents": 500, "ph_cents": 88},
           {**pay("L2", "C2"), **common, "amount_cents": 5_000, "ph_cents": 875}])
    assert kinds(audit()) == {(ft.LATE, "T1", "P2")}


def test_ph_missing(union, remit, audit) -> None:
    rows = paid_in_full()
    rows[1]["ph_cents"] = 0
    remit(rows)
    f = _only(audit(), ft.PH_SHORT)
    assert f.check.diff_ph_cents == 14_000 and "missing" in f.summary


def test_duplicate_payment(union, remit, audit) -> None:
    remit([*paid_in_full(), pay("L2", "C77")])
    f = _only(audit(), ft.DUPLICATE)
    assert f.check.performer_id == "P2" and f.check.diff_cents == -80_000
    assert {r["check"] for r in f.evidence()["paid"]["rows"]} == {"C2", "C77"}
    assert f.evidence()["repeated"]["extra_copies"] == 1


def test_paid_to_the_wrong_performer(union, remit, audit) -> None:
    rows = paid_in_full()
    rows[1]["performer_id"] = "P3"  # L2 belongs to P2; P3 is in the cast but is owed nothing here
    remit(rows)
    result = audit()
    f = _only(result, ft.WRONG_PERFORMER)
    assert (f.check.title_id, f.check.performer_id) == ("T1", "P2")
    assert f.evidence()["paid_as"]["performer_id"] == "P3"
    assert len(result.findings) == 1  # neither a missing payment nor an overpayment besides


def test_paid_for_the_wrong_title(union, remit, audit) -> None:
    rows = paid_in_full()
    rows[2]["title"] = "T3"  # L3 is P1 on T2; the payer wrote T3, which P1 never worked on
    remit(rows)
    result = audit()
    f = _only(result, ft.WRONG_TITLE)
    assert (f.check.title_id, f.check.performer_id) == ("T2", "P1")
    assert f.evidence()["paid_as"]["title_id"] == "T3"
    assert len(result.findings) == 1


def test_paid_to_a_cast_mate_on_top_of_their_own(union, remit, audit) -> None:
    rows = paid_in_full()
    rows[0]["performer_id"] = "P2"  # P1's money sent to P2, who was also paid their own
    rows[0]["check_number"] = "C2"
    remit(rows)
    result = audit()
    assert kinds(result) == {(ft.WRONG_PERFORMER, "T1", "P1")}


def test_tolerance_per_payer_hides_small_differences(union, remit, audit) -> None:
    from greenroom.audit.payers import set_tolerance
    from greenroom.store.db import session_factory

    rows = paid_in_full()
    rows[0]["amount_cents"] -= 3
    remit(rows)
    set_tolerance(session_factory(union), "Northlight", 5)
    assert audit().findings == []
    set_tolerance(session_factory(union), "Northlight", 0)
    assert kinds(audit()) == {(ft.UNDERPAID, "T1", "P1")}


# The out-of-date-rate rule, on its own (the demo accuracy test runs it through the engine).

def _check(**over: Any) -> Check:
    line = OwedLine("L1", 100_000, 17_500, DUE, "tv.network_prime_rerun@2014.1", "rerun",
                    "sag-aftra-tv-theatrical", "")
    row = PaidRow("F1R2", "f.csv", 2, "C1", 97_000, "T1", "id", 100.0, 97_000, 16_975, DUE)
    base: dict[str, Any] = dict(payer="N", title_id="T1", performer_id="P1", market="network_prime",
                                period_start=DAY, period_end=DAY, owed_cents=100_000, owed_ph_cents=17_500,
                                paid_cents=97_000, paid_ph_cents=16_975, tolerance_cents=0, due_date=DUE,
                                lines=(line,), paid=(row,), prior_cents=97_000, prior_ph_cents=16_975)
    base.update(over)
    return Check(**base)


def test_paid_at_the_previous_scale_is_an_out_of_date_rate() -> None:
    found, errors = classify([_check()], AuditOptions(as_of=AS_OF))
    assert [f.type for f in found] == [ft.OLD_RATE] and errors == []
    assert found[0].evidence()["previous_scale"] == {"amount_cents": 97_000, "ph_cents": 16_975}


def test_short_but_not_the_previous_scale_is_underpaid() -> None:
    found, _ = classify([_check(prior_cents=98_000, prior_ph_cents=17_150)], AuditOptions(as_of=AS_OF))
    assert sorted(f.type for f in found) == [ft.PH_SHORT, ft.UNDERPAID]


def test_fingerprints_are_stable_and_distinct_by_type() -> None:
    c = _check()
    a, b = ft.FindingDraft(ft.UNDERPAID, c, ""), ft.FindingDraft(ft.PH_SHORT, c, "")
    assert a.fingerprint == ft.FindingDraft(ft.UNDERPAID, _check(), "x").fingerprint
    assert a.fingerprint != b.fingerprint
