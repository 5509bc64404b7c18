"""Demo data for the registry: consents, notices and uses with violations of every kind, whose truth is
known, so the findings can be checked against what was planted. Performers come from the residuals
data (DuckDB engagements) when it is loaded, otherwise the registry records its own.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from greenroom.config import Settings
from greenroom.consent import compliance as cf
from greenroom.consent import registry as reg
from greenroom.consent import rules
from greenroom.consent.api import post_compensation
from greenroom.consent.bulk import load_uses
from greenroom.consent.models import Performer
from greenroom.store.db import session_factory

USE_COLUMNS = ("use_id", "performer_id", "replica_id", "producer", "project", "start_date", "end_date", "days",
               "medium", "description", "scenes", "lines_generated", "real_time", "role", "rate_cents",
               "agreed_cents", "sides", "notified_at", "sexual_content")
# Interactive uses sit around one strike, so the suspension's reach is known exactly.
INTERACTIVE_DAY = dt.date(2025, 8, 1)
STRIKE_START = INTERACTIVE_DAY + dt.timedelta(days=40)
STRIKE_END = STRIKE_START + dt.timedelta(days=14)
PRODUCERS = ("Northlight Pictures", "Harbor Lane Studios", "Copperleaf Games", "Blue Fern Records",
             "Meridian Ads")


@dataclass
class _Plan:
    """What the demo wrote and what it expects the registry to find."""

    seed: int
    prefix: str
    rng: random.Random
    performers: list[str]
    titles: dict[str, list[str]] = field(default_factory=dict)
    expected: Counter[str] = field(default_factory=Counter)
    use_rows: list[dict[str, Any]] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)
    counter: int = 0

    def title(self, performer: str, n: int, fallback: str) -> str:
        """The performer's n-th title in the residuals data (so AI lines key to real titles), else fallback."""
        titles = self.titles.get(performer, [])
        return titles[n] if n < len(titles) else f"{self.prefix}{fallback}"

    def next_id(self, kind: str) -> str:
        self.counter += 1
        return f"{self.prefix}{kind}{self.counter:03d}"


def _performers_from_residuals(settings: Settings, n: int, seed: int) -> dict[str, list[str]]:
    """Up to n performers of the loaded residuals data (picked by seed), each with the titles they worked on."""
    if not settings.duckdb_path.exists():
        return {}
    import duckdb

    try:
        con = duckdb.connect(str(settings.duckdb_path), read_only=True)
    except duckdb.Error:
        return {}
    try:
        rows = con.execute("""
            WITH picked AS (SELECT DISTINCT performer_id FROM engagements
                            ORDER BY hash(performer_id || ?) LIMIT ?)
            SELECT e.performer_id, list(DISTINCT e.title_id ORDER BY e.title_id)
            FROM engagements e JOIN picked p ON p.performer_id = e.performer_id
            GROUP BY e.performer_id ORDER BY hash(e.performer_id || ?)""",
                           [str(seed), n, str(seed)]).fetchall()
        return {str(p): [str(t) for t in titles if t is not None] for p, titles in rows}
    except duckdb.Error:
        return {}
    finally:
        con.close()


def _day(plan: _Plan, base: dt.date, spread: int = 60) -> dt.date:
    return base + dt.timedelta(days=plan.rng.randrange(spread))


def _use(plan: _Plan, performer: str, replica: str, producer: str, project: str, start: dt.date, **extra: Any) -> str:
    uid = plan.next_id("U")
    row = {c: "" for c in USE_COLUMNS}
    row.update({"use_id": uid, "performer_id": performer, "replica_id": replica, "producer": producer,
                "project": project, "start_date": start.isoformat(),
                "end_date": (start + dt.timedelta(days=int(extra.get("days", 1) or 1) - 1)).isoformat()})
    row.update({k: ("yes" if v is True else "no" if v is False else v) for k, v in extra.items()})
    plan.use_rows.append(row)
    return uid


# Each scenario records what it needs and returns the finding types it plants.
def _clean_tv(settings: Settings, plan: _Plan, p: str) -> list[str]:
    producer, project = PRODUCERS[0], plan.title(p, 0, "Feature-A")
    made = _day(plan, dt.date(2025, 8, 1))
    r = reg.record_replica(settings, performer_id=p, kind=rules.EMPLOYMENT_BASED, agreement=rules.TV,
                           producer=producer, origin_project=project, created_on=made,
                           description="full-body scan on set", replica_id=plan.next_id("R"))
    session = dt.datetime.combine(made, dt.time(9))
    reg.record_notice(settings, performer_id=p, replica_id=r.replica_id, producer=producer, project=project,
                      session_at=session, notified_at=session - dt.timedelta(hours=plan.rng.choice((49, 72, 96))),
                      minutes=plan.rng.choice((180, 360)), rate_cents=plan.rng.choice((None, 150000)),
                      notice_id=plan.next_id("N"))
    reg.record_consent(settings, performer_id=p, replica_id=r.replica_id, producer=producer, projects=[project],
                       description="crowd-scene double for scenes 12-14, theatrical release", media=["theatrical"],
                       signed_on=made, separate=True, document="rider-001.pdf", consent_id=plan.next_id("C"))
    _use(plan, p, r.replica_id, producer, project, made + dt.timedelta(days=20), days=plan.rng.randint(1, 4),
         medium="theatrical", scenes="12-14", rate_cents=plan.rng.choice(("", "130000", "90000")))
    return []


def _tv_with_problems(settings: Settings, plan: _Plan, p: str) -> list[str]:
    """Late notice, use in another project, use after revocation, use before consent."""
    producer, project = PRODUCERS[1], plan.title(p, 1, "Series-B")
    other = plan.title(p, 2, "Series-C")
    if other == project:
        other = f"{plan.prefix}Series-C"
    made = _day(plan, dt.date(2025, 9, 1))
    r = reg.record_replica(settings, performer_id=p, kind=rules.EMPLOYMENT_BASED, agreement=rules.TV,
                           producer=producer, origin_project=project, created_on=made, replica_id=plan.next_id("R"))
    session = dt.datetime.combine(made, dt.time(10))
    reg.record_notice(settings, performer_id=p, replica_id=r.replica_id, producer=producer, project=project,
                      session_at=session, notified_at=session - dt.timedelta(hours=plan.rng.randint(2, 40)),
                      minutes=240, notice_id=plan.next_id("N"))
    signed = made + dt.timedelta(days=10)
    c = reg.record_consent(settings, performer_id=p, replica_id=r.replica_id, producer=producer, projects=[project],
                           description="de-aged flashback, episode 3 only", media=["streaming"], signed_on=signed,
                           consent_id=plan.next_id("C"))
    _use(plan, p, r.replica_id, producer, project, signed - dt.timedelta(days=3), days=1, medium="streaming")
    _use(plan, p, r.replica_id, producer, other, signed + dt.timedelta(days=5), days=2, medium="streaming",
         agreed_cents="50000")
    revoked = signed + dt.timedelta(days=30)
    reg.revoke(settings, c.consent_id, revoked, "performer withdrew consent", event_id=plan.next_id("V"))
    _use(plan, p, r.replica_id, producer, project, revoked + dt.timedelta(days=4), days=1, medium="streaming")
    return [cf.LATE_NOTICE, cf.USE_BEFORE_CONSENT, cf.USE_WITHOUT_CONSENT, cf.USE_AFTER_REVOCATION]


def _tv_bad_consents(settings: Settings, plan: _Plan, p: str) -> list[str]:
    """A replica made with no notice, a consent buried in boilerplate, a blanket consent; both used."""
    producer, project = PRODUCERS[0], plan.title(p, 0, "Feature-D")
    made = _day(plan, dt.date(2025, 8, 15))
    r = reg.record_replica(settings, performer_id=p, kind=rules.EMPLOYMENT_BASED, agreement=rules.TV,
                           producer=producer, origin_project=project, created_on=made, replica_id=plan.next_id("R"))
    reg.record_consent(settings, performer_id=p, replica_id=r.replica_id, producer=producer, projects=[project],
                       description="stunt double in the car chase", separate=False, signed_on=made,
                       consent_id=plan.next_id("C"))
    reg.record_consent(settings, performer_id=p, replica_id=r.replica_id, producer=producer, projects=["*"],
                       description="any and all uses in perpetuity", signed_on=made, consent_id=plan.next_id("C"))
    _use(plan, p, r.replica_id, producer, project, made + dt.timedelta(days=7), days=3, medium="theatrical")
    return [cf.MISSING_NOTICE, cf.NOT_SEPARATE, cf.BLANKET, cf.USE_WITHOUT_CONSENT]


def _tv_icdr_and_background(settings: Settings, plan: _Plan, p: str) -> list[str]:
    """An independently created replica (bargained pay, P&H) and a background replica used as a principal."""
    producer, project = PRODUCERS[1], plan.title(p, 0, "Feature-E")
    day = _day(plan, dt.date(2025, 10, 1))
    icdr = reg.record_replica(settings, performer_id=p, kind=rules.INDEPENDENT, agreement=rules.TV, producer=producer,
                              description="built from archive footage", replica_id=plan.next_id("R"))
    reg.record_consent(settings, performer_id=p, replica_id=icdr.replica_id, producer=producer, projects=[project],
                       description="voice-over lines in the opening titles", signed_on=day,
                       consent_id=plan.next_id("C"))
    _use(plan, p, icdr.replica_id, producer, project, day + dt.timedelta(days=3), days=1,
         agreed_cents=str(plan.rng.choice((250000, 400000))))
    bg = reg.record_replica(settings, performer_id=p, kind=rules.BACKGROUND, agreement=rules.TV, producer=producer,
                            origin_project=project, created_on=day, replica_id=plan.next_id("R"))
    session = dt.datetime.combine(day, dt.time(8))
    reg.record_notice(settings, performer_id=p, replica_id=bg.replica_id, producer=producer, project=project,
                      session_at=session, notified_at=None, minutes=60, rate_cents=21000, scan_only=True,
                      notice_id=plan.next_id("N"))
    reg.record_consent(settings, performer_id=p, replica_id=bg.replica_id, producer=producer, projects=[project],
                       description="stadium crowd, scene 40", signed_on=day, consent_id=plan.next_id("C"))
    _use(plan, p, bg.replica_id, producer, project, day + dt.timedelta(days=10), days=2, role="principal")
    return [cf.MISSING_NOTICE]


def _interactive(settings: Settings, plan: _Plan, p: str) -> list[str]:
    """Real-time generation without that consent, a use during a strike suspension, a clean visual use, a
    vocal use with no agreed pay (cannot be priced)."""
    producer, game = PRODUCERS[2], f"{plan.prefix}Game-F{plan.counter}"
    day = INTERACTIVE_DAY
    vocal = reg.record_replica(settings, performer_id=p, kind=rules.VOCAL, agreement=rules.INTERACTIVE,
                               producer=producer, origin_project=game, replica_id=plan.next_id("R"))
    visual = reg.record_replica(settings, performer_id=p, kind=rules.VISUAL, agreement=rules.INTERACTIVE,
                                producer=producer, origin_project=game, replica_id=plan.next_id("R"))
    reg.record_consent(settings, performer_id=p, replica_id=vocal.replica_id, producer=producer, projects=[game],
                       description="companion character's ambient barks", signed_on=day, real_time=False,
                       consent_id=plan.next_id("C"))
    reg.record_consent(settings, performer_id=p, replica_id=visual.replica_id, producer=producer, projects=[game],
                       description="cinematic cut-scenes, act 2", signed_on=day, consent_id=plan.next_id("C"))
    scale = plan.rng.choice((110000, 125000))
    _use(plan, p, vocal.replica_id, producer, game, day + dt.timedelta(days=5), days=1, real_time=True,
         rate_cents=str(scale), lines_generated=plan.rng.randint(100, 900))
    _use(plan, p, vocal.replica_id, producer, game, day + dt.timedelta(days=6), days=1,
         lines_generated=plan.rng.randint(10, 90))
    _use(plan, p, visual.replica_id, producer, game, day + dt.timedelta(days=8), days=3, rate_cents=str(scale))
    _use(plan, p, visual.replica_id, producer, game, STRIKE_START + dt.timedelta(days=2), days=1,
         rate_cents=str(scale))
    return [cf.USE_WITHOUT_CONSENT, cf.UNPRICED, cf.USE_DURING_SUSPENSION]


def _sound_and_commercials(settings: Settings, plan: _Plan, p: str) -> list[str]:
    """A session singer's replica paid three sides minimum; a multi-project sound consent (blanket); a
    commercial use with no session fee and no notice of use reported (cannot be priced; no 48 hours' notice)
    and one with both; one use reported twice, differently."""
    label, album, single = PRODUCERS[3], f"{plan.prefix}Album-G", f"{plan.prefix}Single-H"
    day = _day(plan, dt.date(2025, 7, 1))
    voice = reg.record_replica(settings, performer_id=p, kind=rules.VOICE, agreement=rules.SOUND, producer=label,
                               origin_project=album, replica_id=plan.next_id("R"))
    reg.record_consent(settings, performer_id=p, replica_id=voice.replica_id, producer=label, projects=[album],
                       description="backing harmonies on tracks 2 and 5", signed_on=day, consent_id=plan.next_id("C"))
    reg.record_consent(settings, performer_id=p, replica_id=voice.replica_id, producer=label,
                       projects=[album, single], description="harmonies on the album and the single",
                       signed_on=day, consent_id=plan.next_id("C"))
    _use(plan, p, voice.replica_id, label, album, day + dt.timedelta(days=12), days=1, role="session_singer",
         sides="1", rate_cents=str(plan.rng.choice((25000, 30000))))
    ad_maker, spot = PRODUCERS[4], f"{plan.prefix}Spot-J"
    ad = reg.record_replica(settings, performer_id=p, kind=rules.EMPLOYMENT_BASED, agreement=rules.COMMERCIALS,
                            producer=ad_maker, origin_project=spot, replica_id=plan.next_id("R"))
    reg.record_consent(settings, performer_id=p, replica_id=ad.replica_id, producer=ad_maker, projects=[spot],
                       description="digital replica rider: 30-second online spot", signed_on=day,
                       consent_id=plan.next_id("C"))
    start = day + dt.timedelta(days=20)
    _use(plan, p, ad.replica_id, ad_maker, spot, start, days=1, medium="online")
    noticed = start + dt.timedelta(days=7)
    _use(plan, p, ad.replica_id, ad_maker, spot, noticed, days=1, medium="online", rate_cents="80000",
         notified_at=dt.datetime.combine(noticed, dt.time()) - dt.timedelta(hours=plan.rng.choice((48, 60, 96))))
    first = _use(plan, p, voice.replica_id, label, album, start, days=1, role="session_singer", sides="4",
                 rate_cents="25000")
    again = dict(plan.use_rows[-1])
    again.update({"use_id": plan.next_id("U"), "sides": "5"})
    plan.use_rows.append(again)
    identical = dict(plan.use_rows[-2])
    identical["use_id"] = first  # the same report sent twice changes nothing
    plan.use_rows.append(identical)
    return [cf.BLANKET, cf.UNPRICED, cf.USE_NOTICE, cf.DUPLICATE]


def _deceased(settings: Settings, plan: _Plan) -> list[str]:
    """A deceased performer: a consent signed in their own name after death, and one by the representative."""
    pid = f"{plan.prefix}P-ESTATE"
    died = dt.date(2024, 5, 1)
    reg.record_performer(settings, pid, "Demo Estate Performer", deceased_on=died,
                         representative="Estate of the performer")
    producer, project = PRODUCERS[0], f"{plan.prefix}Feature-K"
    r = reg.record_replica(settings, performer_id=pid, kind=rules.INDEPENDENT, agreement=rules.TV, producer=producer,
                           description="from archive footage", replica_id=plan.next_id("R"))
    reg.record_consent(settings, performer_id=pid, replica_id=r.replica_id, producer=producer, projects=[project],
                       description="cameo in the final scene", signed_on=dt.date(2025, 9, 1), signed_by="performer",
                       consent_id=plan.next_id("C"))
    reg.record_consent(settings, performer_id=pid, replica_id=r.replica_id, producer=producer, projects=[project],
                       description="cameo in the final scene", signed_on=dt.date(2025, 9, 2),
                       signed_by="representative", signer_name="Estate of the performer", consent_id=plan.next_id("C"))
    _use(plan, pid, r.replica_id, producer, project, dt.date(2025, 10, 1), days=1, agreed_cents="300000")
    return [cf.SIGNER]


def _minor(settings: Settings, plan: _Plan) -> list[str]:
    """A performer scanned at 16: their replica used for a sexual scene after the 2026 contracts took effect."""
    pid = f"{plan.prefix}P-MINOR"
    reg.record_performer(settings, pid, "Demo Young Performer", born_on=dt.date(2009, 3, 1))
    producer, project = PRODUCERS[1], f"{plan.prefix}Feature-M"
    r = reg.record_replica(settings, performer_id=pid, kind=rules.INDEPENDENT, agreement=rules.TV,
                           producer=producer, created_on=dt.date(2025, 6, 1), description="from a 2025 photo shoot",
                           replica_id=plan.next_id("R"))
    reg.record_consent(settings, performer_id=pid, replica_id=r.replica_id, producer=producer, projects=[project],
                       description="aged-up body double in the hotel scene, scene 22", signed_on=dt.date(2026, 7, 10),
                       consent_id=plan.next_id("C"))
    _use(plan, pid, r.replica_id, producer, project, dt.date(2026, 8, 3), days=1, agreed_cents="400000",
         sexual_content=True)
    return [cf.MINOR]


def _withdrawn_duplicate(settings: Settings, plan: _Plan, p: str) -> list[str]:
    """A use reported twice with different figures, then staff withdraw the wrong report: nothing is found."""
    producer, project = PRODUCERS[0], plan.title(p, 0, "Feature-W")
    day = _day(plan, dt.date(2025, 11, 1))
    r = reg.record_replica(settings, performer_id=p, kind=rules.INDEPENDENT, agreement=rules.TV, producer=producer,
                           description="from the trailer footage", replica_id=plan.next_id("R"))
    reg.record_consent(settings, performer_id=p, replica_id=r.replica_id, producer=producer, projects=[project],
                       description="reaction shot in the teaser, scene 3", signed_on=day, consent_id=plan.next_id("C"))
    reports = [reg.report_use(settings, performer_id=p, replica_id=r.replica_id, producer=producer, project=project,
                              start_date=day + dt.timedelta(days=2), days=1, agreed_cents=cents,
                              use_id=plan.next_id("U"), source="demo") for cents in (150000, 15000)]
    reg.withdraw_use(settings, reports[1].use.use_id, f"typing error: {reports[0].use.use_id} is the right report",
                     event_id=plan.next_id("W"))
    return []


def _bad_rows(plan: _Plan) -> int:
    """Rows the loader must refuse: unknown performer, end before start, a bad number."""
    p, some = plan.performers[0], plan.use_rows[0]
    bad = [dict(some, use_id=plan.next_id("U"), performer_id=f"{plan.prefix}NOBODY"),
           dict(some, use_id=plan.next_id("U"), performer_id=p, start_date="2025-09-10", end_date="2025-09-01"),
           dict(some, use_id=plan.next_id("U"), days="two")]
    plan.use_rows.extend(bad)
    return len(bad)


def _ensure_performers(settings: Settings, plan: _Plan) -> None:
    sessions = session_factory(settings)
    with sessions() as s:
        known = set(s.execute(select(Performer.performer_id)).scalars())
    for i, pid in enumerate(plan.performers):
        if pid not in known and not reg._in_residuals_data(settings, pid):
            reg.record_performer(settings, pid, f"Demo Performer {i + 1}")


def seed_demo(settings: Settings, seed: int = 7, groups: int = 2, say: Callable[[str], None] | None = None
              ) -> dict[str, Any]:
    """Record demo consents, notices, uses and planted violations; return what was planted and what was found."""
    prefix = f"D{seed}-"
    sessions = session_factory(settings)
    with sessions() as s:
        if s.get(Performer, f"{prefix}P-ESTATE") is not None:
            raise reg.ConsentError(f"the demo with seed {seed} is already in this registry")
    rng = random.Random(seed)
    need = 4 * groups
    found = _performers_from_residuals(settings, need, seed)
    performers = list(found) + [f"{prefix}P{i:03d}" for i in range(len(found), need)]
    plan = _Plan(seed, prefix, rng, performers, found)
    _ensure_performers(settings, plan)
    for g in range(groups):
        a, b, c, d = performers[4 * g: 4 * g + 4]
        for fn, p in ((_clean_tv, a), (_tv_with_problems, a), (_tv_bad_consents, b), (_tv_icdr_and_background, c),
                      (_sound_and_commercials, d), (_interactive, b)):
            plan.expected.update(fn(settings, plan, p))
    plan.expected.update(_deceased(settings, plan))
    plan.expected.update(_minor(settings, plan))
    plan.expected.update(_withdrawn_duplicate(settings, plan, performers[0]))
    # A strike: every Interactive Media consent of this demo's producer is suspended for a fortnight.
    reg.suspend(settings, STRIKE_START, STRIKE_END, agreement=rules.INTERACTIVE, producer=PRODUCERS[2],
                reason="strike: consents suspended", event_id=plan.next_id("S"))
    bad = _bad_rows(plan)
    out = settings.data_dir / "demo-files"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"consent-uses-{seed}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=USE_COLUMNS)
        writer.writeheader()
        writer.writerows(plan.use_rows)
    loaded = load_uses(settings, path)
    if say:
        say(loaded.summary())
    snap = reg.snapshot(settings)
    findings = [f for f in cf.all_findings(snap) if f.subject_id.startswith(prefix)]
    withdrawn = [u.use_id for u in snap.withdrawn if u.use_id.startswith(prefix)]
    got = Counter(f.type for f in findings)
    owed, run = post_compensation(settings)  # so `greenroom audit run` sees what the demo's uses owe
    return {"seed": seed, "performers": len(performers) + 2, "from_residuals_data": len(found),
            "uses_file": str(path), "rows": loaded.rows, "recorded": loaded.recorded, "already": loaded.already,
            "duplicates": loaded.duplicates, "rejected": loaded.rejected, "bad_rows_planted": bad,
            "expected": dict(sorted(plan.expected.items())), "found": dict(sorted(got.items())),
            "matches": dict(got) == dict(plan.expected), "messages": loaded.messages,
            "compensation_lines": len(owed.lines), "compensation_cents": owed.total_cents,
            "compensation_ph_cents": owed.total_ph_cents, "compensation_run": run, "withdrawn": withdrawn,
            "not_priced": len(owed.unknown)}


def write_summary(summary: dict[str, Any], path: Path) -> None:
    """Save a demo summary as JSON."""
    import json

    path.write_text(json.dumps(summary, indent=2, sort_keys=True), encoding="utf-8")
