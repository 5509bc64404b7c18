"""AI compensation against a plain Decimal reference, for generated rates, days and dates."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from greenroom.consent.cases import situation
from greenroom.consent.compensation import compute
from greenroom.contracts.params import load_pack

dates = st.dates(dt.date(2025, 7, 9), dt.date(2029, 12, 31))


def cents(x: Decimal) -> int:
    return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@settings(max_examples=80, deadline=None)
@given(dates, st.none() | st.integers(0, 2_000_000), st.integers(0, 30))
def test_tv_use_in_the_same_picture_is_paid_as_if_performed(day, rate, days):
    pack = load_pack("sag-aftra-tv-theatrical")
    result = compute(situation({"replica": {"kind": "employment_based", "origin_project": "F"},
                                "use": {"project": "F", "start_date": day, "days": days, "rate_cents": rate}}))
    scale = Decimal(pack.value("minimums.day_performer", day))
    gross = max(Decimal(rate or 0), scale) * days * Decimal(str(pack.value("ai.use_day_multiple", day)))
    if gross == 0:
        assert result.lines == []
        return
    [line] = result.lines
    assert line.amount_cents == cents(gross)
    assert line.ph_cents == cents(gross * Decimal(str(pack.value("ph.principal_rate", day))))
    assert line.due_date == day + dt.timedelta(days=pack.value("ai.payment_due_days", day))
    assert line.unverified == (not pack.dated("minimums.day_performer", day).verified)


@settings(max_examples=80, deadline=None)
@given(dates, st.integers(1, 5_000_000), st.none() | st.integers(0, 50_000_000))
def test_real_time_generation_is_at_least_the_multiple_of_scale(day, scale, agreed):
    pack = load_pack("sag-aftra-interactive-media")
    result = compute(situation({"agreement": "sag-aftra-interactive-media", "replica": {"kind": "vocal"},
                                "use": {"project": "G", "start_date": day, "real_time": True, "rate_cents": scale,
                                        "agreed_cents": agreed}}))
    floor = Decimal(scale) * Decimal(str(pack.value("interactive.ai.real_time_scale_multiple", day)))
    gross = max(cents(floor), agreed or 0)
    [line] = result.lines
    assert line.amount_cents == gross and line.amount_cents >= floor
    assert line.ph_cents == cents(Decimal(gross) * Decimal(str(pack.value("interactive.ph.rate", day))))


@settings(max_examples=60, deadline=None)
@given(dates, st.integers(1, 200_000), st.none() | st.integers(0, 12))
def test_session_singers_are_paid_at_least_three_sides(day, per_side, sides):
    result = compute(situation({"agreement": "sag-aftra-sound-recordings", "replica": {"kind": "voice"},
                                "use": {"project": "A", "start_date": day, "role": "session_singer",
                                        "sides": sides, "rate_cents": per_side}}))
    [line] = result.lines
    assert line.units == max(sides or 0, 3) and line.amount_cents == per_side * line.units and line.ph_cents == 0
