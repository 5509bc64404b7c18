"""Pictures and the performers engaged on them: the titles and engagements of the demo union."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from greenroom.demo import names
from greenroom.demo.dates import AS_OF_DAY, july1_year
from greenroom.demo.reference import (
    AGREEMENT_START,
    AVOD_SERVICES,
    BACKGROUND_FACTOR,
    CABLE_NETWORKS,
    EST_STORES,
    FOREIGN_BROADCASTERS,
    NETWORKS,
    NEW_MEDIA_SERVICES,
    PAY_SERVICES,
    PLATFORM_WEIGHTS,
    PLATFORMS,
    SUPPLEMENTAL_OUTLETS,
    THREE_DAY_FACTOR,
    days_since_epoch,
    hbsvod_threshold_cents,
    scale_cents,
)
from greenroom.demo.scales import Scale
from greenroom.ingest.schemas import ENGAGEMENT_CATEGORIES, GENRES, TITLE_KINDS

KIND = {k: i for i, k in enumerate(TITLE_KINDS)}
GENRE = {g: i for i, g in enumerate(GENRES)}
CATEGORY = {c: i for i, c in enumerate(ENGAGEMENT_CATEGORIES)}

# Every service name an exhibition row may carry in its `platform` column; rows hold an index.
OUTLETS: tuple[str, ...] = tuple(dict.fromkeys(
    tuple(p.name for p in PLATFORMS) + NETWORKS + PAY_SERVICES + CABLE_NETWORKS + AVOD_SERVICES
    + NEW_MEDIA_SERVICES + FOREIGN_BROADCASTERS + SUPPLEMENTAL_OUTLETS + EST_STORES
))
OUTLET = {name: i for i, name in enumerate(OUTLETS)}

# Share of programs (a series with all its seasons, or one film) of each kind. Episodic kinds have
# fewer programs but many titles each.
PROGRAM_MIX: dict[str, float] = {
    "network_series": 0.13,
    "network_nonprime": 0.05,
    "syndicated_series": 0.05,
    "tv_movie": 0.10,
    "made_for_pay": 0.08,
    "new_media_derivative": 0.06,
    "new_media_original": 0.07,
    "hbsvod": 0.20,
    "theatrical_feature": 0.26,
}
# Relative production activity by year of first principal photography: half a year in 2014, the
# 2020 shutdown and the 2023 strikes.
YEAR_WEIGHTS: dict[int, float] = {
    2014: 0.5, 2015: 1.0, 2016: 1.0, 2017: 1.05, 2018: 1.1, 2019: 1.1, 2020: 0.6, 2021: 1.15,
    2022: 1.15, 2023: 0.6, 2024: 0.9, 2025: 0.9, 2026: 0.45,
}
# Series: (chance of renewal each season, max seasons, episodes per season low/high).
SERIES_SHAPE: dict[str, tuple[float, int, int, int]] = {
    "network_series": (0.62, 9, 10, 22),
    "network_nonprime": (0.6, 6, 10, 20),
    "syndicated_series": (0.6, 7, 20, 26),
    "made_for_pay": (0.6, 6, 8, 12),
    "new_media_derivative": (0.4, 4, 6, 10),
    "new_media_original": (0.45, 4, 6, 12),
    "hbsvod": (0.55, 6, 6, 10),
}


@dataclass
class Performers:
    """The union's members who appear in the demo: ids, names and who gets cast how often."""

    ids: list[str]
    names: list[str]
    n_principal: int
    principal_cdf: np.ndarray
    background_cdf: np.ndarray

    @property
    def count(self) -> int:
        """Number of performers."""
        return len(self.ids)


def make_performers(rng: np.random.Generator, n: int) -> Performers:
    """Performers with unique professional names and a Zipf-like chance of being cast."""
    width = max(5, len(str(n)))
    # Internally performers are ranked by how often they are cast; their union ids are not.
    ids = [f"P{i + 1:0{width}d}" for i in rng.permutation(n).tolist()]
    nf, nl = len(names.FIRST_NAMES), len(names.LAST_NAMES)
    plain = min(n, int(nf * nl * 0.7))
    # SAG-AFTRA professional names are unique; beyond the plain first/last pairs, middle initials.
    codes = rng.choice(nf * nl, size=plain, replace=False)
    out = [f"{names.FIRST_NAMES[c // nl]} {names.LAST_NAMES[c % nl]}" for c in codes.tolist()]
    if n > plain:
        extra = rng.choice(nf * nl * 26, size=n - plain, replace=False)
        for c in extra.tolist():
            pair, letter = divmod(c, 26)
            out.append(f"{names.FIRST_NAMES[pair // nl]} {chr(65 + letter)}. {names.LAST_NAMES[pair % nl]}")
    order = rng.permutation(n)
    performer_names = [out[i] for i in order.tolist()]
    # Two populations: principals (steep popularity: a few work constantly) and background actors.
    n_principal = max(int(n * 0.65), 1)
    n_background = max(n - n_principal, 1)
    pw = 1.0 / (np.arange(n_principal) + 20.0) ** 0.85
    bw = 1.0 / (np.arange(n_background) + 50.0) ** 0.6
    return Performers(ids, performer_names, n_principal, np.cumsum(pw) / pw.sum(), np.cumsum(bw) / bw.sum())


@dataclass
class Counters:
    """Running numbers for ids across batches."""

    program: int = 0
    series: int = 0
    title: int = 0
    engagement: int = 0


@dataclass
class TitleBatch:
    """A batch of titles as columns (codes and day numbers) plus program-level facts used for reuse."""

    kind: np.ndarray
    length: np.ndarray
    pp: np.ndarray
    release: np.ndarray
    genre: np.ndarray
    program: np.ndarray
    series_no: np.ndarray
    season: np.ndarray
    episode: np.ndarray
    platform: np.ndarray
    outlet: np.ndarray
    budget: np.ndarray
    popularity: np.ndarray
    series_start: np.ndarray
    series_seasons: np.ndarray
    names: list[str]

    @property
    def n(self) -> int:
        """Number of titles."""
        return len(self.kind)


@dataclass
class EngagementBatch:
    """Engagements of a batch as columns; title is the index of the title within its batch."""

    title: np.ndarray
    performer: np.ndarray
    category: np.ndarray
    days: np.ndarray
    weeks: np.ndarray
    tac: np.ndarray

    @property
    def n(self) -> int:
        """Number of engagements."""
        return len(self.title)


@dataclass
class _Builder:
    cols: dict[str, list[int]] = field(default_factory=lambda: {k: [] for k in (
        "kind", "length", "pp", "release", "genre", "program", "series_no", "season", "episode",
        "platform", "outlet", "budget", "series_start", "series_seasons")})
    popularity: list[float] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    # (title index, performer, category code, tac factor) for casts fixed per program.
    fixed: list[tuple[int, int, int, float]] = field(default_factory=list)


def _series_name(rng: np.random.Generator) -> str:
    adj = names.TITLE_ADJECTIVES[rng.integers(len(names.TITLE_ADJECTIVES))]
    noun = names.TITLE_NOUNS[rng.integers(len(names.TITLE_NOUNS))]
    place = names.TITLE_PLACES[rng.integers(len(names.TITLE_PLACES))]
    pattern = int(rng.integers(5))
    if pattern == 0:
        return f"The {noun}"
    if pattern == 1:
        return f"{adj} {noun}"
    if pattern == 2:
        return f"The {adj} {noun}"
    if pattern == 3:
        return f"{noun} of {place}"
    return place


# Start years of the first program of each kind; the HBSVOD one is recent enough for the 2023 bonus.
_FIRST_PROGRAM_YEAR = {
    "network_series": 2015, "network_nonprime": 2016, "syndicated_series": 2017, "tv_movie": 2016,
    "made_for_pay": 2018, "new_media_derivative": 2019, "new_media_original": 2020, "hbsvod": 2024,
    "theatrical_feature": 2017,
}


def _start_day(rng: np.random.Generator, program: int) -> int:
    years = list(YEAR_WEIGHTS)
    w = np.array([YEAR_WEIGHTS[y] for y in years])
    year = years[int(rng.choice(len(years), p=w / w.sum()))]
    if program < len(TITLE_KINDS):
        # The first program of each kind starts early enough to have released titles and a reuse
        # history, so that even the tiny union covers every kind and most markets.
        year = _FIRST_PROGRAM_YEAR[TITLE_KINDS[program]]
    lo = max(date(year, 1, 1), AGREEMENT_START)
    hi = date(year, 12, 31) if year < 2026 else date(2026, 6, 30)
    return days_since_epoch(lo) + int(rng.integers(0, (hi - lo).days + 1))


def _pick(rng: np.random.Generator, options: tuple[tuple[str, int, float], ...]) -> tuple[str, int]:
    """Choose (genre, length) from weighted options."""
    w = np.array([o[2] for o in options])
    o = options[int(rng.choice(len(options), p=w / w.sum()))]
    return o[0], o[1]


def _genre_and_length(rng: np.random.Generator, kind: str, series: bool) -> tuple[str, int]:
    if kind == "network_series":
        return _pick(rng, (("comedy", 30, 0.42), ("drama", 60, 0.5), ("animation", 30, 0.08)))
    if kind == "network_nonprime":
        return _pick(rng, (("variety", 60, 0.35), ("drama", 60, 0.25), ("children", 30, 0.2),
                           ("comedy", 30, 0.2)))
    if kind == "syndicated_series":
        return _pick(rng, (("comedy", 30, 0.3), ("variety", 30, 0.15), ("variety", 60, 0.1),
                           ("drama", 60, 0.25), ("children", 30, 0.2)))
    if kind == "new_media_derivative":
        g = _pick(rng, (("comedy", 0, 0.4), ("drama", 0, 0.4), ("animation", 0, 0.2)))[0]
        return g, int(rng.choice([5, 8, 10, 12, 15]))
    if kind == "new_media_original":
        g = _pick(rng, (("comedy", 0, 0.35), ("drama", 0, 0.35), ("animation", 0, 0.15),
                        ("documentary", 0, 0.15)))[0]
        return g, int(rng.choice([10, 12, 15, 20, 22, 25]))
    if series:  # hbsvod and made_for_pay series
        return _pick(rng, (("drama", 60, 0.6), ("comedy", 30, 0.4)))
    if kind == "tv_movie":
        g = _pick(rng, (("drama", 0, 0.6), ("comedy", 0, 0.2), ("documentary", 0, 0.2)))[0]
        return g, 120 if rng.random() < 0.65 else 90
    if kind == "made_for_pay":
        g = _pick(rng, (("drama", 0, 0.55), ("comedy", 0, 0.25), ("documentary", 0, 0.2)))[0]
        return g, 120 if rng.random() < 0.5 else 90
    g = _pick(rng, (("drama", 0, 0.45), ("comedy", 0, 0.3), ("animation", 0, 0.1),
                    ("documentary", 0, 0.1), ("other", 0, 0.05)))[0]
    # Feature runtimes as released, not slot lengths.
    return g, int(rng.integers(85, 151)) if kind == "theatrical_feature" else int(rng.integers(88, 136))


def _budget_cents(rng: np.random.Generator, kind: str, length: int, series: bool) -> int:
    def between(lo: float, hi: float) -> float:
        return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))

    hours = length / 60.0
    if kind == "hbsvod":
        dollars = hbsvod_threshold_cents(length) / 100 * between(1.3, 4.0 if series else 40.0)
    elif kind == "network_series":
        dollars = between(2.5e6, 6e6) * hours
    elif kind == "network_nonprime":
        dollars = between(1.5e5, 1e6) * hours
    elif kind == "syndicated_series":
        dollars = between(3e5, 1.5e6) * hours
    elif kind == "tv_movie":
        dollars = between(2e6, 8e6)
    elif kind == "made_for_pay":
        dollars = between(3e6, 1e7) * hours if series else between(5e6, 2.5e7)
    elif kind == "new_media_derivative":
        dollars = between(5e3, 4e4) * length
    elif kind == "new_media_original":
        # Straddles the $25,000/minute line that decides consumer-pay residuals (Sideletter H).
        dollars = between(8e3, 6e4) * length
    else:
        dollars = between(5e6, 1.5e8)
    return int(round(dollars / 1000.0)) * 100_000


def _outlet(rng: np.random.Generator, kind: str, platform: int) -> int:
    if kind in ("network_series", "network_nonprime", "tv_movie"):
        return OUTLET[NETWORKS[rng.integers(len(NETWORKS))]]
    if kind == "made_for_pay":
        return OUTLET[PAY_SERVICES[rng.integers(len(PAY_SERVICES))]]
    if kind.startswith("new_media"):
        return OUTLET[NEW_MEDIA_SERVICES[rng.integers(len(NEW_MEDIA_SERVICES))]]
    if kind == "hbsvod":
        return OUTLET[PLATFORMS[platform].name]
    return -1


def _platform(rng: np.random.Generator, pp_day: int) -> int:
    year = int(july1_year(np.array([pp_day]))[0])
    w = np.array([wt if p.domestic(year) > 0 else 0.0 for p, wt in zip(PLATFORMS, PLATFORM_WEIGHTS, strict=True)])
    return int(rng.choice(len(PLATFORMS), p=w / w.sum()))


def _draw_distinct(rng: np.random.Generator, cdf: np.ndarray, k: int, exclude: set[int]) -> list[int]:
    chosen: list[int] = []
    seen = set(exclude)
    n = len(cdf)
    for _ in range(k * 20):
        if len(chosen) == k or len(seen) >= n:
            break
        p = int(np.searchsorted(cdf, rng.random(), side="right"))
        p = min(p, n - 1)
        if p not in seen:
            seen.add(p)
            chosen.append(p)
    return chosen


def _program(rng: np.random.Generator, kind: str, program: int, b: _Builder, counters: Counters,
             perf: Performers, scale: Scale) -> None:
    """Append one program (a series with its seasons, or one film) and its fixed cast to the builder."""
    series = kind in SERIES_SHAPE and (
        kind not in ("made_for_pay", "hbsvod") or rng.random() < (0.45 if kind == "made_for_pay" else 0.6))
    genre, length = _genre_and_length(rng, kind, series)
    start = _start_day(rng, program)
    platform = _platform(rng, start) if kind == "hbsvod" else -1
    outlet = _outlet(rng, kind, platform)
    popularity = float(rng.lognormal(0.0, 0.8))
    base_name = _series_name(rng)
    episodes: list[tuple[int, int, int, int]] = []  # (season, episode, pp, release)
    if series:
        renew, max_seasons, lo, hi = SERIES_SHAPE[kind]
        if scale.max_seasons is not None:
            max_seasons = min(max_seasons, scale.max_seasons)
        seasons = 1
        while seasons < max_seasons and rng.random() < renew:
            seasons += 1
        shoot_days = 5 if length <= 30 else 8
        for s in range(1, seasons + 1):
            season_pp = start + (s - 1) * 365 + int(rng.integers(-20, 21))
            if season_pp > AS_OF_DAY - 60:
                break
            n_eps = int(rng.integers(lo, hi + 1))
            if scale.max_episodes is not None:
                n_eps = min(n_eps, scale.max_episodes)
            binge = kind in ("hbsvod", "new_media_derivative", "new_media_original", "made_for_pay")
            premiere = season_pp + int(rng.integers(100, 150)) + (n_eps * shoot_days if binge else 0)
            for e in range(1, n_eps + 1):
                pp = season_pp + (e - 1) * shoot_days
                if binge:
                    release = premiere
                elif kind == "network_nonprime":
                    release = premiere + (e - 1) * 7 // 5  # weekdays
                else:
                    release = premiere + (e - 1) * 7
                episodes.append((s, e, pp, max(release, pp + 30)))
    else:
        delay = int(rng.integers(300, 620)) if kind == "theatrical_feature" else int(rng.integers(150, 420))
        episodes.append((-1, -1, start, start + delay))
    episodes = [ep for ep in episodes if ep[3] <= AS_OF_DAY]
    if not episodes:
        return
    series_no = -1
    if series:
        counters.series += 1
        series_no = counters.series
    first_title = len(b.names)
    n_seasons = max(ep[0] for ep in episodes) if series else 0
    for s, e, pp, release in episodes:
        c = b.cols
        c["kind"].append(KIND[kind])
        c["length"].append(length)
        c["pp"].append(pp)
        c["release"].append(release)
        c["genre"].append(GENRE[genre])
        c["program"].append(program)
        c["series_no"].append(series_no)
        c["season"].append(s)
        c["episode"].append(e)
        c["platform"].append(platform)
        c["outlet"].append(outlet)
        c["budget"].append(_budget_cents(rng, kind, length, series))
        c["series_start"].append(episodes[0][3])
        c["series_seasons"].append(n_seasons)
        b.popularity.append(popularity)
        b.names.append(f"{base_name}: Season {s}, Episode {e}" if series else base_name)
    _fixed_cast(rng, kind, series, genre, episodes, first_title, b, perf)


def _fixed_cast(rng: np.random.Generator, kind: str, series: bool, genre: str,
                episodes: list[tuple[int, int, int, int]], first_title: int, b: _Builder,
                perf: Performers) -> None:
    """Series regulars who recur episode after episode, and the announcer when there is one."""
    regulars: list[tuple[int, float]] = []
    announcer = -1
    wants_announcer = rng.random() < (
        0.4 if genre in ("variety", "children") else 0.2 if kind == "made_for_pay" else 0.05)
    if wants_announcer:
        got = _draw_distinct(rng, perf.principal_cdf, 1, set())
        announcer = got[0] if got else -1
    if series:
        size = int(rng.integers(2, 5)) if kind.startswith("new_media") else int(rng.integers(3, 9))
        season = 0
        for i, (s, _e, _pp, _rel) in enumerate(episodes):
            if s != season:
                season = s
                # Most regulars return each season; a few are written out and replaced.
                kept = [r for r in regulars if rng.random() < 0.85]
                taken = {p for p, _ in kept} | {announcer}
                new = _draw_distinct(rng, perf.principal_cdf, size - len(kept), taken)
                # Series regulars negotiate per-episode fees well above weekly scale.
                regulars = kept + [(p, float(rng.lognormal(np.log(2.2), 0.6))) for p in new]
            raise_by = 1.04 ** (s - 1)
            for p, factor in regulars:
                b.fixed.append((first_title + i, p, CATEGORY["series"], max(factor, 1.0) * raise_by))
    if announcer >= 0:
        for i in range(len(episodes)):
            b.fixed.append((first_title + i, announcer, CATEGORY["announcer"], 1.0))


def make_batch(rng: np.random.Generator, kinds: list[str], counters: Counters, perf: Performers,
               scale: Scale) -> tuple[TitleBatch, EngagementBatch]:
    """Titles of the given programs (one kind each) and every engagement on them."""
    b = _Builder()
    for kind in kinds:
        _program(rng, kind, counters.program, b, counters, perf, scale)
        counters.program += 1
    cols = {k: np.array(v, dtype=np.int64) for k, v in b.cols.items()}
    titles = TitleBatch(popularity=np.array(b.popularity, dtype=np.float64), names=b.names, **cols)
    return titles, _engagements(rng, titles, b.fixed, perf)


def choose_kinds(rng: np.random.Generator, n: int, counters: Counters) -> list[str]:
    """Kinds of the next n programs: one of each kind first (so even tiny unions cover all), then the mix."""
    kinds = list(PROGRAM_MIX)
    w = np.array(list(PROGRAM_MIX.values()))
    drawn = rng.choice(len(kinds), size=n, p=w / w.sum())
    out = []
    for i in range(n):
        number = counters.program + i
        out.append(TITLE_KINDS[number] if number < len(TITLE_KINDS) else kinds[int(drawn[i])])
    return out


def _engagements(rng: np.random.Generator, t: TitleBatch, fixed: list[tuple[int, int, int, float]],
                 perf: Performers) -> EngagementBatch:
    n = t.n
    kind = t.kind
    film = t.series_no < 0
    new_media = (kind == KIND["new_media_derivative"]) | (kind == KIND["new_media_original"])
    big = (kind == KIND["theatrical_feature"]) | (kind == KIND["hbsvod"])
    # Guest and supporting cast per title by contract type (leads of films are weekly performers).
    weekly = np.where(film, 3 + rng.poisson(np.where(big, 4.0, 2.0)),
                      np.minimum(rng.poisson(np.where(t.length <= 30, 0.6, 1.0)), 3))
    day = np.where(film, 4 + rng.poisson(np.where(big, 8.0, 5.0)), 1 + rng.poisson(3.0, n))
    three = rng.poisson(np.where(film, 1.5, 0.5))
    background = np.where(film, 8 + rng.poisson(np.where(big, 25.0, 15.0)), 3 + rng.poisson(8.0, n))
    weekly = np.where(new_media, 0, weekly)
    day = np.where(new_media, rng.poisson(1.5, n), day)
    three = np.where(new_media, 0, three)
    background = np.where(new_media, rng.poisson(3.0, n), background)
    counts = np.stack([weekly, three, day, background], axis=1)
    cats = np.array([CATEGORY["weekly"], CATEGORY["three_day"], CATEGORY["day"], CATEGORY["background"]])
    flat = counts.reshape(-1)
    g_title = np.repeat(np.repeat(np.arange(n), 4), flat)
    g_cat = np.repeat(np.tile(cats, n), flat)
    is_bg = g_cat == CATEGORY["background"]
    u = rng.random(len(g_title))
    g_perf = np.where(
        is_bg,
        perf.n_principal + np.minimum(np.searchsorted(perf.background_cdf, u, side="right"),
                                      max(perf.count - perf.n_principal - 1, 0)),
        np.minimum(np.searchsorted(perf.principal_cdf, u, side="right"), perf.n_principal - 1),
    )
    g_perf = np.minimum(g_perf, perf.count - 1)
    if fixed:
        f = np.array([(a, p, c) for a, p, c, _ in fixed], dtype=np.int64)
        f_factor = np.array([x[3] for x in fixed])
    else:
        f = np.zeros((0, 3), dtype=np.int64)
        f_factor = np.zeros(0)
    title = np.concatenate([f[:, 0], g_title])
    performer = np.concatenate([f[:, 1], g_perf])
    category = np.concatenate([f[:, 2], g_cat])
    factor = np.concatenate([f_factor, np.ones(len(g_title))])
    priority = np.concatenate([np.zeros(len(f), dtype=np.int64), np.ones(len(g_title), dtype=np.int64)])
    keep = _dedupe(rng, title, performer, priority, category, perf)
    title, performer, category, factor = title[keep], performer[keep], category[keep], factor[keep]
    order = np.lexsort((performer, _CATEGORY_ORDER[category], title))
    title, performer, category, factor = title[order], performer[order], category[order], factor[order]
    days, weeks, tac = _pay(rng, t, title, performer, category, factor, film, perf)
    return EngagementBatch(title, performer, category, days, weeks, tac)


# Engagements of a title listed as a cast list reads: regulars first, background last.
_CATEGORY_ORDER = np.array([{"series": 0, "weekly": 1, "three_day": 2, "day": 3, "announcer": 4,
                             "background": 5}[c] for c in ENGAGEMENT_CATEGORIES])


def _dedupe(rng: np.random.Generator, title: np.ndarray, performer: np.ndarray, priority: np.ndarray,
            category: np.ndarray, perf: Performers) -> np.ndarray:
    """Redraw performers engaged twice on one title; drop the few still clashing. Returns a keep mask."""
    is_bg = category == CATEGORY["background"]
    lo = np.where(is_bg, perf.n_principal, 0)
    size = np.where(is_bg, max(perf.count - perf.n_principal, 1), perf.n_principal)
    keep = np.ones(len(title), dtype=bool)
    for attempt in range(8):
        order = np.lexsort((priority, performer, title))
        ts, ps = title[order], performer[order]
        dup_sorted = np.zeros(len(order), dtype=bool)
        dup_sorted[1:] = (ts[1:] == ts[:-1]) & (ps[1:] == ps[:-1])
        dups = order[dup_sorted]
        if len(dups) == 0:
            break
        if attempt == 7:
            keep[dups] = False
            break
        # A uniform redraw spreads clashes away from the most popular performers.
        performer[dups] = np.minimum(lo[dups] + rng.integers(0, size[dups]), perf.count - 1)
    return keep


def _pay(rng: np.random.Generator, t: TitleBatch, title: np.ndarray, performer: np.ndarray,
         category: np.ndarray, factor: np.ndarray, film: np.ndarray,
         perf: Performers) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Days, weeks and TAC in cents for each engagement, consistent with its category and era.

    Days count only days engaged by the day; a weekly or series engagement counts weeks, so that
    TAM (days × day scale + weeks × weekly scale) does not pay the same time twice.
    """
    n = len(title)
    day_rate, week_rate = scale_cents(t.pp[title])
    is_film = film[title]
    days = np.zeros(n, dtype=np.int64)
    weeks = np.zeros(n, dtype=np.int64)
    tac = np.zeros(n, dtype=np.int64)

    c = category == CATEGORY["day"]
    days[c] = np.minimum(rng.geometric(0.55, c.sum()), 5)
    tac[c] = days[c] * day_rate[c]
    c = category == CATEGORY["three_day"]
    days[c] = 3
    tac[c] = np.round(day_rate[c] * THREE_DAY_FACTOR / 100).astype(np.int64) * 100
    c = category == CATEGORY["weekly"]
    weeks[c] = np.where(is_film[c], 1 + rng.poisson(3.0, c.sum()), 1 + (rng.random(c.sum()) < 0.2))
    tac[c] = weeks[c] * week_rate[c]
    c = category == CATEGORY["series"]
    weeks[c] = 1
    tac[c] = np.round(week_rate[c] * factor[c] / 100).astype(np.int64) * 100
    c = category == CATEGORY["background"]
    days[c] = np.minimum(rng.geometric(0.6, c.sum()), 4)
    tac[c] = days[c] * (np.round(day_rate[c] * BACKGROUND_FACTOR / 100).astype(np.int64) * 100)
    c = category == CATEGORY["announcer"]
    days[c] = 1
    tac[c] = day_rate[c]

    # Overscale: about a quarter of principals, more often the busiest performers.
    principal = np.isin(category, [CATEGORY["day"], CATEGORY["three_day"], CATEGORY["weekly"],
                                   CATEGORY["announcer"]])
    star = performer < max(perf.n_principal // 20, 1)
    over = principal & (rng.random(n) < np.where(star, 0.55, 0.2))
    bump = np.exp(rng.uniform(np.log(1.1), np.log(2.5), n))
    tac = np.where(over, np.round(tac * bump / 100).astype(np.int64) * 100, tac)
    return days, weeks, tac
