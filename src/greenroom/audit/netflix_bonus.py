"""Estimate the 2023 streaming success bonus for Netflix titles from Netflix's public viewing data.

The rule (residuals-rules.md §a12; the pack's bonus.* parameters): a made-for-streaming (HBSVOD)
program exhibited on or after the bonus's effective date qualifies when

    domestic views = domestic hours streamed in its first 90 days ÷ its runtime
    domestic views ÷ domestic subscribers (the July 1 count) ≥ 20%

Netflix publishes global hours, not domestic, and does not say which titles it made, so the
estimate rests on assumptions, each stated with the figure it used (Estimate.assumptions):
the domestic share of hours, which titles are made for streaming, how hours in the window are
counted from weekly Top 10 lists (where a title is in them) or half-yearly engagement reports
(otherwise), the runtime, and the subscriber count. It lists the titles that would qualify.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from markupsafe import Markup

from greenroom.audit.render import now, render_html
from greenroom.contracts.params import Pack, load_pack
from greenroom.demo.netflix import ENGAGEMENT_GLOB, MEMBERSHIP_FILE, find_source, load_netflix
from greenroom.money import round_half_up

AGREEMENT = "sag-aftra-tv-theatrical"
PARAMS = ("bonus.window_days", "bonus.success_threshold", "bonus.bonus_rate", "bonus.performer_share",
          "bonus.base_year", "bonus.minutes_increment")
TOP10, ENGAGEMENT = "top10", "engagement"


class NetflixDataError(ValueError):
    """The Netflix data folder is missing or a file in it cannot be read (the message names file and row)."""


@dataclass(frozen=True)
class Options:
    """What the estimate can be told instead of assuming it."""

    released_from: dt.date | None = None  # default: the bonus's effective date (the pack's first window_days value)
    released_to: dt.date | None = None  # default: the last release whose window the data covers
    domestic_share: Fraction | None = None  # default: UCAN members ÷ all members in the subscriber quarter
    include_non_english: bool = False


@dataclass
class TitleEstimate:
    """One title's window, hours, views and metric, and how each was found."""

    title: str
    content_type: str | None
    release_date: dt.date
    window_end: dt.date
    method: str  # top10 | engagement
    global_hours: Fraction
    engagement_hours: Fraction | None
    runtime_minutes: int
    subscriber_quarter: str
    subscribers: int
    domestic_share: Fraction
    domestic_minutes: int
    views: Fraction
    metric: Fraction
    qualifies: bool
    top10_weeks: int
    illustrative_bonus_cents: int | None
    notes: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        """Plain values for reports."""
        return {"title": self.title, "content_type": self.content_type or "", "release_date": self.release_date,
                "window_end": self.window_end, "method": self.method, "top10_weeks": self.top10_weeks,
                "global_hours": int(self.global_hours),
                "engagement_hours": None if self.engagement_hours is None else int(self.engagement_hours),
                "domestic_hours": int(self.global_hours * self.domestic_share),
                "runtime_minutes": self.runtime_minutes, "views": int(self.views),
                "subscribers": self.subscribers, "subscriber_quarter": self.subscriber_quarter,
                "metric_pct": float(self.metric * 100), "qualifies": self.qualifies,
                "illustrative_bonus_cents": self.illustrative_bonus_cents, "notes": "; ".join(self.notes)}


@dataclass
class Estimate:
    """The whole estimate: its assumptions, the parameters it cited, every title judged, and those left out."""

    source: str
    assumptions: list[str]
    parameters: list[dict[str, str]]
    threshold: Fraction
    titles: list[TitleEstimate]
    skipped: dict[str, list[str]]
    coverage: dict[str, str]

    @property
    def qualifying(self) -> list[TitleEstimate]:
        """Titles at or above the threshold, highest metric first."""
        return [t for t in self.titles if t.qualifies]


def norm_title(title: str) -> str:
    """A title for matching across files: the English name (before ' // '), case, accents and spacing folded."""
    text = title.split(" // ")[0]
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'").casefold()
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class _Membership:
    quarter: str
    quarter_end: dt.date
    ucan: int
    total: int


def read_memberships(source: Path) -> list[_Membership]:
    """UCAN and total paid memberships per quarter, oldest first."""
    path = source / MEMBERSHIP_FILE
    if not path.is_file():
        raise NetflixDataError(f"{MEMBERSHIP_FILE}: not found under {source}")
    out = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader)]
        try:
            i_date, i_ucan, i_total = (header.index("Date"), header.index("UCAN Members"),
                                       header.index("Netflix Streaming Memberships"))
        except ValueError:
            raise NetflixDataError(f"{MEMBERSHIP_FILE}: needs Date, UCAN Members and Netflix Streaming Memberships "
                                   f"columns; has {header}") from None
        for n, rec in enumerate(reader, start=1):
            if not any(c.strip() for c in rec):
                continue
            try:
                end = dt.datetime.strptime(rec[i_date].strip(), "%d-%m-%Y").date()
                ucan, total = int(Decimal(rec[i_ucan].strip())), int(Decimal(rec[i_total].strip()))
            except (ValueError, IndexError, ArithmeticError) as exc:
                raise NetflixDataError(f"{MEMBERSHIP_FILE} row {n}: {exc}") from None
            if not 0 < ucan <= total:
                raise NetflixDataError(f"{MEMBERSHIP_FILE} row {n}: UCAN members {ucan} not within 1..{total}")
            out.append(_Membership(f"{end.year}Q{(end.month - 1) // 3 + 1}", end, ucan, total))
    if not out:
        raise NetflixDataError(f"{MEMBERSHIP_FILE}: no rows")
    return sorted(out, key=lambda m: m.quarter_end)


@dataclass
class _Engaged:
    title: str
    release_date: dt.date | None = None
    non_english: bool = False
    content_type: str | None = None


def read_release_dates(source: Path) -> dict[str, _Engaged]:
    """Per normalised title: its name, Netflix release date, content type and whether it has a non-English name."""
    files = sorted(source.glob(ENGAGEMENT_GLOB))
    out: dict[str, _Engaged] = {}
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for n, rec in enumerate(csv.DictReader(fh), start=1):
                title = (rec.get("title") or "").strip()
                if not title:
                    continue
                e = out.setdefault(norm_title(title), _Engaged(title.split(" // ")[0].strip()))
                e.non_english = e.non_english or " // " in title
                e.content_type = e.content_type or (rec.get("content_type") or "").strip() or None
                raw = (rec.get("release_date") or "").strip()
                if raw:
                    try:
                        day = dt.date.fromisoformat(raw)
                    except ValueError:
                        raise NetflixDataError(f"{path.name} row {n}: release_date {raw!r} is not a date") from None
                    e.release_date = min(e.release_date, day) if e.release_date else day
    return out


def _overlap_share(start: dt.date, end: dt.date, release: dt.date, window_end: dt.date) -> Fraction:
    """Share of a period's hours inside the window, assuming viewing is even over the days it was available."""
    first = max(start, release)
    if first > end:
        return Fraction(0)
    inside = (min(end, window_end) - first).days + 1
    return Fraction(max(inside, 0), (end - first).days + 1)


def _param(pack: Pack, pid: str, day: dt.date) -> Any:
    value = pack.value(pid, day)
    if value is None:
        raise NetflixDataError(f"parameter {pid} is not in force on {day}")
    return value


def _illustration(pack: Pack, release: dt.date, runtime: int, content_type: str | None, subscribers: int,
                  base_year: int) -> int | None:
    """The bonus for one performer paid at or above the ceiling: bonus rate × the base year's fixed residual."""
    length = runtime if content_type == "movie" else 60  # series: one-hour episodes assumed
    try:
        ceiling = int(pack.value("hbsvod.ceiling", release, length))
        tier = Fraction(Decimal(str(pack.value("hbsvod.tier_factor", release, subscribers))))
        year_rate = Fraction(Decimal(str(pack.value("hbsvod.year_rate", release, base_year))))
        rate = Fraction(Decimal(str(pack.value("bonus.bonus_rate", release))))
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    return round_half_up(round_half_up(tier * ceiling) * year_rate * rate)


def estimate(source: Path, options: Options | None = None, pack: Pack | None = None) -> Estimate:
    """Estimate which Netflix titles would earn the success bonus, with every assumption stated."""
    options = options or Options()
    pack = pack or load_pack(AGREEMENT)
    source = Path(source)
    if not source.is_dir():
        raise NetflixDataError(f"no Netflix data folder at {source}")
    effective = pack["bonus.window_days"].values[0].start
    released_from = options.released_from or effective
    loaded = load_netflix(source)
    if loaded.missing_files:
        raise NetflixDataError(f"missing under {source}: {', '.join(loaded.missing_files)}")
    members = read_memberships(source)
    engaged = read_release_dates(source)

    usage = loaded.usage.to_pylist()
    top10: dict[str, list[dict[str, Any]]] = defaultdict(list)
    periods: dict[str, list[dict[str, Any]]] = defaultdict(list)
    top10_non_english: set[str] = set()
    for r in usage:
        key = norm_title(r["title"])
        if r["source"] == TOP10:
            top10[key].append(r)
            if "Non-English" in (r["origin"] or ""):
                top10_non_english.add(key)
        else:
            periods[key].append(r)
    top10_end = max((r["period_end"] for rs in top10.values() for r in rs), default=None)
    engagement_end = max((r["period_end"] for rs in periods.values() for r in rs), default=None)

    window_days = int(_param(pack, "bonus.window_days", effective))
    threshold = Fraction(Decimal(str(_param(pack, "bonus.success_threshold", effective))))
    increment = int(_param(pack, "bonus.minutes_increment", effective))
    base_year = int(_param(pack, "bonus.base_year", effective))
    skipped: dict[str, list[str]] = defaultdict(list)
    titles: list[TitleEstimate] = []
    for key, e in sorted(engaged.items()):
        if e.release_date is None:
            skipped["no Netflix release date in the engagement reports (treated as not made for streaming)"].append(
                e.title)
            continue
        if e.release_date < released_from or (options.released_to and e.release_date > options.released_to):
            continue
        if not options.include_non_english and (e.non_english or key in top10_non_english):
            skipped["non-English title (assumed not a SAG-AFTRA production)"].append(e.title)
            continue
        release = e.release_date
        window_end = release + dt.timedelta(days=window_days - 1)
        weeks = [(r, _overlap_share(r["period_start"], r["period_end"], release, window_end))
                 for r in top10.get(key, [])]
        weeks = [(r, s) for r, s in weeks if s > 0]
        halves = [(r, _overlap_share(r["period_start"], r["period_end"], release, window_end))
                  for r in periods.get(key, [])]
        halves = [(r, s) for r, s in halves if s > 0]
        engagement_hours = sum((r["hours_viewed"] * s for r, s in halves), Fraction(0)) if halves else None
        if weeks:
            if top10_end is None or window_end > top10_end:
                skipped["90-day window not over by the end of the Top 10 data"].append(e.title)
                continue
            method, hours = TOP10, sum((r["hours_viewed"] * s for r, s in weeks), Fraction(0))
            runtime = weeks[0][0]["runtime_minutes"]
        elif halves:
            if engagement_end is None or window_end > engagement_end:
                skipped["90-day window not over by the end of the engagement reports"].append(e.title)
                continue
            method, hours = ENGAGEMENT, engagement_hours or Fraction(0)
            runtime = halves[-1][0]["runtime_minutes"]
        else:
            skipped["no hours in its window (no runtime reported, or not listed)"].append(e.title)
            continue
        day = dt.date(release.year, 7, 1)
        m = [x for x in members if x.quarter_end <= day] or members[:1]
        member = m[-1]
        notes = []
        if member.quarter_end < day - dt.timedelta(days=100):
            notes.append(f"subscriber count carried forward from {member.quarter} (the data ends there)")
        share = options.domestic_share if options.domestic_share is not None else Fraction(member.ucan, member.total)
        minutes = math.floor(hours * share * 60)
        minutes -= minutes % max(increment, 1)
        views = Fraction(minutes, runtime)
        metric = views / member.ucan
        content = e.content_type or (weeks[0][0]["content_type"] if weeks else None)
        titles.append(TitleEstimate(
            e.title, content, release, window_end, method, hours, engagement_hours, runtime, member.quarter,
            member.ucan, share, minutes, views, metric, metric >= threshold, len(weeks),
            _illustration(pack, release, runtime, content, member.ucan, base_year), notes))
    titles.sort(key=lambda t: (-t.metric, t.title))
    first = members[0]
    last = members[-1]
    share_text = (f"{float(options.domestic_share):.1%} (given)" if options.domestic_share is not None else
                  f"UCAN paid memberships ÷ all paid memberships in the subscriber quarter (e.g. {last.quarter}: "
                  f"{last.ucan:,} ÷ {last.total:,} = {last.ucan / last.total:.1%})")
    assumptions = [
        f"Domestic share of global hours: {share_text}. Netflix publishes global hours only; this assumes U.S. "
        "and Canadian members watch a title as much per member as members elsewhere, which is unknown.",
        "Made for streaming (HBSVOD): a title is treated as made for streaming when Netflix's engagement report "
        "gives its Netflix release date (Netflix dates its own titles, not licensed library titles). Public data "
        "cannot tell a Netflix-branded licensed or co-produced title from an original.",
        "SAG-AFTRA productions: titles with a non-English name in the engagement report or listed only in the "
        "non-English Top 10 are left out" + (" (not here: --include-non-english)" if options.include_non_english
                                             else "") + "; English-language titles are assumed covered.",
        f"Programs: released from {released_from} (the bonus applies to programs exhibited on or after "
        f"{effective})" + (f" to {options.released_to}" if options.released_to else "") + "; the window is the "
        f"{window_days} days from the Netflix release date.",
        "Hours in the window: from the weekly global Top 10 where the title is in it, summing the weeks inside the "
        "window (a week partly inside counts in proportion to its days after release). Weeks the title was out of "
        "the Top 10 are not counted, so this is a lower bound. Otherwise from the half-yearly engagement reports, "
        "each half-year's hours in proportion to the days of the window in it (even viewing assumed; real viewing "
        "is front-loaded, so this also tends to under-count).",
        "Runtime: Netflix's runtime for the title (the whole season for a series), from the Top 10 list when used, "
        "else from the engagement report; views = domestic hours ÷ runtime, with hours counted in whole minutes"
        + (f" rounded down to {increment}-minute increments" if increment > 1 else "") + ".",
        f"Domestic subscribers: UCAN paid memberships at the last quarter end on or before July 1 of the release "
        f"year (the rule uses the July 1 count); the data covers {first.quarter} to {last.quarter}, so later "
        "years carry the last count forward (marked on the title).",
        "Bonus amount: not computable from public data (it is a share of each performer's fixed HBSVOD residual, "
        "which depends on the cast's pay). The illustration is for one performer paid at or above the ceiling: "
        "bonus rate × the base year's fixed residual (series: a one-hour episode assumed; film: its runtime), "
        "of which the performer share goes to the performer and the rest to the Success Bonus Distribution Fund.",
    ]
    parameters = []
    for pid in PARAMS:
        dv = pack.dated(pid, effective)
        if dv is not None:
            parameters.append({"param": pid, "value": str(dv.value), "reference": dv.reference,
                               "source": dv.source, "verified": "yes" if dv.verified else "no"})
    coverage = {"engagement reports to": str(engagement_end), "Top 10 weeks to": str(top10_end),
                "memberships": f"{first.quarter} to {last.quarter}",
                "rows read": f"{loaded.read:,} ({loaded.mapped:,} usable, {loaded.unmapped.num_rows:,} without "
                             "hours or runtime)"}
    return Estimate(str(source), assumptions, parameters, threshold, titles, dict(skipped), coverage)


def default_source() -> Path | None:
    """../shared/data/netflix next to the project (or the working directory), when it exists."""
    return find_source()


NEAR_MISSES = 25
"""Titles below the threshold shown in the report (the closest first)."""

_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Netflix streaming success bonus: an estimate</title>
<style>{{ style }}</style></head><body>
<h1>The 2023 streaming success bonus on Netflix: an estimate</h1>
<p class="meta">Made {{ made }} from Netflix's public viewing data ({{ e.source }}).
{% for k, v in e.coverage.items() %}{{ k }}: {{ v }}{{ '; ' if not loop.last else '.' }}{% endfor %}</p>
<p><b>{{ e.qualifying|length }} of {{ e.titles|length }}</b> made-for-streaming titles judged would qualify at the
{{ '%.0f'|format(threshold_pct) }}% threshold. This is an estimate on public, global figures: read the assumptions.</p>

<h2>Assumptions</h2>
<ol>{% for a in e.assumptions %}<li>{{ a }}</li>{% endfor %}</ol>

<h2>The rule's parameters</h2>
<table><tr><th>parameter</th><th>value</th><th>reference</th><th>source</th><th>verified</th></tr>
{% for p in e.parameters %}<tr><td>{{ p.param }}</td><td>{{ p.value }}</td><td class="small">{{ p.reference }}</td>
<td>{{ p.source }}</td><td>{{ p.verified }}</td></tr>{% endfor %}</table>

<h2>Titles that would qualify</h2>
{{ table(e.qualifying) }}
<h2>Closest below the threshold</h2>
{{ table(near) }}
<h2>Left out</h2>
<table><tr><th>why</th><th class="n">titles</th><th>for example</th></tr>
{% for why, names in e.skipped.items() %}<tr><td>{{ why }}</td><td class="n">{{ "{:,}".format(names|length) }}</td>
<td class="small">{{ names[:5]|join('; ') }}</td></tr>{% endfor %}</table>
</body></html>
"""

_TABLE = """<table><tr><th>title</th><th>type</th><th>released</th><th>hours from</th><th class="n">global hours</th>
<th class="n">domestic hours</th><th class="n">runtime (min)</th><th class="n">domestic views</th>
<th class="n">subscribers</th><th class="n">metric</th><th class="n">illustrative bonus</th><th>notes</th></tr>
{% for t in rows %}{% set r = t.row() %}<tr><td>{{ r.title }}</td><td>{{ r.content_type }}</td>
<td>{{ r.release_date }}</td><td>{{ r.method }}{% if r.top10_weeks %} ({{ r.top10_weeks }} weeks){% endif %}</td>
<td class="n">{{ "{:,}".format(r.global_hours) }}</td><td class="n">{{ "{:,}".format(r.domestic_hours) }}</td>
<td class="n">{{ r.runtime_minutes }}</td><td class="n">{{ "{:,}".format(r.views) }}</td>
<td class="n">{{ "{:,}".format(r.subscribers) }} ({{ r.subscriber_quarter }})</td>
<td class="n">{{ '%.1f'|format(r.metric_pct) }}%</td>
<td class="n">{{ r.illustrative_bonus_cents|money if r.illustrative_bonus_cents is not none else '-' }}</td>
<td class="small">{{ r.notes }}</td></tr>
{% else %}<tr><td colspan="12">none</td></tr>{% endfor %}</table>"""


def estimate_html(e: Estimate) -> str:
    """The estimate as a self-contained HTML report: assumptions, parameters, qualifying titles, near misses."""
    def table(rows: list[TitleEstimate]) -> Markup:
        return Markup(render_html(_TABLE, rows=rows))

    near = [t for t in e.titles if not t.qualifies][:NEAR_MISSES]
    return render_html(_HTML, e=e, near=near, table=table, threshold_pct=float(e.threshold * 100),
                       made=now().isoformat())


def netflix_bonus_html(source: Path | None = None, options: Options | None = None) -> str:
    """The success-bonus estimate report from the Netflix folder (default ../shared/data/netflix)."""
    folder = source or default_source()
    if folder is None:
        raise NetflixDataError("no Netflix data: ../shared/data/netflix not found; give the folder")
    return estimate_html(estimate(folder, options))
