"""The markets an exhibition row may name, what each needs, and the rule that prices it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Market:
    """A reuse market: its name in exchange files, the columns it needs and the rule in the reference."""

    name: str
    description: str
    requires: tuple[str, ...] = ()
    rule: str = ""


_MARKETS = (
    Market("network_prime", "Network prime-time rerun (run 2 onward).", ("run_number",), "a3"),
    Market("network_nonprime", "Network rerun outside prime time and late night.", ("run_number",), "a3"),
    Market("syndication", "Syndication or other free TV run; coverage_pct <= 50 on a half-hour series "
           "is a Sideletter B-2 partial-market run; gross_receipts_cents on a one-hour drama applies "
           "Sideletter B.", ("run_number",), "a3"),
    Market("canada_syndication", "Canada-only syndication option (in lieu of reruns).",
           ("gross_receipts_cents",), "a3"),
    Market("non_english_us", "Non-English U.S./Canada telecast (in lieu of reruns).",
           ("gross_receipts_cents",), "a3"),
    Market("foreign_tv", "Foreign telecast; gross is Distributor's Foreign Gross for the period.",
           ("gross_receipts_cents",), "a4"),
    Market("basic_cable", "Free-TV picture released to basic cable; gross for the quarter.",
           ("gross_receipts_cents",), "a5"),
    Market("theatrical", "Theatrical exhibition of a TV picture; territory US-CA or FOREIGN.",
           ("territory",), "a6"),
    Market("supplemental", "Supplemental markets other than cassettes (pay TV, in-flight...).",
           ("gross_receipts_cents",), "a7"),
    Market("home_video", "Cassettes/DVD; gross is worldwide wholesale receipts (20% rule applies).",
           ("gross_receipts_cents",), "a7"),
    Market("pay_tv", "Pay-TV exhibition of a program made for pay TV; license receipts and days.",
           ("gross_receipts_cents", "exhibition_days"), "a9"),
    Market("pay_tv_videodisc", "Videodisc sales of a program made for pay TV.",
           ("gross_receipts_cents", "units_sold"), "a9"),
    Market("pay_tv_to_basic_cable", "Program made for pay TV released to basic cable.",
           ("gross_receipts_cents",), "a9"),
    Market("nm_rental", "New-media rental or subscription license (limited period).",
           ("gross_receipts_cents",), "a10"),
    Market("nm_est", "New-media electronic sell-through (download to own).",
           ("gross_receipts_cents", "units_sold"), "a10"),
    Market("nm_avod", "Free ad-supported streaming (AVOD) for a period.", ("end_date",), "a10/a11"),
    Market("nm_consumer_pay", "Consumer-pay new-media use of a made-for-new-media program.",
           ("gross_receipts_cents",), "a11"),
    Market("hbsvod_domestic", "HBSVOD exhibition year on the initial service (fixed residual).",
           ("subscribers",), "a11"),
    Market("hbsvod_foreign", "HBSVOD exhibition year on a related foreign service.", ("subscribers",), "a11"),
    Market("hbsvod_other", "HBSVOD program licensed to a non-affiliated SVOD or transactional service.",
           ("gross_receipts_cents",), "a11"),
    Market("streaming_bonus", "First 90 days of domestic streaming of an HBSVOD program (2023 success bonus).",
           ("minutes_streamed", "subscribers"), "a12"),
)

MARKETS: dict[str, Market] = {m.name: m for m in _MARKETS}
