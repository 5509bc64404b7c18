"""Remittance format version 1: one row per payment line a payer reports (documented in docs/remittances.md)."""

from __future__ import annotations

from greenroom.ingest.schemas import Column, Schema

CURRENCY = "USD"

REMITTANCES = Schema(
    kind="remittances",
    version=1,
    key="check_number",
    table="remittance_rows",
    description="One row per payment line on a payer's remittance: who was paid, for what, how much and when.",
    columns=(
        Column("payer", "text", False, "Who paid; when present it must be the payer the file is loaded for."),
        Column("check_number", "text", True, "Check or payment reference; one check pays one performer on one date."),
        Column("title", "text", True, "The picture as the payer writes it: our title_id or its name."),
        Column("performer_id", "text", True, "Union id of the performer paid."),
        Column("market", "text", True, "Market of the reuse paid for (see docs/markets.md)."),
        Column("period_start", "date", True, "First day of the period (or the date of the run) paid for."),
        Column("period_end", "date", True, "Last day of the period paid for (the run date for a single run)."),
        Column("gross_cents", "cents", False, "The residual before the P&H split, in cents (shown, not reconciled)."),
        Column("amount_cents", "cents", True, "Paid to the performer, in cents; must be more than zero."),
        Column("ph_cents", "cents", True, "Paid to the pension and health plans for this line, in cents.", minimum=0),
        Column("paid_date", "date", True, "Date of the check or payment."),
        Column("currency", "text", False, "Currency of the amounts; only USD is accepted (blank means USD)."),
        Column("line_id", "text", False, "Our residual line id, when the payer echoes it."),
        Column("exhibition_id", "text", False, "Our exhibition id, when the payer echoes it."),
    ),
)

# Reasons a row is rejected by the remittance-specific checks (beyond the ingest field checks).
NOT_POSITIVE = "zero or negative payment (a void or refund must be reported as a correction, not a row)"
WRONG_CURRENCY = "currency {currency} is not accepted: amounts must be in USD"
UNKNOWN_MARKET = "unknown market"
PERIOD_BACKWARDS = "period_end before period_start"
OTHER_PAYER = "the row names payer {row_payer} but the file is loaded for {payer}"
ALREADY_LOADED = "duplicate: already loaded from {file} row {row}"
CHECK_REUSED = "check number {check} was already reported in {file}; a check is reported once"
CHECK_CONFLICT = "check number {check} is for performer {performer} paid {paid} (row {first}); one check pays one " \
                 "performer on one date"
UNKNOWN_PERFORMER = "performer {performer} is in no loaded engagement and no residual line"
UNMATCHED_TITLE = "title {title!r} matches no loaded title well enough"
AMBIGUOUS_TITLE = "title {title!r} matches several titles equally well"
