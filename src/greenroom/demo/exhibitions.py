"""Reuse of each picture over its life: reruns, license periods and quarters of receipts.

Which markets apply to which kind of picture follows residuals-rules.md (§a3–§a12): free-TV reruns,
foreign and basic cable for television pictures, §78 pay-TV markets for programs made for pay,
Sideletter H/I new-media markets, HBSVOD exhibition years and the 2023 streaming success bonus.
Everything is generated column-wise over a batch of titles; -1 stands for "no value".
"""

from __future__ import annotations

from datetime import date

import numpy as np

from greenroom.demo.catalogue import GENRE, KIND, OUTLET, TitleBatch
from greenroom.demo.dates import (
    AS_OF_DAY,
    add_years,
    expand,
    july1_year,
    periods,
    quarters,
)
from greenroom.demo.reference import (
    AVOD_SERVICES,
    CABLE_NETWORKS,
    EST_STORES,
    FOREIGN_BROADCASTERS,
    PLATFORMS,
    SUPPLEMENTAL_OUTLETS,
    days_since_epoch,
)
from greenroom.ingest.schemas import TERRITORIES
from greenroom.residuals.markets import MARKETS

NULL = -1
MARKET_NAMES: tuple[str, ...] = tuple(MARKETS)
MARKET = {m: i for i, m in enumerate(MARKET_NAMES)}
TERRITORY = {t: i for i, t in enumerate(TERRITORIES)}
COLUMNS = ("title", "market", "start", "end", "run", "territory", "gross", "units", "minutes",
           "subscribers", "exh_days", "coverage", "platform")

HBSVOD_90_DAY_RULE = days_since_epoch(date(2017, 7, 1))
HBSVOD_FOREIGN_RULE = days_since_epoch(date(2020, 7, 1))
BONUS_FIRST_RELEASE = days_since_epoch(date(2024, 1, 1))
# Views ÷ subscribers is lognormal with this median and spread: P(ratio >= 0.20) is about 15%,
# in the 10–20% band of HBSVOD programs the 2023 success bonus was expected to reach.
BONUS_RATIO_MEDIAN = 0.087
BONUS_RATIO_SIGMA = 0.8
YEAR = 365


class Rows:
    """Exhibition rows collected column by column."""

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {c: [] for c in COLUMNS}

    def add(self, title: np.ndarray, market: str, start: np.ndarray, **values: np.ndarray | int | None) -> None:
        """Append rows for the given titles; unnamed columns are null."""
        n = len(title)
        if n == 0:
            return
        unknown = set(values) - set(COLUMNS)
        if unknown:
            raise KeyError(f"unknown exhibition columns {sorted(unknown)}")
        given: dict[str, np.ndarray | int | None] = {"title": title, "market": MARKET[market], "start": start,
                                                     **values}
        for c in COLUMNS:
            v = given.get(c)
            arr = np.full(n, NULL, dtype=np.int64) if v is None else np.broadcast_to(
                np.asarray(v, dtype=np.int64), (n,))
            self.parts[c].append(arr)

    def arrays(self) -> dict[str, np.ndarray]:
        """All rows as one array per column (empty arrays when there are none)."""
        return {c: np.concatenate(p) if p else np.zeros(0, dtype=np.int64) for c, p in self.parts.items()}


class _Ctx:
    """A batch of titles with per-program random draws shared by all of a program's episodes."""

    def __init__(self, rng: np.random.Generator, t: TitleBatch, density: float) -> None:
        self.rng = rng
        self.t = t
        self.density = density
        self.rows = Rows()
        local = t.program - (t.program.min() if t.n else 0)
        n_prog = int(local.max()) + 1 if t.n else 0
        self.local = local
        # Twelve independent uniforms per program decide which markets a program (series) enters.
        self.prog_u = rng.random((n_prog, 12))
        self.prog_pick = rng.integers(0, 1 << 30, size=(n_prog, 4))
        self.prog_delay = rng.random((n_prog, 4))

    def sel(self, kind: str) -> np.ndarray:
        return np.flatnonzero(self.t.kind == KIND[kind])

    def program_flag(self, sel: np.ndarray, slot: int, p: float | np.ndarray) -> np.ndarray:
        """Titles of sel whose program drew below p in slot (the same answer for every episode)."""
        return sel[self.prog_u[self.local[sel], slot] < p]

    def program_uniform(self, sel: np.ndarray, slot: int, lo: float, hi: float) -> np.ndarray:
        return lo + (hi - lo) * self.prog_delay[self.local[sel], slot]

    def program_choice(self, sel: np.ndarray, slot: int, options: tuple[str, ...]) -> np.ndarray:
        return np.array([OUTLET[o] for o in options])[self.prog_pick[self.local[sel], slot] % len(options)]

    def jitter(self, n: int, lo: int, hi: int) -> np.ndarray:
        return self.rng.integers(lo, hi + 1, size=n)

    def money(self, median_dollars: np.ndarray | float, n: int, sigma: float = 0.5) -> np.ndarray:
        """Cents around a median in dollars, lognormal; at least one cent."""
        cents = np.asarray(median_dollars, dtype=np.float64) * 100.0 * self.rng.lognormal(0.0, sigma, n)
        return np.maximum(np.round(cents), 1).astype(np.int64)

    def thin(self, n: int, p: float) -> np.ndarray:
        """Which of n periodic rows had receipts (not every quarter does), scaled by density."""
        return self.rng.random(n) < min(p * self.density, 1.0)

    def runs_cap(self, n: int) -> int:
        return max(int(np.ceil(n * self.density)), 1)


def make_exhibitions(rng: np.random.Generator, t: TitleBatch, density: float) -> dict[str, np.ndarray]:
    """Every reuse event of a batch of titles, ordered by title then date (title = batch index)."""
    c = _Ctx(rng, t, density)
    if t.n:
        _network_series(c)
        _network_nonprime(c)
        _syndicated_series(c)
        _tv_movie(c)
        _made_for_pay(c)
        _new_media(c)
        _hbsvod(c)
        _theatrical_feature(c)
    rows = c.rows.arrays()
    order = np.lexsort((rows["market"], rows["start"], rows["title"]))
    return {k: v[order] for k, v in rows.items()}


# ---- building blocks -------------------------------------------------------------------------


def _reruns(c: _Ctx, sel: np.ndarray, market: str, p2: float, p3: float, lo: int, hi: int) -> np.ndarray:
    """Network reruns 2 and 3 of each title; returns the last run number per title of sel (1 if none)."""
    t = c.t
    last = np.ones(len(sel), dtype=np.int64)
    if not len(sel):
        return last
    second = c.rng.random(len(sel)) < p2
    third = second & (c.rng.random(len(sel)) < p3)
    day2 = t.release[sel] + c.jitter(len(sel), lo, hi)
    day3 = day2 + c.jitter(len(sel), 30, 110)
    ok2 = second & (day2 <= AS_OF_DAY)
    ok3 = third & ok2 & (day3 <= AS_OF_DAY)
    c.rows.add(sel[ok2], market, day2[ok2], run=2, platform=t.outlet[sel[ok2]])
    c.rows.add(sel[ok3], market, day3[ok3], run=3, platform=t.outlet[sel[ok3]])
    last[ok2] = 2
    last[ok3] = 3
    return last


def _syndication(c: _Ctx, sel: np.ndarray, first_day: np.ndarray, step: np.ndarray, first_run: np.ndarray,
                 max_runs: int, partial_p: float, b_gross: np.ndarray | None) -> None:
    """Syndication runs with increasing run numbers; half-hours may start in partial markets (B-2)."""
    if not len(sel):
        return
    t = c.t
    rep, k, day = _events(first_day, step, c.runs_cap(max_runs))
    day = day + c.jitter(len(day), 0, 20)
    ok = day <= AS_OF_DAY
    rep, k, day = rep[ok], k[ok], day[ok]
    title = sel[rep]
    coverage = np.full(len(title), NULL, dtype=np.int64)
    half = t.length[title] <= 30
    partial_runs = np.where(c.prog_u[c.local[title], 11] < partial_p,
                            1 + c.prog_pick[c.local[title], 3] % 3, 0)
    coverage[half] = np.where(k[half] < partial_runs[half], c.jitter(int(half.sum()), 12, 50),
                              c.jitter(int(half.sum()), 55, 99))
    gross = None
    if b_gross is not None:
        gross = np.full(len(title), NULL, dtype=np.int64)
        has = b_gross[rep] > 0
        gross[has] = c.money(b_gross[rep][has] * 0.92 ** k[has], int(has.sum()), 0.35)
    c.rows.add(title, "syndication", day, run=first_run[rep] + k, coverage=coverage, gross=gross)


def _events(first: np.ndarray, step: np.ndarray, max_n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = np.where(first <= AS_OF_DAY, (AS_OF_DAY - first) // np.maximum(step, 1) + 1, 0)
    rep, k = expand(np.clip(n, 0, max_n))
    return rep, k, first[rep] + k * step[rep]


def _quarterly(c: _Ctx, sel: np.ndarray, market: str, start: np.ndarray, max_n: int, keep: float,
               median: np.ndarray, decay: float, territory: str | None = None,
               platform: np.ndarray | None = None, sigma: float = 0.6,
               licensees: tuple[str, ...] = (), per_quarter: float = 1.0) -> None:
    """Quarters of gross receipts from start, thinned to the quarters that had any.

    With licensees, a quarter has about per_quarter rows, one per licensee (named in `platform`).
    """
    if not len(sel):
        return
    rep, k, s, e = quarters(start, max_n)
    ok = c.thin(len(rep), keep)
    rep, k, s, e = rep[ok], k[ok], s[ok], e[ok]
    plat = None if platform is None else platform[rep]
    if licensees and len(rep):
        rep, k, s, e, plat = _split_licensees(c, rep, k, s, e, licensees, per_quarter)
    gross = c.money(median[rep] * decay ** k / per_quarter, len(rep), sigma)
    c.rows.add(sel[rep], market, s, end=e, gross=gross,
               territory=NULL if territory is None else TERRITORY[territory], platform=plat)


def _split_licensees(c: _Ctx, rep: np.ndarray, k: np.ndarray, s: np.ndarray, e: np.ndarray,
                     licensees: tuple[str, ...], per_quarter: float) -> tuple[np.ndarray, ...]:
    """One row per licensee in each quarter: distinct licensees, 1 + Poisson(per_quarter - 1) of them."""
    n = np.minimum(1 + c.rng.poisson(max(per_quarter - 1.0, 0.0), len(rep)), len(licensees))
    row, j = expand(n)
    first = c.rng.integers(0, len(licensees), size=len(rep))
    codes = np.array([OUTLET[name] for name in licensees])[(first[row] + j) % len(licensees)]
    return rep[row], k[row], s[row], e[row], codes


def _licenses(c: _Ctx, sel: np.ndarray, market: str, start: np.ndarray, max_n: np.ndarray | int,
              median: np.ndarray, decay: float, platform: np.ndarray | None = None,
              territory: str | None = None) -> None:
    """Back-to-back one-year license periods with a license fee each."""
    if not len(sel):
        return
    rep, k, s, e = periods(start, YEAR, YEAR, max_n)
    gross = c.money(median[rep] * decay ** k, len(rep), 0.4)
    c.rows.add(sel[rep], market, s, end=e, gross=gross,
               territory=NULL if territory is None else TERRITORY[territory],
               platform=None if platform is None else platform[rep])


def _est(c: _Ctx, sel: np.ndarray, start: np.ndarray, max_n: int, median_units: np.ndarray,
         price_cents: tuple[int, int], market: str = "nm_est", stores: tuple[str, ...] = ()) -> None:
    """Quarters of download-to-own (or disc) sales: units and the distributor's gross for them."""
    if not len(sel):
        return
    rep, k, s, e = quarters(start, max_n)
    ok = c.thin(len(rep), 0.85)
    rep, k, s, e = rep[ok], k[ok], s[ok], e[ok]
    plat = None
    share = 1.0
    if stores and len(rep):
        rep, k, s, e, plat = _split_licensees(c, rep, k, s, e, stores, 2.5)
        share = 2.5
    units = np.maximum(c.rng.poisson(median_units[rep] * 0.86 ** k / share), 1)
    # The distributor keeps about 70% of the retail price.
    price = c.rng.integers(price_cents[0], price_cents[1] + 1, size=len(rep))
    gross = np.round(units * price * 0.7).astype(np.int64)
    c.rows.add(sel[rep], market, s, end=e, gross=gross, units=units, platform=plat)


def _avod(c: _Ctx, sel: np.ndarray, start: np.ndarray, max_n: int, median: np.ndarray,
          gross_from: int, platform: np.ndarray) -> None:
    """26-week AVOD periods; from period `gross_from` on, the distributor's gross is reported."""
    if not len(sel):
        return
    rep, k, s, e = periods(start, 182, 182, c.runs_cap(max_n))
    gross = np.where(k >= gross_from, c.money(median[rep], len(rep), 0.6), NULL)
    c.rows.add(sel[rep], "nm_avod", s, end=e, gross=gross, platform=platform[rep])


def _scale_by_length(t: TitleBatch, sel: np.ndarray, half_hour: float) -> np.ndarray:
    """Median dollars for a title: half_hour for 30 minutes, in proportion up to two hours, × popularity."""
    hours = np.clip(t.length[sel] / 30.0, 1.0, 4.0)
    return half_hour * hours ** 0.8 * t.popularity[sel]


def _common_tv_reuse(c: _Ctx, sel: np.ndarray, *, foreign_p: float, cable_p: float, supp_p: float,
                     video_p: float, rental_p: float, est_p: float, avod_p: float) -> None:
    """Foreign, basic cable, supplemental and new-media reuse shared by the free-TV kinds."""
    t = c.t
    rel = t.release
    s = c.program_flag(sel, 1, foreign_p)
    _quarterly(c, s, "foreign_tv", rel[s] + c.jitter(len(s), 120, 420), 60, 0.8,
               _scale_by_length(t, s, 2500.0), 0.985, territory="FOREIGN",
               licensees=FOREIGN_BROADCASTERS, per_quarter=3.0)
    s = c.program_flag(sel, 2, cable_p)
    _quarterly(c, s, "basic_cable", rel[s] + (c.program_uniform(s, 0, 1.5, 5.0) * YEAR).astype(np.int64),
               48, 0.8, _scale_by_length(t, s, 1500.0), 0.98,
               platform=c.program_choice(s, 0, CABLE_NETWORKS))
    s = c.program_flag(sel, 3, supp_p)
    _quarterly(c, s, "supplemental", rel[s] + c.jitter(len(s), 200, 900), 24, 0.4,
               _scale_by_length(t, s, 700.0), 0.97, licensees=SUPPLEMENTAL_OUTLETS, per_quarter=1.8)
    old = t.release[sel] < days_since_epoch(date(2019, 1, 1))
    s = c.program_flag(sel, 4, np.where(old, video_p, video_p / 3))
    _quarterly(c, s, "home_video", rel[s] + c.jitter(len(s), 150, 400), 10, 0.95,
               _scale_by_length(t, s, 1400.0), 0.85, territory="WORLD")
    s = c.program_flag(sel, 5, rental_p)
    _licenses(c, s, "nm_rental", rel[s] + (c.program_uniform(s, 1, 1.0, 2.5) * YEAR).astype(np.int64),
              1 + c.prog_pick[c.local[s], 1] % 4, _scale_by_length(t, s, 3000.0), 0.8,
              platform=c.program_choice(s, 1, tuple(p.name for p in PLATFORMS)))
    s = c.program_flag(sel, 6, est_p)
    _est(c, s, rel[s] + c.jitter(len(s), 0, 60), 16, 120.0 * t.popularity[s], (199, 299), stores=EST_STORES)
    s = c.program_flag(sel, 7, avod_p)
    # Streaming may start after the paid AVOD year has run out, so the distributor's gross is always sent.
    _avod(c, s, rel[s] + (c.program_uniform(s, 2, 0.5, 3.0) * YEAR).astype(np.int64), 6,
          _scale_by_length(t, s, 500.0), 0, c.program_choice(s, 2, AVOD_SERVICES))


def _in_lieu(c: _Ctx, sel: np.ndarray, canada: bool = True) -> None:
    """Rare Canada-only syndication and non-English U.S. telecasts (both paid on gross).

    The Canada-only option is in lieu of reruns, so pictures made for syndication never take it.
    """
    t = c.t
    s = c.program_flag(sel, 8, 0.05 if canada else 0.0)
    _licenses(c, s, "canada_syndication", t.release[s] + c.jitter(len(s), 400, 1500), 2,
              _scale_by_length(t, s, 4000.0), 0.9, territory="CA")
    s = c.program_flag(sel, 9, 0.08)
    _licenses(c, s, "non_english_us", t.release[s] + c.jitter(len(s), 300, 1200), 3,
              _scale_by_length(t, s, 2500.0), 0.9, territory="US")


# ---- kinds ------------------------------------------------------------------------------------


def _network_series(c: _Ctx) -> None:
    t = c.t
    sel = c.sel("network_series")
    if not len(sel):
        return
    last = _reruns(c, sel, "network_prime", 0.6, 0.35, 90, 240)
    # Off-network syndication mostly for series that made it to a third season (about 60 episodes).
    p = np.where(t.series_seasons[sel] >= 3, 0.85, 0.15)
    go = c.prog_u[c.local[sel], 0] < p
    s, s_last = sel[go], last[go]
    start = t.series_start[s] + (c.program_uniform(s, 3, 3.5, 5.0) * YEAR).astype(np.int64)
    first = np.maximum(start + c.jitter(len(s), 0, 90), t.release[s] + YEAR)
    step = (150 + c.prog_pick[c.local[s], 2] % 180).astype(np.int64)
    # Sideletter B: one-hour network dramas in syndication report the license revenue per episode.
    drama_hour = (t.length[s] == 60) & (t.genre[s] == GENRE["drama"])
    b_gross = np.where(drama_hour, 600_000.0 * np.sqrt(t.popularity[s]), 0.0)
    _syndication(c, s, first, step, s_last + 1, 24, 0.5, b_gross)
    _common_tv_reuse(c, sel, foreign_p=0.85, cable_p=0.5, supp_p=0.4, video_p=0.6, rental_p=0.55,
                     est_p=0.4, avod_p=0.35)
    _in_lieu(c, sel)


def _network_nonprime(c: _Ctx) -> None:
    t = c.t
    sel = c.sel("network_nonprime")
    if not len(sel):
        return
    last = _reruns(c, sel, "network_nonprime", 0.5, 0.3, 30, 200)
    go = c.prog_u[c.local[sel], 0] < 0.15
    s = sel[go]
    first = t.release[s] + (c.program_uniform(s, 3, 2.0, 4.0) * YEAR).astype(np.int64)
    step = (200 + c.prog_pick[c.local[s], 2] % 200).astype(np.int64)
    _syndication(c, s, first, step, last[go] + 1, 12, 0.3, None)
    _common_tv_reuse(c, sel, foreign_p=0.45, cable_p=0.2, supp_p=0.1, video_p=0.15, rental_p=0.2,
                     est_p=0.1, avod_p=0.35)


def _syndicated_series(c: _Ctx) -> None:
    t = c.t
    sel = c.sel("syndicated_series")
    if not len(sel):
        return
    # First-run syndication is run 1; reruns follow on stations through the seasons.
    first = t.release[sel] + c.jitter(len(sel), 120, 300)
    step = (150 + c.prog_pick[c.local[sel], 2] % 180).astype(np.int64)
    _syndication(c, sel, first, step, np.full(len(sel), 2, dtype=np.int64), 24, 0.4, None)
    _common_tv_reuse(c, sel, foreign_p=0.6, cable_p=0.35, supp_p=0.15, video_p=0.3, rental_p=0.3,
                     est_p=0.15, avod_p=0.35)
    _in_lieu(c, sel, canada=False)


def _tv_movie(c: _Ctx) -> None:
    t = c.t
    sel = c.sel("tv_movie")
    if not len(sel):
        return
    last = _reruns(c, sel, "network_prime", 0.4, 0.3, 120, 400)
    go = c.prog_u[c.local[sel], 0] < 0.5
    s = sel[go]
    first = t.release[s] + (c.program_uniform(s, 3, 1.5, 3.0) * YEAR).astype(np.int64)
    step = (300 + c.prog_pick[c.local[s], 2] % 200).astype(np.int64)
    _syndication(c, s, first, step, last[go] + 1, 12, 0.0, None)
    _common_tv_reuse(c, sel, foreign_p=0.85, cable_p=0.4, supp_p=0.45, video_p=0.5, rental_p=0.45,
                     est_p=0.3, avod_p=0.3)
    _in_lieu(c, sel)
    # A few TV movies get a theatrical release abroad, and fewer also at home (§19: two areas).
    s = c.program_flag(sel, 10, 0.07)
    day = t.release[s] + c.jitter(len(s), 30, 365)
    ok = day <= AS_OF_DAY
    s, day = s[ok], day[ok]
    c.rows.add(s, "theatrical", day, territory=TERRITORY["FOREIGN"])
    both = c.rng.random(len(s)) < 0.35
    day2 = day[both] + c.jitter(int(both.sum()), 60, 400)
    ok2 = day2 <= AS_OF_DAY
    c.rows.add(s[both][ok2], "theatrical", day2[ok2], territory=TERRITORY["US-CA"])


def _made_for_pay(c: _Ctx) -> None:
    t = c.t
    sel = c.sel("made_for_pay")
    if not len(sel):
        return
    film = t.series_no[sel] < 0
    license_median = np.where(film, 120_000.0, 40_000.0) * t.popularity[sel]
    # The first pay-TV year on the initial service, then renewals; days of exhibition per year.
    n_years = 1 + c.prog_pick[c.local[sel], 0] % 6
    rep, k, s, e = periods(t.release[sel], YEAR, YEAR, n_years)
    days = np.maximum(c.rng.integers(8, 41, size=len(rep)) - 4 * k, 2)
    c.rows.add(sel[rep], "pay_tv", s, end=e, exh_days=days,
               gross=c.money(license_median[rep] * 0.75 ** k, len(rep), 0.4),
               territory=TERRITORY["US-CA"], platform=t.outlet[sel[rep]])
    # Foreign pay TV is always beyond the free days.
    f = c.program_flag(sel, 1, 0.4)
    fm = np.where(t.series_no[f] < 0, 50_000.0, 15_000.0) * t.popularity[f]
    rep, k, s, e = periods(t.release[f] + c.jitter(len(f), 180, 540), YEAR, YEAR, 3)
    c.rows.add(f[rep], "pay_tv", s, end=e, exh_days=c.rng.integers(5, 31, size=len(rep)),
               gross=c.money(fm[rep] * 0.8 ** k, len(rep), 0.4), territory=TERRITORY["FOREIGN"])
    old = t.release[sel] < days_since_epoch(date(2021, 1, 1))
    v = c.program_flag(sel, 2, np.where(old, 0.5, 0.2))
    _est(c, v, t.release[v] + c.jitter(len(v), 90, 300), 8,
         np.where(t.series_no[v] < 0, 9_000.0, 2_500.0) * t.popularity[v], (1200, 2200),
         market="pay_tv_videodisc")
    b = c.program_flag(sel, 3, 0.3)
    _quarterly(c, b, "pay_tv_to_basic_cable", t.release[b] + c.jitter(len(b), 2 * YEAR, 4 * YEAR), 24, 0.8,
               np.where(t.series_no[b] < 0, 10_000.0, 3_000.0) * t.popularity[b], 0.97,
               platform=c.program_choice(b, 0, CABLE_NETWORKS))


def _new_media(c: _Ctx) -> None:
    t = c.t
    # Originals get no AVOD residual in the reference (Sideletter H sets one for derivatives only).
    for kind, avod_p, pay_p in (("new_media_derivative", 0.8, 0.5), ("new_media_original", 0.0, 0.7)):
        sel = c.sel(kind)
        if not len(sel):
            continue
        # AVOD after the 13 weeks covered by initial compensation; gross only after one year.
        a = c.program_flag(sel, 0, avod_p)
        _avod(c, a, t.release[a] + 91, 6, 300.0 * t.popularity[a], 2, t.outlet[a])
        p = c.program_flag(sel, 1, pay_p)
        _quarterly(c, p, "nm_consumer_pay", t.release[p] + 182, 20, 0.6, 350.0 * t.popularity[p], 0.95)


def _hbsvod(c: _Ctx) -> None:
    t = c.t
    sel = c.sel("hbsvod")
    if not len(sel):
        return
    # From the 2017 cycle, exhibition year 1 starts 90 days after the initial exhibition.
    year_one = np.where(t.pp[sel] >= HBSVOD_90_DAY_RULE, t.release[sel] + 90, t.release[sel])
    count_year = july1_year(t.pp[sel])
    dom = np.array([PLATFORMS[p].domestic(int(y)) for p, y in zip(t.platform[sel], count_year, strict=True)],
                   dtype=np.int64)
    foreign = np.array([PLATFORMS[p].foreign(int(y)) for p, y in zip(t.platform[sel], count_year, strict=True)],
                       dtype=np.int64)
    n_years = np.zeros(len(sel), dtype=np.int64)
    for year in range(1, 16):
        n_years += add_years(year_one, year) - 1 <= AS_OF_DAY
    rep, k = expand(n_years)
    start = add_years(year_one[rep], k)
    end = add_years(year_one[rep], k + 1) - 1
    title = sel[rep]
    c.rows.add(title, "hbsvod_domestic", start, end=end, subscribers=dom[rep], territory=TERRITORY["US-CA"],
               platform=t.outlet[title])
    # The foreign residual (35% of domestic) begins with the 2020 MOA.
    f = (foreign[rep] > 0) & (t.pp[title] >= HBSVOD_FOREIGN_RULE)
    c.rows.add(title[f], "hbsvod_foreign", start[f], end=end[f], subscribers=foreign[rep][f],
               territory=TERRITORY["FOREIGN"], platform=t.outlet[title[f]])
    # The success bonus looks at the first 90 days of programs exhibited from 2024 on.
    b = (t.release[sel] >= BONUS_FIRST_RELEASE) & (t.release[sel] + 89 <= AS_OF_DAY)
    s = sel[b]
    subs = np.array([PLATFORMS[p].domestic(int(y)) for p, y in zip(t.platform[s], july1_year(t.release[s]),
                                                                      strict=True)], dtype=np.int64)
    # One ratio per season (or film): every episode of a season is watched alike, so a per-title and
    # a per-season test of views ≥ 20% of subscribers agree.
    u = c.prog_u[c.local[s], 10]
    ratio = BONUS_RATIO_MEDIAN * np.exp(BONUS_RATIO_SIGMA * _norm_ppf(u) + 0.05 * (t.season[s] - 1))
    minutes = np.round(ratio * subs * t.length[s]).astype(np.int64)
    c.rows.add(s, "streaming_bonus", t.release[s], end=t.release[s] + 89, minutes=minutes, subscribers=subs,
               territory=TERRITORY["US-CA"], platform=t.outlet[s])
    # Related free AVOD of an HBSVOD program (2020 MOA 9.d), for a few programs years later.
    a = c.program_flag(sel, 2, 0.1)
    _avod(c, a, t.release[a] + c.jitter(len(a), YEAR, 3 * YEAR), 4, 2_000.0 * t.popularity[a], 0,
          c.program_choice(a, 0, AVOD_SERVICES))
    o = c.program_flag(sel, 1, 0.12)
    _licenses(c, o, "hbsvod_other", t.release[o] + c.jitter(len(o), 2 * YEAR, 4 * YEAR), 2,
              np.where(t.series_no[o] < 0, 60_000.0, 15_000.0) * t.popularity[o], 0.8)


def _norm_ppf(u: np.ndarray) -> np.ndarray:
    """Standard normal quantile (Acklam's rational approximation; ample for demo draws)."""
    u = np.clip(u, 1e-9, 1 - 1e-9)
    a = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
         -3.066479806614716e01, 2.506628277459239e00)
    b = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
         -1.328068155288572e01)
    cc = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
          4.374664141464968e00, 2.938163982698783e00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    out = np.empty_like(u)
    lo = u < 0.02425
    hi = u > 1 - 0.02425
    mid = ~(lo | hi)
    q = u[mid] - 0.5
    r = q * q
    out[mid] = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
                (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1))
    for mask, sign in ((lo, 1.0), (hi, -1.0)):
        qq = np.sqrt(-2 * np.log(np.where(sign > 0, u[mask], 1 - u[mask])))
        out[mask] = sign * (((((cc[0] * qq + cc[1]) * qq + cc[2]) * qq + cc[3]) * qq + cc[4]) * qq + cc[5]) / (
            (((d[0] * qq + d[1]) * qq + d[2]) * qq + d[3]) * qq + 1)
    return out


def _theatrical_feature(c: _Ctx) -> None:
    t = c.t
    sel = c.sel("theatrical_feature")
    if not len(sel):
        return
    pop = t.popularity[sel]
    rel = t.release[sel]
    # Pay-TV windows, in-flight and other supplemental markets, quarter by quarter.
    _quarterly(c, sel, "supplemental", rel + c.jitter(len(sel), 120, 300), 40, 0.7, 25_000.0 * pop, 0.97,
               licensees=SUPPLEMENTAL_OUTLETS, per_quarter=2.5)
    old = rel < days_since_epoch(date(2019, 1, 1))
    _quarterly(c, sel, "home_video", rel + c.jitter(len(sel), 90, 150), 16, 0.9,
               np.where(old, 60_000.0, 20_000.0) * pop, 0.85, territory="WORLD")
    s = c.program_flag(sel, 0, 0.7)
    _licenses(c, s, "nm_rental", t.release[s] + c.jitter(len(s), 300, 700), 5,
              150_000.0 * t.popularity[s], 0.75, platform=c.program_choice(s, 0, tuple(p.name for p in PLATFORMS)))
    _est(c, sel, rel + c.jitter(len(sel), 60, 120), 20, 2_500.0 * pop, (1299, 1999), stores=EST_STORES)
    s = c.program_flag(sel, 1, 0.45)
    _avod(c, s, t.release[s] + c.jitter(len(s), 2 * YEAR, 4 * YEAR), 6, 8_000.0 * t.popularity[s], 0,
          c.program_choice(s, 1, AVOD_SERVICES))
