"""When a payment was due, whether it was late, and the interest on what was paid late or is still unpaid.

Interest is 1% a month, a part of a month counting as a month (greenroom.residuals.interest); a
basic-cable check under the agreement's small-check amount is outside the late-payment rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from greenroom.audit.findings import LATE, SMALL_CHECK_PARAM, Check, FindingDraft, PaidRow
from greenroom.contracts.params import load_pack
from greenroom.money import format_cents
from greenroom.residuals.interest import late_interest


def _interest_on(c: Check, cents: int, due: dt.date | None, until: dt.date) -> tuple[int, dict[str, Any] | None]:
    """Interest on cents unpaid from due until a date (0 when not late), with how it was worked out."""
    if due is None or until <= due or cents <= 0 or not c.lines:
        return 0, None
    i = late_interest(load_pack(c.lines[0].agreement), cents, due, until)
    return i.interest_cents, {"on_cents": cents, "from": due.isoformat(), "until": until.isoformat(),
                              "months": i.months_late, "rate_ppm": i.rate_ppm, "interest_cents": i.interest_cents,
                              "rate_ref": i.ref_id}


def _latest_due(c: Check) -> dt.date | None:
    dues = [ln.due_date for ln in c.lines if ln.due_date is not None]
    return max(dues) if dues else None


def unpaid_interest(c: Check, until: dt.date) -> tuple[int, list[dict[str, Any]]]:
    """Interest so far on a key nothing was paid on: each line from its own due date."""
    total, details = 0, []
    for ln in c.lines:
        cents, detail = _interest_on(c, ln.amount_cents, ln.due_date, until)
        if detail:
            total += cents
            details.append({"line_id": ln.line_id, **detail})
    return total, details


def short_interest(c: Check, short: int, until: dt.date) -> tuple[int, list[dict[str, Any]]]:
    """Interest so far on a shortfall, from the key's latest due date (which line it belongs to is unknown)."""
    cents, detail = _interest_on(c, short, _latest_due(c), until)
    return cents, [detail] if detail else []


def row_due_dates(c: Check) -> dict[str, dt.date | None]:
    """The due date each paid row is held to: its echoed line's, else the line paying the same amounts, else the
    key's latest due date (a row is only called late when it surely is)."""
    free = sorted(c.lines, key=lambda ln: (ln.due_date or dt.date.max, ln.line_id))
    by_id = {ln.line_id: ln for ln in c.lines}
    out: dict[str, dt.date | None] = {}
    pending = []
    for r in c.paid:
        line = by_id.get(r.line_id or "")
        if line is not None:
            out[r.row_id] = line.due_date
            free = [ln for ln in free if ln is not line]
        else:
            pending.append(r)
    for r in pending:
        same = next((ln for ln in free if (ln.amount_cents, ln.ph_cents) == (r.amount_cents, r.ph_cents)), None)
        if same is not None:
            out[r.row_id] = same.due_date
            free.remove(same)
        else:
            out[r.row_id] = _latest_due(c)
    return out


def _small_check_exempt(c: Check, row: PaidRow, due: dt.date) -> bool:
    """Basic-cable checks under the agreement's small-check amount are outside the late-payment rule."""
    if c.market != "basic_cable" or not c.lines:
        return False
    limit = load_pack(c.lines[0].agreement).value(SMALL_CHECK_PARAM, due)
    return limit is not None and row.check_total_cents < int(limit)


def late_finding(c: Check) -> FindingDraft | None:
    """Some payment on the key came after its line's due date: interest is owed on each late row."""
    dues = row_due_dates(c)
    late = [(r, due) for r in c.paid if (due := dues.get(r.row_id)) is not None and r.paid_date > due
            and not _small_check_exempt(c, r, due)]
    if not late:
        return None
    details, total = [], 0
    for r, due in late:
        cents, detail = _interest_on(c, r.amount_cents, due, r.paid_date)
        total += cents
        details.append({"row_id": r.row_id, "due_date": due.isoformat(), **(detail or {})})
    days = max((r.paid_date - due).days for r, due in late)
    return FindingDraft(LATE, c, f"paid up to {days} days after the due date; interest due {format_cents(total)}",
                        total, {"interest": details})
