"""AI compensation owed for replica uses and creation sessions, as lines shaped like the engine's.

Each rule reads its parameters from the agreement's pack (with citations); a line that used an
unverified value says so. Lines go to the DuckDB table ai_compensation_lines, which has the columns
of residual_lines, so the audit posts them to its ledger and an unpaid one becomes a finding.
Amounts are integer cents; multiples are applied in parts per million, rounded half-up per line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import duckdb

from greenroom.consent import rules
from greenroom.consent.models import Notice, Use
from greenroom.consent.registry import Snapshot
from greenroom.contracts.params import DatedValue, Pack, load_pack
from greenroom.money import apply_ppm
from greenroom.residuals.engine import LINES_DDL as ENGINE_LINES_DDL
from greenroom.store.analytics import relation_type

MARKET = "ai_replica"
VERSION = "2026.1"
TABLE = "ai_compensation_lines"
COLUMNS = ("line_id", "run_id", "agreement", "formula_id", "formula_version", "performer_id", "engagement_id",
           "title_id", "exhibition_id", "market", "component", "period_start", "period_end", "run_number",
           "basis_cents", "rate_ppm", "gross_cents", "pool_cents", "units", "total_units", "includes_ph",
           "ph_rate_ppm", "amount_cents", "ph_cents", "due_date", "note", "params", "unverified")
# The same line shape as the engine's, so the audit reads both tables as one owed side.
LINES_DDL = ENGINE_LINES_DDL.replace("residual_lines", TABLE, 1)

PH_PARAM = {rules.TV: "ph.principal_rate", rules.COMMERCIALS: "commercials.ph.rate",
            rules.INTERACTIVE: "interactive.ph.rate"}
DUE_PARAM = {rules.TV: "ai.payment_due_days", rules.COMMERCIALS: "commercials.ai.payment_due_days",
             rules.SOUND: "sound.ai.payment_due_days", rules.INTERACTIVE: "interactive.ai.payment_due_days"}


class Unknown(Exception):
    """The amount cannot be worked out from the pack and the report; the message says what is missing."""


@dataclass
class _Used:
    """The parameters a line consulted, for its params column and unverified flag."""

    pack: Pack
    on: dt.date
    refs: list[DatedValue] = field(default_factory=list)

    def get(self, pid: str, on: dt.date | None = None) -> Any:
        day = on or self.on
        if pid not in self.pack.parameters:
            raise Unknown(f"{self.pack.agreement} has no parameter {pid}")
        dated = self.pack.dated(pid, day)
        if dated is None:
            raise Unknown(f"{pid} is not in force on {day} (first value {self.pack[pid].values[0].start})")
        self.refs.append(dated)
        return dated.value

    def ppm(self, pid: str) -> int:
        return self.pack[pid].to_int(self.get(pid))


@dataclass(frozen=True)
class Line:
    """One owed AI-compensation line."""

    line_id: str
    agreement: str
    formula_id: str
    performer_id: str
    title_id: str
    subject_id: str
    component: str
    period_start: dt.date
    period_end: dt.date
    basis_cents: int
    rate_ppm: int
    units: int
    gross_cents: int
    ph_rate_ppm: int
    amount_cents: int
    ph_cents: int
    due_date: dt.date
    note: str
    params: str
    unverified: bool

    def row(self, run_id: int) -> dict[str, Any]:
        """The line in residual_lines' column shape."""
        return {"line_id": self.line_id, "run_id": run_id, "agreement": self.agreement,
                "formula_id": self.formula_id, "formula_version": VERSION, "performer_id": self.performer_id,
                "engagement_id": None, "title_id": self.title_id, "exhibition_id": self.subject_id,
                "market": MARKET, "component": self.component, "period_start": self.period_start,
                "period_end": self.period_end, "run_number": None, "basis_cents": self.basis_cents,
                "rate_ppm": self.rate_ppm, "gross_cents": self.gross_cents, "pool_cents": None, "units": self.units,
                "total_units": None, "includes_ph": False, "ph_rate_ppm": self.ph_rate_ppm,
                "amount_cents": self.amount_cents, "ph_cents": self.ph_cents, "due_date": self.due_date,
                "note": self.note, "params": self.params, "unverified": self.unverified}

    def citations(self, pack: Pack | None = None) -> list[dict[str, Any]]:
        """Each parameter value the line used, with its citation and status."""
        p = pack or load_pack(self.agreement)
        out = []
        for ref in [r for r in self.params.split(";") if r]:
            v = p.ref(ref)
            out.append({"ref": ref, "value": v.value, "reference": v.reference, "source": v.source,
                        "status": v.status, "note": v.note})
        return out


@dataclass
class Result:
    """Lines owed and the uses or sessions whose amount could not be worked out (with why)."""

    lines: list[Line] = field(default_factory=list)
    unknown: list[tuple[str, str, str]] = field(default_factory=list)  # (subject id, performer id, reason)
    about: dict[str, tuple[str, str]] = field(default_factory=dict)  # unknown subject -> (project, producer)

    @property
    def total_cents(self) -> int:
        """Owed to performers."""
        return sum(ln.amount_cents for ln in self.lines)

    @property
    def total_ph_cents(self) -> int:
        """Owed to the plans."""
        return sum(ln.ph_cents for ln in self.lines)


def _line(used: _Used, *, agreement: str, formula: str, performer_id: str, title_id: str, subject: str,
          component: str, start: dt.date, end: dt.date, basis: int, rate_ppm: int, units: int, gross: int,
          note: str) -> Line:
    ph_ppm = 0
    if agreement in PH_PARAM:
        ph_ppm = used.ppm(PH_PARAM[agreement])
    else:
        note += "; no P&H rate for this agreement in the cited sources, none added"
    unverified = any(not r.verified for r in used.refs)
    # The due date is not part of the amount: an unverified due date is said in the note, not the flag.
    due_days = used.get(DUE_PARAM[agreement], end)
    if not used.refs[-1].verified:
        note += f"; due {due_days} days after the use is a working assumption"
    due = end + dt.timedelta(days=int(due_days))
    refs = list(dict.fromkeys(r.ref_id for r in used.refs))
    line_id = "AI" + hashlib.md5(f"{subject}|{component}".encode()).hexdigest()[:22]
    return Line(line_id, agreement, formula, performer_id, title_id, subject, component, start, end, basis, rate_ppm,
                units, gross, ph_ppm, gross, apply_ppm(gross, ph_ppm), due, note, ";".join(refs), unverified)


def _day_pay(used: _Used, rate: int | None) -> tuple[int, str]:
    """The higher of the performer's pro-rata daily rate and day scale."""
    scale = int(used.get("minimums.day_performer"))
    if rate is not None and rate > scale:
        return rate, f"pro-rata daily rate {rate} above day scale {scale}"
    return scale, f"day scale {scale}" + (f" (above the rate reported, {rate})" if rate is not None else "")


def use_line(u: Use, snap: Snapshot) -> Line | None:
    """The compensation owed for one reported use (None when the rule gives no fixed amount)."""
    replica = snap.replicas.get(u.replica_id)
    if replica is None:
        raise Unknown(f"replica {u.replica_id} is not recorded")
    agreement = replica.agreement
    used = _Used(load_pack(agreement), u.start_date)
    base: dict[str, Any] = {"agreement": agreement, "performer_id": u.performer_id, "title_id": u.project,
                            "subject": u.use_id, "start": u.start_date, "end": u.end_date}
    if replica.kind == rules.INDEPENDENT:
        floor = _icdr_floor(used, u) if agreement == rules.TV else None
        if u.agreed_cents is None and floor is None:
            raise Unknown("pay for an independently created replica is bargained: report agreed_cents")
        if agreement == rules.TV:
            used.get("ai.icdr_ph_applies")
        gross = max(u.agreed_cents or 0, floor or 0)
        note = "bargained pay for an ICDR"
        if floor is not None:
            note += (f" ({u.agreed_cents if u.agreed_cents is not None else 'not reported'}), floor day scale × "
                     f"{u.days} days = {floor}")
        return _line(used, formula=f"ai.{_short(agreement)}.icdr_use", component="icdr_use",
                     basis=u.agreed_cents or 0, rate_ppm=1_000_000, units=max(u.days, 1), gross=gross, note=note,
                     **base)
    if agreement == rules.TV:
        return _tv_use(u, replica.kind, replica.origin_project, used, base)
    if agreement == rules.COMMERCIALS:
        if u.rate_cents is None:
            raise Unknown("the replica-use fee is a multiple of the session fee: report rate_cents (session fee)")
        mult = used.ppm("commercials.ai.use_session_fee_multiple")
        gross = apply_ppm(u.rate_cents, mult)
        if u.agreed_cents is not None and u.agreed_cents > gross:
            gross = u.agreed_cents
        return _line(used, formula="ai.commercials.replica_use", component="replica_use", basis=u.rate_cents,
                     rate_ppm=mult, units=1, gross=gross, note="session fee × use multiple", **base)
    if agreement == rules.SOUND:
        return _sound_use(u, used, base)
    return _interactive_use(u, replica.kind, used, base)


def _icdr_floor(used: _Used, u: Use) -> int | None:
    """Day scale × days of use when the 2026 ICDR minimum is in force on the use's date, else None."""
    dated = used.pack.dated("ai.icdr_day_minimum_floor", u.start_date)
    if dated is None or not dated.value:
        return None
    used.refs.append(dated)
    return int(used.get("minimums.day_performer")) * max(u.days, 1)


def _short(agreement: str) -> str:
    return agreement.removeprefix("sag-aftra-").split("-")[0]


def _tv_use(u: Use, kind: str, origin: str | None, used: _Used, base: dict[str, Any]) -> Line:
    if kind == rules.BACKGROUND and u.role == "principal":
        day, how = _day_pay(used, None)
        gross = day * u.days
        return _line(used, formula="ai.tv.background_as_principal", component="background_as_principal", basis=day,
                     rate_ppm=1_000_000, units=u.days, gross=gross,
                     note=f"background replica used as a principal: {how} × {u.days} estimated days", **base)
    if kind == rules.BACKGROUND:
        if u.agreed_cents is None:
            raise Unknown("a background replica used as background is paid as bargained: report agreed_cents")
        return _line(used, formula="ai.tv.background_use", component="background_use", basis=u.agreed_cents,
                     rate_ppm=1_000_000, units=1, gross=u.agreed_cents, note="bargained background pay", **base)
    day, how = _day_pay(used, u.rate_cents)
    if origin is None or u.project == origin:
        mult = used.ppm("ai.use_day_multiple")
        gross = apply_ppm(day * u.days, mult)
        return _line(used, formula="ai.tv.ebdr_use", component="ebdr_use", basis=day, rate_ppm=mult, units=u.days,
                     gross=gross, note=f"paid as if performed: {how} × {u.days} estimated days; residuals are due "
                     "as if performed on the picture's exhibitions", **base)
    used.get("ai.other_project_day_minimum_floor")
    scale = int(used.get("minimums.day_performer"))
    floor = scale * u.days
    gross = max(floor, u.agreed_cents or 0)
    return _line(used, formula="ai.tv.ebdr_other_project", component="ebdr_other_project", basis=scale,
                 rate_ppm=1_000_000, units=u.days, gross=gross,
                 note=f"use in another project ({u.project}, replica made on {origin}): bargained "
                      f"{u.agreed_cents if u.agreed_cents is not None else 'not reported'}, floor day scale "
                      f"× {u.days} days = {floor}", **base)


def _sound_use(u: Use, used: _Used, base: dict[str, Any]) -> Line | None:
    if u.role == "royalty_artist":
        return None  # paid through the royalty share, not a fixed amount
    if u.rate_cents is None:
        raise Unknown("a session singer's replica pay is counted in sides: report rate_cents (the per-side rate)")
    minimum = int(used.get("sound.ai.min_sides_per_project"))
    sides = max(u.sides or 0, minimum)
    return _line(used, formula="ai.sound.session_singer_sides", component="sides_minimum", basis=u.rate_cents,
                 rate_ppm=1_000_000, units=sides, gross=u.rate_cents * sides,
                 note=f"session singer: {sides} sides (reported {u.sides or 0}, minimum {minimum}) × {u.rate_cents}",
                 **base)


def _interactive_use(u: Use, kind: str, used: _Used, base: dict[str, Any]) -> Line:
    if u.real_time:
        if u.rate_cents is None:
            raise Unknown("real-time generation is paid as a multiple of scale: report rate_cents (session scale)")
        mult = used.ppm("interactive.ai.real_time_scale_multiple")
        gross = max(apply_ppm(u.rate_cents, mult), u.agreed_cents or 0)
        return _line(used, formula="ai.interactive.real_time", component="real_time_generation", basis=u.rate_cents,
                     rate_ppm=mult, units=1, gross=gross, note="real-time generation: at least the multiple × scale",
                     **base)
    if kind == rules.VISUAL:
        if u.rate_cents is None:
            raise Unknown("visual replica pay is by equivalent production days: report rate_cents (session scale)")
        mult = used.ppm("interactive.ai.visual_day_multiple")
        gross = max(apply_ppm(u.rate_cents * u.days, mult), u.agreed_cents or 0)
        return _line(used, formula="ai.interactive.visual_days", component="visual_replica_use", basis=u.rate_cents,
                     rate_ppm=mult, units=u.days, gross=gross,
                     note=f"visual replica: {u.days} equivalent production days × scale", **base)
    if u.agreed_cents is None:
        used.get("interactive.ai.words_per_line")
        raise Unknown(f"vocal replica pay per generated line ({u.lines_generated} lines) has no published rate: "
                      "report agreed_cents")
    return _line(used, formula="ai.interactive.vocal_lines", component="vocal_replica_use", basis=u.agreed_cents,
                 rate_ppm=1_000_000, units=u.lines_generated, gross=u.agreed_cents,
                 note=f"vocal replica: {u.lines_generated} generated lines, bargained pay", **base)


def session_line(n: Notice, snap: Snapshot) -> Line | None:
    """Creation time paid as work time (None for agreements with no creation-pay rule in the sources)."""
    replica = snap.replicas.get(n.replica_id)
    if replica is None:
        raise Unknown(f"replica {n.replica_id} is not recorded")
    day = n.session_at.date()
    used = _Used(load_pack(n.agreement), day)
    base: dict[str, Any] = {"agreement": n.agreement, "performer_id": n.performer_id, "title_id": n.project,
                            "subject": n.notice_id, "start": day, "end": day}
    if n.agreement == rules.TV:
        if replica.kind == rules.BACKGROUND:
            if n.rate_cents is None:
                raise Unknown("a background actor's scan day is paid at their day rate: report rate_cents")
            used.get("ai.background_scan_full_day")
            return _line(used, formula="ai.tv.creation_session", component="creation_session", basis=n.rate_cents,
                         rate_ppm=1_000_000, units=1, gross=n.rate_cents,
                         note="background actor called for scanning: a full day", **base)
        pay, how = _day_pay(used, n.rate_cents)
        half_max = int(used.get("ai.creation_half_day_max_minutes"))
        if 0 < n.minutes <= half_max and not n.scan_only:
            mult = used.ppm("ai.creation_half_day_multiple")
            how += f"; {n.minutes} minutes: a half day"
        else:
            mult = used.ppm("ai.creation_session_day_multiple")
        return _line(used, formula="ai.tv.creation_session", component="creation_session", basis=pay, rate_ppm=mult,
                     units=1, gross=apply_ppm(pay, mult), note=f"creation time is work time: {how}", **base)
    if n.agreement == rules.SOUND:
        if n.rate_cents is None:
            raise Unknown("a creation session is paid as work time: report rate_cents (the session fee)")
        return _line(used, formula="ai.sound.creation_session", component="creation_session", basis=n.rate_cents,
                     rate_ppm=1_000_000, units=1, gross=n.rate_cents, note="creation session paid as work time",
                     **base)
    return None


def compute(snap: Snapshot) -> Result:
    """Every owed line for the registry's uses and creation sessions; what cannot be priced, with why."""
    result = Result()
    for u in sorted(snap.uses, key=lambda x: x.use_id):
        first = snap.duplicate_of(u)
        result.about[u.use_id] = (u.project, u.producer)
        if first is not None:
            result.unknown.append((u.use_id, u.performer_id,
                                   f"reported again as a duplicate of {first} with different figures: "
                                   "not priced until staff withdraw the wrong report"))
            continue
        try:
            line = use_line(u, snap)
        except Unknown as why:
            result.unknown.append((u.use_id, u.performer_id, str(why)))
            continue
        if line is not None and line.gross_cents:
            result.lines.append(line)
    for n in sorted(snap.notices, key=lambda x: x.notice_id):
        result.about[n.notice_id] = (n.project, n.producer)
        try:
            line = session_line(n, snap)
        except Unknown as why:
            result.unknown.append((n.notice_id, n.performer_id, str(why)))
            continue
        if line is not None and line.gross_cents:
            result.lines.append(line)
    return result


PERFORMED_TABLE = "ai_performed_days"
PERFORMED_DDL = f"""
CREATE TABLE IF NOT EXISTS {PERFORMED_TABLE} (
  performer_id VARCHAR, title_id VARCHAR, use_id VARCHAR, line_id VARCHAR, days BIGINT, period_start DATE,
  period_end DATE
)"""
# Uses paid "as if performed" also earn residuals as if performed: these are the days to count.
AS_IF_PERFORMED = ("ai.tv.ebdr_use", "ai.tv.background_as_principal")


# What could not be priced, kept with each run so the audit and staff see the amounts nobody can check yet.
UNKNOWN_TABLE = "ai_compensation_unknown"
UNKNOWN_DDL = f"""
CREATE TABLE IF NOT EXISTS {UNKNOWN_TABLE} (
  run_id BIGINT, subject_id VARCHAR, performer_id VARCHAR, title_id VARCHAR, producer VARCHAR, reason VARCHAR
)"""
UNKNOWN_COLUMNS = ("run_id", "subject_id", "performer_id", "title_id", "producer", "reason")

RUNS_TABLE = "ai_compensation_runs"
RUNS_DDL = f"""
CREATE TABLE IF NOT EXISTS {RUNS_TABLE} (
  run_id BIGINT, stored_at TIMESTAMP, lines BIGINT, amount_cents HUGEINT, ph_cents HUGEINT, not_priced BIGINT
)"""


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ai_compensation_lines, ai_performed_days, ai_compensation_unknown and ai_compensation_runs if
    missing."""
    con.execute(LINES_DDL)
    con.execute(PERFORMED_DDL)
    con.execute(UNKNOWN_DDL)
    con.execute(RUNS_DDL)


def last_run(con: duckdb.DuckDBPyConnection) -> int | None:
    """The latest stored run of AI-compensation lines (None before the first); run ids only grow."""
    ensure_table(con)
    row = con.execute(f"SELECT max(run_id) FROM {RUNS_TABLE}").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def unknown_amounts(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The uses and sessions the stored run could not price, with why (for the audit and staff)."""
    ensure_table(con)
    cur = con.execute(f"SELECT * FROM {UNKNOWN_TABLE} ORDER BY performer_id, subject_id")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def days_without_engagement(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, int]]:
    """(performer, title, use, days) of stored days of digital performance that the residuals engine cannot
    count yet: no engagement of that performer on that title is loaded."""
    ensure_table(con)
    missing = "TRUE" if relation_type(con, "engagements") is None else (
        "NOT EXISTS (SELECT 1 FROM engagements e WHERE e.performer_id = a.performer_id AND e.title_id = a.title_id)")
    rows = con.execute(f"SELECT performer_id, title_id, use_id, days FROM {PERFORMED_TABLE} a WHERE {missing} "
                       "ORDER BY performer_id, title_id, use_id").fetchall()
    return [(str(p), str(t), str(u), int(d)) for p, t, u, d in rows]


def performed_days(result: Result) -> list[tuple[str, str, str, str, int, dt.date, dt.date]]:
    """(performer, title, use, line, days, start, end) of each use that earns residuals as if performed."""
    return [(ln.performer_id, ln.title_id, ln.subject_id, ln.line_id, ln.units, ln.period_start, ln.period_end)
            for ln in result.lines if ln.formula_id in AS_IF_PERFORMED and ln.units > 0]


def write_lines(con: duckdb.DuckDBPyConnection, result: Result) -> int:
    """Replace the stored AI-compensation lines with result's (the registry is the whole truth); returns the new
    run id, which the audit's ledger posting names its batch by."""
    run = (last_run(con) or 0) + 1
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {TABLE}")
        con.execute(f"DELETE FROM {PERFORMED_TABLE}")
        con.execute(f"DELETE FROM {UNKNOWN_TABLE}")
        if result.unknown:
            _insert(con, UNKNOWN_TABLE, UNKNOWN_COLUMNS,
                    [[run, subject, performer, *result.about.get(subject, ("", "")), why]
                     for subject, performer, why in result.unknown])
        days = performed_days(result)
        if days:
            names = ("performer_id", "title_id", "use_id", "line_id", "days", "period_start", "period_end")
            _insert(con, PERFORMED_TABLE, names, [list(d) for d in days])
        if result.lines:
            _insert(con, TABLE, COLUMNS, [[row[c] for c in COLUMNS] for row in (ln.row(run) for ln in result.lines)])
        con.execute(f"INSERT INTO {RUNS_TABLE} VALUES (?, now(), ?, ?, ?, ?)",
                    [run, len(result.lines), result.total_cents, result.total_ph_cents, len(result.unknown)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return run


def _insert(con: duckdb.DuckDBPyConnection, table: str, names: tuple[str, ...], rows: list[list[Any]]) -> None:
    """Insert rows through Arrow (DuckDB's executemany goes row by row); the table's types cast the columns."""
    import pyarrow as pa

    data = pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})
    con.register("_ai_rows", data)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(names)} FROM _ai_rows")
    finally:
        con.unregister("_ai_rows")
