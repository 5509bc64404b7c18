"""Figures the demo generator draws on: minimum scale by era, streaming platforms and their tiers.

Scale rates come from the team reference (residuals-rules.md §a1). Platforms are invented; their
subscriber counts are made up to sit in each of the published subscriber tiers (§a11).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

EPOCH = date(1970, 1, 1)
AGREEMENT_START = date(2014, 7, 1)
AS_OF = date(2026, 11, 21)
"""No generated date lies after this day (the demo's "today")."""

# (effective date, day performer, weekly performer) in whole dollars, residuals-rules.md §a1.
SCALE_TABLE: tuple[tuple[date, int, int], ...] = (
    (date(2014, 7, 1), 880, 3053),
    (date(2016, 7, 1), 933, 3239),
    (date(2017, 7, 1), 956, 3320),
    (date(2018, 7, 1), 980, 3403),
    (date(2019, 7, 1), 1005, 3488),
    (date(2020, 7, 1), 1030, 3575),
    (date(2021, 7, 1), 1056, 3664),
    (date(2022, 7, 1), 1082, 3756),
    (date(2023, 11, 9), 1158, 4019),
    (date(2024, 7, 1), 1204, 4180),
    (date(2025, 7, 1), 1246, 4326),
    (date(2026, 7, 1), 1283, 4456),
)
# Pay is never generated below the 7/1/2020 minimum: older pictures then read as mildly overscale
# against their own era, which keeps every engagement at or above scale whichever rate table the
# engine applies (several pre-2020 figures in §a1 are derived, not published).
FLOOR_DAY_DOLLARS = 1030
FLOOR_WEEKLY_DOLLARS = 3575
# Not in §a1: the three-day minimum is about 2.53 day rates and background about 18% of a day rate
# in the published 2024 tables; close enough for demo pay.
THREE_DAY_FACTOR = 2.53
BACKGROUND_FACTOR = 0.18


def days_since_epoch(d: date) -> int:
    """Day number of a date, counted from 1970-01-01 (numpy's datetime64[D] origin)."""
    return (d - EPOCH).days


def scale_cents(pp_days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Day and weekly minimum in cents in force on each principal-photography day."""
    starts = np.array([days_since_epoch(d) for d, _, _ in SCALE_TABLE])
    day = np.array([max(v, FLOOR_DAY_DOLLARS) for _, v, _ in SCALE_TABLE], dtype=np.int64) * 100
    week = np.array([max(v, FLOOR_WEEKLY_DOLLARS) for _, _, v in SCALE_TABLE], dtype=np.int64) * 100
    idx = np.clip(np.searchsorted(starts, pp_days, side="right") - 1, 0, len(starts) - 1)
    return day[idx], week[idx]


@dataclass(frozen=True)
class Platform:
    """An invented streaming service with its July 1 subscriber counts (domestic and foreign)."""

    name: str
    launch_year: int
    domestic_first: int
    domestic_last: int
    foreign_first: int = 0
    foreign_last: int = 0

    def domestic(self, year: int) -> int:
        """Domestic (US + Canada) subscribers on July 1 of year (geometric growth to 2026)."""
        return _grow(self.domestic_first, self.domestic_last, self.launch_year, year)

    def foreign(self, year: int) -> int:
        """Subscribers of the related foreign services on July 1 of year (0 when there are none)."""
        return _grow(self.foreign_first, self.foreign_last, self.launch_year, year)


def _grow(first: int, last: int, launch: int, year: int) -> int:
    if first <= 0 or year < launch:
        return 0
    span = max(2026 - launch, 1)
    t = min(max(year - launch, 0), span) / span
    # Round to thousands: services report subscribers in thousands.
    return int(round(first * (last / first) ** t / 1000.0)) * 1000


# One platform per published tier (1–5M, 5–20M, 20–45M, 45M+) plus one that grows across tiers,
# so the engine's tier lookup by the July 1 count is exercised.
PLATFORMS: tuple[Platform, ...] = (
    Platform("Streamline", 2014, 47_000_000, 82_000_000, 21_000_000, 190_000_000),
    Platform("Marquee+", 2015, 22_000_000, 44_000_000, 4_000_000, 55_000_000),
    Platform("Lumen", 2017, 6_000_000, 19_000_000),
    Platform("Parade", 2019, 1_200_000, 4_800_000),
    Platform("Kinetic", 2019, 3_000_000, 31_000_000, 1_000_000, 12_000_000),
)
# Big services commission more HBSVOD programs.
PLATFORM_WEIGHTS = (0.38, 0.24, 0.14, 0.08, 0.16)

NETWORKS = ("ABN", "Crown Network", "NBS", "Pacific Broadcasting", "UHN")
PAY_SERVICES = ("Premiere Pay", "Showcase", "CinemaMax")
CABLE_NETWORKS = ("TVR", "Centerline", "Gold Channel", "Rewind", "Spectrum Classic")
AVOD_SERVICES = ("FreeVee Plus", "Pluto Point", "Roku Lane", "Tubi Street")
NEW_MEDIA_SERVICES = ("Webisode Hub", "ClipStream", "Sidebar TV")
# Distributors report foreign, supplemental and sell-through receipts licence by licence, so one
# quarter of a title can have a row per licensee.
FOREIGN_BROADCASTERS = ("BritVision", "Kanal Nord", "TeleSur Uno", "Hoso Seven", "Canal Etoile",
                        "Southern Cross Nine", "RTV Rhein", "Italia Piu", "Iberia TV", "Maple Nord")
SUPPLEMENTAL_OUTLETS = ("SkyHigh In-Flight", "HotelVision", "CruiseLine Cinema", "CampusNet",
                        "Premiere Pay", "Showcase")
EST_STORES = ("iStore", "PlayMart", "VidBox", "ShopStream")


# HBSVOD budget thresholds (§a11): the highest of the 2014/2020/2022 thresholds for a length, so a
# generated budget clears every era's threshold.
def hbsvod_threshold_cents(length_minutes: int) -> int:
    """The strictest HBSVOD budget threshold in cents for a program length."""
    if length_minutes <= 35:
        return 1_300_000 * 100
    if length_minutes <= 65:
        return 2_500_000 * 100
    return 3_000_000 * 100
