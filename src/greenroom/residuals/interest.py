"""Late-payment interest on residuals: 1% a month on the unpaid balance (reference §a13)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from greenroom.contracts.params import Pack
from greenroom.money import apply_ppm


@dataclass(frozen=True)
class Interest:
    """Interest due on a late payment, with what it was computed from."""

    months_late: int
    rate_ppm: int
    interest_cents: int
    ref_id: str


def months_late(due: dt.date, paid: dt.date) -> int:
    """Months or part-months from the due date to the paid date (0 when paid on time).

    A part of a month counts as a month: the agreement charges interest for each month the
    balance is unpaid, and the union reads a started month as unpaid for that month.
    """
    if paid <= due:
        return 0
    months = (paid.year - due.year) * 12 + (paid.month - due.month)
    anniversary_day = min(due.day, calendar.monthrange(paid.year, paid.month)[1])
    if paid.day > anniversary_day:
        months += 1
    return max(months, 1)


def late_interest(pack: Pack, unpaid_cents: int, due: dt.date, paid: dt.date) -> Interest:
    """Simple interest at the monthly rate in force on the due date, rounded half-up to the cent."""
    dated = pack.dated("interest.late_payment_monthly", due)
    if dated is None:
        raise LookupError(f"no late-payment rate in force on {due}")
    rate = pack["interest.late_payment_monthly"].to_int(dated.value)
    months = months_late(due, paid)
    return Interest(months, rate, apply_ppm(unpaid_cents, rate * months), dated.ref_id)
