"""What is wrong on a balance key, as pure rules over balance checks, run in a fixed order.

After Beancount's plugins: classify(checks, options) -> (findings, errors) reads immutable checks
and returns new records; nothing is changed in place. Order matters only once: payments that went
to the wrong performer or title are paired with the unpaid key first, so neither side is also
reported as missing or overpaid. After that each key is judged on its own.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from greenroom.audit.findings import (
    DUPLICATE,
    MISSING,
    OLD_RATE,
    OVERPAID,
    PH_SHORT,
    UNDERPAID,
    WRONG_PERFORMER,
    WRONG_TITLE,
    AuditOptions,
    Check,
    FindingDraft,
    PaidRow,
    iso,
)
from greenroom.audit.lateness import late_finding, short_interest, unpaid_interest
from greenroom.money import format_cents


def _excess(c: Check) -> tuple[int, int] | None:
    """What was paid beyond what is owed (performer, P&H), when that is all that is wrong with the key."""
    amount, ph = c.paid_cents - c.owed_cents, c.paid_ph_cents - c.owed_ph_cents
    if not c.paid or amount < -c.tolerance_cents or ph < -c.tolerance_cents:
        return None
    if amount <= c.tolerance_cents and ph <= c.tolerance_cents:
        return None
    return amount, ph


def _unpaid(c: Check, options: AuditOptions) -> bool:
    """Owed, due, and nothing at all paid."""
    return not c.paid and c.owes and _is_due(c, options)


def _is_due(c: Check, options: AuditOptions) -> bool:
    due = c.due_date or c.period_end
    return due <= options.as_of


def _compatible(payer_a: str | None, payer_b: str | None) -> bool:
    return payer_a is None or payer_b is None or payer_a == payer_b


def pair_misdirected(checks: Sequence[Check], options: AuditOptions) -> dict[int, tuple[int, str]]:
    """Unpaid key index -> (index of the key its money went to, wrong_performer or wrong_title).

    A key paid more than it is owed whose excess equals what an unpaid key is owed, on the same
    title (another performer) or the same performer (another title), same market and period, is
    that key's money. Only one-to-one pairings count; anything ambiguous is left to the other rules.
    """
    unpaid_by_title: dict[tuple[str, str, dt.date, dt.date], list[int]] = {}
    unpaid_by_performer: dict[tuple[str, str, dt.date, dt.date], list[int]] = {}
    for i, c in enumerate(checks):
        if _unpaid(c, options):
            unpaid_by_title.setdefault((c.title_id, c.market, c.period_start, c.period_end), []).append(i)
            unpaid_by_performer.setdefault((c.performer_id, c.market, c.period_start, c.period_end), []).append(i)
    proposals: dict[int, list[tuple[int, str]]] = {}
    for j, c in enumerate(checks):
        excess = _excess(c)
        if excess is None:
            continue
        found = []
        for i in unpaid_by_title.get((c.title_id, c.market, c.period_start, c.period_end), []):
            u = checks[i]
            if u.performer_id != c.performer_id and _compatible(u.payer, c.payer) and c.near(excess[0], u.owed_cents) \
                    and c.near(excess[1], u.owed_ph_cents):
                found.append((i, WRONG_PERFORMER))
        for i in unpaid_by_performer.get((c.performer_id, c.market, c.period_start, c.period_end), []):
            u = checks[i]
            if u.title_id != c.title_id and _compatible(u.payer, c.payer) and c.near(excess[0], u.owed_cents) \
                    and c.near(excess[1], u.owed_ph_cents):
                found.append((i, WRONG_TITLE))
        if len(found) == 1:
            proposals.setdefault(found[0][0], []).append((j, found[0][1]))
    return {i: options_[0] for i, options_ in proposals.items() if len(options_) == 1}


def _duplicate(c: Check) -> tuple[PaidRow, int] | None:
    """A payment made more than once: removing extra copies of one repeated row leaves exactly what is owed.

    Returns the row and how many extra copies there are. Two lines can pay the same amount, so
    the number of extra copies is tried from one up rather than assumed to be all but one.
    """
    counts = Counter((r.amount_cents, r.ph_cents) for r in c.paid)
    for (amount, ph), n in counts.items():
        for extra in range(1, n):
            if c.near(c.paid_cents - extra * amount, c.owed_cents) \
                    and c.near(c.paid_ph_cents - extra * ph, c.owed_ph_cents):
                return next(r for r in c.paid if (r.amount_cents, r.ph_cents) == (amount, ph)), extra
    return None


def _old_rate(c: Check) -> bool:
    """Paid what the previous scale gives, and that is not what the current scale gives."""
    if c.prior_cents is None or c.prior_ph_cents is None:
        return False
    paid_prior = c.near(c.paid_cents, c.prior_cents) and c.near(c.paid_ph_cents, c.prior_ph_cents)
    prior_differs = not (c.near(c.owed_cents, c.prior_cents) and c.near(c.owed_ph_cents, c.prior_ph_cents))
    return paid_prior and prior_differs


def _judge(c: Check, options: AuditOptions) -> list[FindingDraft]:
    """The findings of one key on its own (no pairing with other keys)."""
    if not c.paid:
        if not c.owes or not _is_due(c, options):
            return []
        cents, details = unpaid_interest(c, options.as_of)
        return [FindingDraft(MISSING, c, f"nothing paid of {format_cents(c.owed_cents)} "
                                         f"(+ {format_cents(c.owed_ph_cents)} P&H)", cents, {"interest": details})]
    found: list[FindingDraft] = []
    dup = _duplicate(c)
    if dup is not None:
        row, extra = dup
        checks_ = ", ".join(sorted({r.check_number for r in c.paid}))
        found.append(FindingDraft(DUPLICATE, c, f"a payment of {format_cents(row.amount_cents)} was made {extra} "
                                                f"extra time(s) (checks {checks_})",
                                  extra={"repeated": {"amount_cents": row.amount_cents, "ph_cents": row.ph_cents,
                                                      "extra_copies": extra}}))
    elif _old_rate(c):
        found.append(FindingDraft(OLD_RATE, c, f"paid {format_cents(c.paid_cents)}, which is the amount at the "
                                               f"previous scale; owed {format_cents(c.owed_cents)} at the current one",
                                  extra={"previous_scale": {"amount_cents": c.prior_cents,
                                                            "ph_cents": c.prior_ph_cents}}))
    else:
        if c.diff_cents > c.tolerance_cents:
            cents, details = short_interest(c, c.diff_cents, options.as_of)
            found.append(FindingDraft(UNDERPAID, c, f"paid {format_cents(c.paid_cents)} of "
                                                    f"{format_cents(c.owed_cents)}: short {format_cents(c.diff_cents)}",
                                      cents, {"interest": details}))
        elif c.diff_cents < -c.tolerance_cents or c.diff_ph_cents < -c.tolerance_cents:
            what = "nothing is owed on this key" if not c.lines else f"owed {format_cents(c.owed_cents)}"
            found.append(FindingDraft(OVERPAID, c, f"paid {format_cents(c.paid_cents)} "
                                                   f"(+ {format_cents(c.paid_ph_cents)} P&H); {what}"))
        if c.diff_ph_cents > c.tolerance_cents:
            word = "missing" if c.paid_ph_cents == 0 else "short"
            found.append(FindingDraft(PH_SHORT, c, f"P&H {word}: paid {format_cents(c.paid_ph_cents)} of "
                                                   f"{format_cents(c.owed_ph_cents)}"))
    late = late_finding(c)
    if late is not None:
        found.append(late)
    return found


def _misdirected(kind: str, unpaid: Check, paid_to: Check, options: AuditOptions) -> FindingDraft:
    cents, details = unpaid_interest(unpaid, options.as_of)
    who = f"performer {paid_to.performer_id}" if kind == WRONG_PERFORMER else f"title {paid_to.title_id}"
    return FindingDraft(kind, unpaid, f"{format_cents(unpaid.owed_cents)} owed here was paid to {who} instead",
                        cents, {"paid_as": {"payer": paid_to.payer, "title_id": paid_to.title_id,
                                            "performer_id": paid_to.performer_id, "market": paid_to.market,
                                            "period_start": iso(paid_to.period_start),
                                            "period_end": iso(paid_to.period_end),
                                            "entries": list(paid_to.paid_entries),
                                            "rows": [r.evidence() for r in paid_to.paid]},
                                "interest": details})


def classify(checks: Sequence[Check], options: AuditOptions | None = None) -> tuple[list[FindingDraft], list[str]]:
    """Every finding on the given balance checks, and notes on anything the rules could not decide."""
    options = options or AuditOptions()
    pairs = pair_misdirected(checks, options)
    paid_elsewhere = {j for j, _ in pairs.values()}
    findings: list[FindingDraft] = []
    errors: list[str] = []
    for i, c in enumerate(checks):
        if i in pairs:
            j, kind = pairs[i]
            findings.append(_misdirected(kind, c, checks[j], options))
        elif i not in paid_elsewhere:
            try:
                findings.extend(_judge(c, options))
            except LookupError as exc:
                errors.append(f"{c.title_id}/{c.performer_id}/{c.market}/{c.period_start}: {exc}")
    return findings, errors
