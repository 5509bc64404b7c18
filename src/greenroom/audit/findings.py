"""Findings as data: the types, the balance checks the rules read, and the drafts they produce.

The rules themselves are in greenroom.audit.rules; lateness and interest in greenroom.audit.lateness.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

UNDERPAID = "underpaid"
OVERPAID = "overpaid"
MISSING = "missing_payment"
LATE = "late_payment"
PH_SHORT = "ph_short"
DUPLICATE = "duplicate_payment"
WRONG_PERFORMER = "wrong_performer"
WRONG_TITLE = "wrong_title"
OLD_RATE = "out_of_date_rate"
TYPES = (UNDERPAID, OVERPAID, MISSING, LATE, PH_SHORT, DUPLICATE, WRONG_PERFORMER, WRONG_TITLE, OLD_RATE)
SMALL_CHECK_PARAM = "interest.basic_cable_small_check_cents"


@dataclass(frozen=True)
class OwedLine:
    """A residual line behind an owed balance, with what explains it."""

    line_id: str
    amount_cents: int
    ph_cents: int
    due_date: dt.date | None
    formula: str
    component: str
    agreement: str
    params: str

    def evidence(self) -> dict[str, Any]:
        """The line as evidence: amounts, due date, rule, cited values and how to explain it."""
        return {"line_id": self.line_id, "amount_cents": self.amount_cents, "ph_cents": self.ph_cents,
                "due_date": iso(self.due_date), "formula": self.formula, "component": self.component,
                "params": [p for p in self.params.split(";") if p],
                "explain": f"greenroom residuals explain {self.line_id}"}


@dataclass(frozen=True)
class PaidRow:
    """A remittance row behind a paid balance."""

    row_id: str
    file_name: str
    row_number: int
    check_number: str
    check_total_cents: int
    title_written: str
    title_match: str
    title_score: float | None
    amount_cents: int
    ph_cents: int
    paid_date: dt.date
    line_id: str | None = None

    def evidence(self) -> dict[str, Any]:
        """The row as evidence: where it came from, how its title matched, what it paid and when."""
        return {"row_id": self.row_id, "file": self.file_name, "row": self.row_number, "check": self.check_number,
                "title_written": self.title_written, "title_match": self.title_match,
                "title_score": self.title_score, "amount_cents": self.amount_cents, "ph_cents": self.ph_cents,
                "paid_date": iso(self.paid_date), "line_id": self.line_id}


@dataclass(frozen=True)
class Check:
    """One balance check (a key of ledger_balances) with the lines and rows behind it."""

    payer: str | None
    title_id: str
    performer_id: str
    market: str
    period_start: dt.date
    period_end: dt.date
    owed_cents: int
    owed_ph_cents: int
    paid_cents: int
    paid_ph_cents: int
    tolerance_cents: int
    due_date: dt.date | None
    owed_entries: tuple[str, ...] = ()
    paid_entries: tuple[str, ...] = ()
    lines: tuple[OwedLine, ...] = ()
    paid: tuple[PaidRow, ...] = ()
    prior_cents: int | None = None
    prior_ph_cents: int | None = None

    @property
    def key(self) -> tuple[str | None, str, str, str, dt.date, dt.date]:
        """(payer, title, performer, market, period start, period end)."""
        return (self.payer, self.title_id, self.performer_id, self.market, self.period_start, self.period_end)

    @property
    def diff_cents(self) -> int:
        """Owed minus paid to the performer."""
        return self.owed_cents - self.paid_cents

    @property
    def diff_ph_cents(self) -> int:
        """Owed minus paid to P&H."""
        return self.owed_ph_cents - self.paid_ph_cents

    @property
    def owes(self) -> bool:
        """Anything owed on this key (beyond tolerance)."""
        return self.owed_cents + self.owed_ph_cents > self.tolerance_cents

    def near(self, a: int, b: int) -> bool:
        """a and b agree within this key's tolerance."""
        return abs(a - b) <= self.tolerance_cents


@dataclass(frozen=True)
class AuditOptions:
    """What an audit run judges against: the as-of date (for what is due and interest so far)."""

    as_of: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class FindingDraft:
    """A finding as the rules produce it, before the workflow stores it."""

    type: str
    check: Check
    summary: str
    interest_cents: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """Stable identity across runs: type and key."""
        c = self.check
        text = "|".join([self.type, c.payer or "", c.title_id, c.performer_id, c.market, str(c.period_start),
                         str(c.period_end)])
        return hashlib.sha256(text.encode()).hexdigest()

    def evidence(self) -> dict[str, Any]:
        """Owed lines, paid rows, entry ids and the difference, plus what this type adds."""
        c = self.check
        return {
            "owed": {"amount_cents": c.owed_cents, "ph_cents": c.owed_ph_cents, "entries": list(c.owed_entries),
                     "lines": [ln.evidence() for ln in c.lines], "due_date": iso(c.due_date)},
            "paid": {"amount_cents": c.paid_cents, "ph_cents": c.paid_ph_cents, "entries": list(c.paid_entries),
                     "rows": [r.evidence() for r in c.paid]},
            "difference": {"amount_cents": c.diff_cents, "ph_cents": c.diff_ph_cents,
                           "tolerance_cents": c.tolerance_cents},
            **self.extra,
        }


def iso(day: dt.date | None) -> str | None:
    """A date as ISO text (None stays None), for evidence."""
    return day.isoformat() if day else None
