"""Remittances for the demo union: what its payers would send, with realistic errors and the ground truth.

Three payers with different habits: one writes our ids and echoes line ids (Parquet, our
headers), one writes exact title names (CSV, its own headers), one writes names loosely (XLSX,
its own headers). Errors are injected per balance key: a few percent short, missing, late, at the
previous scale, paid twice, paid to another performer or title, P&H short. Bad input rows (zero,
negative, non-USD, a check paying two performers, an unknown title, an unknown performer) are
added on top, and each payer later re-sends part of its file (exact copies, one changed check).
The truth lists the finding each injected error must produce and the row counts of every file.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from greenroom.audit import findings as ft
from greenroom.audit.demo_files import PAYERS, DemoRow, PayerFile, PayerWriter
from greenroom.audit.prior import prior_scale_lines
from greenroom.contracts.params import load_pack

Key = tuple[str, str, str, dt.date, dt.date]
"""(title_id, performer_id, market, period_start, period_end)."""
TruthItem = tuple[str, str, str, str, dt.date, dt.date]
"""(finding type, title_id, performer_id, market, period_start, period_end)."""

PAYER_SHARES = (0.52, 0.46, 0.02)
"""Share of series each demo payer remits for (PAYERS' order): the one sending spreadsheets is a small payer,
as spreadsheet payers are; reading .xlsx (openpyxl) costs about 0.5 ms of CPU a row, 30 times CSV."""
UNKNOWN_TITLE = "Untitled Pilot (working title)"
UNKNOWN_PERFORMER = "P9999999"
# Errors that leave a key unpaid or paid too much: two of them on one title or performer (same market and
# period) could be confused for one payment sent to the wrong place, so they never share one.
_PAIRING = (ft.MISSING, ft.DUPLICATE, ft.WRONG_PERFORMER, ft.WRONG_TITLE)


@dataclass(frozen=True)
class ErrorRates:
    """Share of balance keys given each error (at most one error per key)."""

    short: float = 0.02
    missing: float = 0.02
    late: float = 0.02
    old_rate: float = 0.03
    duplicate: float = 0.02
    wrong_performer: float = 0.02
    wrong_title: float = 0.02
    ph_short: float = 0.02

    def table(self) -> list[tuple[str, float]]:
        """(finding type, rate) in a fixed order."""
        return [(ft.UNDERPAID, self.short), (ft.MISSING, self.missing), (ft.LATE, self.late),
                (ft.OLD_RATE, self.old_rate), (ft.DUPLICATE, self.duplicate),
                (ft.WRONG_PERFORMER, self.wrong_performer), (ft.WRONG_TITLE, self.wrong_title),
                (ft.PH_SHORT, self.ph_short)]


@dataclass
class Truth:
    """What the audit must find: one finding per injected error, and how the loader must count rows."""

    findings: set[TruthItem] = field(default_factory=set)
    title_payer: dict[str, str] = field(default_factory=dict)
    expected: dict[str, dict[str, int]] = field(default_factory=dict)
    """File name -> rows, rejected, queued and duplicates the loader must report."""

    def by_type(self) -> dict[str, set[TruthItem]]:
        """The expected findings grouped by type."""
        out: dict[str, set[TruthItem]] = defaultdict(set)
        for item in self.findings:
            out[item[0]].add(item)
        return out


@dataclass
class DemoRemittances:
    """The generated files, the as-of date to audit at, and the truth."""

    files: list[PayerFile]
    as_of: dt.date
    truth: Truth


def _lines(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cur = con.execute("""SELECT line_id, exhibition_id, title_id, performer_id, market, period_start, period_end,
        gross_cents, amount_cents, ph_cents, due_date FROM residual_lines WHERE amount_cents > 0
        ORDER BY title_id, performer_id, market, period_start, period_end, line_id""")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _assign_payers(con: duckdb.DuckDBPyConnection, rng: np.random.Generator) -> dict[str, str]:
    """Each series (or stand-alone title) belongs to one payer; the spreadsheet payer is the small one."""
    out: dict[str, str] = {}
    by_group: dict[str, str] = {}
    for title_id, series_id in con.execute("SELECT title_id, series_id FROM titles ORDER BY title_id").fetchall():
        group = series_id or title_id
        if group not in by_group:
            # Every payer gets a series, however small the union: each file format is then loaded.
            first = len(by_group) < len(PAYERS)
            by_group[group] = PAYERS[len(by_group)] if first else PAYERS[int(rng.choice(len(PAYERS), p=PAYER_SHARES))]
        out[title_id] = by_group[group]
    return out


class _Locks:
    """Title and performer groups (with market and period) already holding an unpaid or overpaid error."""

    def __init__(self) -> None:
        self.taken: set[tuple[str, str, str, dt.date, dt.date]] = set()

    @staticmethod
    def groups(title: str, performer: str, market: str, ps: dt.date,
               pe: dt.date) -> list[tuple[str, str, str, dt.date, dt.date]]:
        """The title group and the performer group a key belongs to."""
        return [("t", title, market, ps, pe), ("p", performer, market, ps, pe)]

    def free(self, *keys: Key) -> bool:
        """No group of these keys holds an error yet."""
        return not any(g in self.taken for k in keys for g in self.groups(*k))

    def take(self, *keys: Key) -> None:
        """Mark the groups of these keys as holding an error."""
        for k in keys:
            self.taken.update(self.groups(*k))


def generate_remittances(con: duckdb.DuckDBPyConnection, out_dir: Path, seed: int = 7,
                         rates: ErrorRates | None = None) -> DemoRemittances:
    """Write one remittance file per payer for the computed residual lines, with errors and their truth."""
    rates = rates or ErrorRates()
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x72656D]))
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = _lines(con)
    title_payer = _assign_payers(con, rng)
    payer_titles: dict[str, list[str]] = defaultdict(list)
    for t, p in sorted(title_payer.items()):
        payer_titles[p].append(t)
    names = dict(con.execute("SELECT title_id, name FROM titles").fetchall())
    cast = defaultdict(set)
    for performer, title in con.execute("SELECT DISTINCT performer_id, title_id FROM engagements").fetchall():
        cast[title].add(performer)
    performers = sorted({p for ps in cast.values() for p in ps})
    prior_table = prior_scale_lines(con, {ln["title_id"] for ln in lines})
    prior = {r["line_id"]: (r["amount_cents"], r["ph_cents"]) for r in prior_table.to_pylist()}
    latest = max(max(ln["due_date"] or ln["period_end"], ln["period_end"]) for ln in lines)
    as_of = latest + dt.timedelta(days=200)

    keys: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for ln in lines:
        keys[(ln["title_id"], ln["performer_id"], ln["market"], ln["period_start"], ln["period_end"])].append(ln)
    truth = Truth(title_payer=title_payer)
    rows: dict[str, list[DemoRow]] = defaultdict(list)
    locks = _Locks()
    order = list(keys)
    rng.shuffle(order)
    table = rates.table()
    # One draw per line up front: a numpy call per line costs more than the rest of the line's work.
    early = iter(rng.integers(0, 15, size=len(lines)).tolist())
    after = iter(rng.integers(10, 40, size=len(lines)).tolist())
    for key in order:
        kl = keys[key]
        payer = title_payer[key[0]]
        key_rows = [_on_time(ln, next(early), next(after)) for ln in kl]
        draw = float(rng.random())
        kind = None
        for name, rate in table:
            if draw < rate:
                kind = name
                break
            draw -= rate
        if kind is not None:
            key_rows, done = _inject(kind, key, kl, key_rows, rng, locks, prior, cast, performers, title_payer,
                                     payer_titles, keys)
            if done is not None:
                truth.findings.add((kind, *done))
        rows[payer].extend(key_rows)
    files = _write_all(rows, rng, names, truth, out_dir)
    _late_truth_after_checks(truth, rows, keys)
    return DemoRemittances(files, as_of, truth)


def _on_time(ln: dict[str, Any], early: int, after: int) -> DemoRow:
    """Paid up to two weeks before the due date, or 10-40 days after the period when there is none."""
    due = ln["due_date"]
    paid = due - dt.timedelta(days=early) if due else ln["period_end"] + dt.timedelta(days=after)
    paid = max(paid, ln["period_start"])
    return DemoRow(ln["line_id"], ln["exhibition_id"], ln["title_id"], ln["performer_id"], ln["market"],
                ln["period_start"], ln["period_end"], int(ln["gross_cents"]), int(ln["amount_cents"]),
                int(ln["ph_cents"]), paid)


def _inject(kind: str, key: Key, lines: list[dict[str, Any]], rows: list[DemoRow], rng: np.random.Generator,
            locks: _Locks, prior: dict[str, tuple[int, int]], cast: dict[str, set[str]], performers: list[str],
            title_payer: dict[str, str], payer_titles: dict[str, list[str]],
            keys: dict[Key, list[dict[str, Any]]]) -> tuple[list[DemoRow], Key | None]:
    """Apply one error to a key's rows; returns the rows and the key the finding will be on (None: not applied)."""
    owed = sum(r.amount_cents for r in rows)
    owed_ph = sum(r.ph_cents for r in rows)
    prior_amount = sum(prior.get(r.line_id, (r.amount_cents, r.ph_cents))[0] for r in rows)
    prior_ph = sum(prior.get(r.line_id, (r.amount_cents, r.ph_cents))[1] for r in rows)
    if kind in _PAIRING and not locks.free(key):
        return rows, None
    if kind == ft.UNDERPAID:
        big = max(rows, key=lambda r: r.amount_cents)
        cut = int(round(big.amount_cents * float(rng.uniform(0.02, 0.08))))
        if cut < 1 or big.amount_cents - cut < 1 or owed - cut == prior_amount:
            return rows, None
        big.amount_cents -= cut
        return rows, key
    if kind == ft.MISSING:
        locks.take(key)
        return [], key
    if kind == ft.LATE:
        due = lines[0]["due_date"]
        if due is None or any(ln["due_date"] != due for ln in lines):
            return rows, None
        late = due + dt.timedelta(days=int(rng.integers(5, 150)))
        for r in rows:
            r.paid_date = late
        return rows, key
    if kind == ft.OLD_RATE:
        if not prior_amount < owed or any(prior.get(r.line_id, (0, 0))[0] <= 0 for r in rows):
            return rows, None
        for r in rows:
            r.amount_cents, r.ph_cents = prior[r.line_id]
        return rows, key
    if kind == ft.DUPLICATE:
        locks.take(key)
        extra = replace(rows[0])
        extra.check_number = "dup"
        return [*rows, extra], key
    if kind == ft.PH_SHORT:
        big = max(rows, key=lambda r: r.ph_cents)
        if big.ph_cents < 2:
            return rows, None
        new_ph = 0 if rng.random() < 0.5 else big.ph_cents // 2
        if (owed, owed_ph - big.ph_cents + new_ph) == (prior_amount, prior_ph):
            return rows, None
        big.ph_cents = new_ph
        return rows, key
    title, performer, market, ps, pe = key
    if kind == ft.WRONG_PERFORMER:
        picked = _pick(performers, lambda p: p not in cast[title], rng)
        if picked is None:
            return rows, None
        moved: Key = (title, picked, market, ps, pe)
    else:
        picked = _pick(payer_titles[title_payer[title]], lambda t: t != title and performer not in cast[t], rng)
        if picked is None:
            return rows, None
        moved = (picked, performer, market, ps, pe)
    if moved in keys or not locks.free(moved):
        return rows, None
    locks.take(key, moved)
    for r in rows:
        r.title_id, r.performer_id = moved[0], moved[1]
    return rows, key


def _pick(choices: list[str], fits: Callable[[str], bool], rng: np.random.Generator, tries: int = 32) -> str | None:
    """A random choice that fits: drawn at random first (most fit, and listing all per key is quadratic)."""
    if not choices:
        return None
    for i in rng.integers(len(choices), size=tries):
        if fits(choices[int(i)]):
            return choices[int(i)]
    fitting = [c for c in choices if fits(c)]
    return fitting[int(rng.integers(len(fitting)))] if fitting else None


def _assign_checks(payer_rows: list[DemoRow], prefix: str) -> None:
    """One check per performer and paid date; a duplicate payment is a check of its own."""
    numbers: dict[tuple[str, dt.date], str] = {}
    n = 0
    for r in sorted(payer_rows, key=lambda r: (r.performer_id, r.paid_date, r.line_id)):
        if r.check_number == "dup":
            n += 1
            r.check_number = f"{prefix}{n:07d}"
            continue
        group = (r.performer_id, r.paid_date)
        if group not in numbers:
            n += 1
            numbers[group] = f"{prefix}{n:07d}"
        r.check_number = numbers[group]


def _late_truth_after_checks(truth: Truth, rows: dict[str, list[DemoRow]],
                             keys: dict[Key, list[dict[str, Any]]]) -> None:
    """Basic-cable checks under the small-check amount are outside the late rule: drop those from the truth."""
    pack = load_pack()
    items = [t for t in truth.findings if t[0] == ft.LATE and t[3] == "basic_cable"]
    wanted = {t[1:] for t in items}
    totals: dict[tuple[str, str], int] = defaultdict(int)
    # Rows by key, for the keys in question only: scanning every row per finding is quadratic at full scale.
    by_key: dict[Key, list[DemoRow]] = defaultdict(list)
    for payer, payer_rows in rows.items():
        for r in payer_rows:
            totals[(payer, r.check_number)] += r.amount_cents
            if r.market == "basic_cable":
                k = (r.title_id, r.performer_id, r.market, r.period_start, r.period_end)
                if k in wanted:
                    by_key[k].append(r)
    for item in items:
        key: Key = item[1:]
        payer = truth.title_payer[key[0]]
        due = keys[key][0]["due_date"]
        limit = int(pack.value(ft.SMALL_CHECK_PARAM, due))
        late_rows = [r for r in by_key[key] if r.paid_date > due]
        if all(totals[(payer, r.check_number)] < limit for r in late_rows):
            truth.findings.discard(item)


def _bad_rows(good: list[DemoRow], rng: np.random.Generator, prefix: str) -> list[DemoRow]:
    """Bad input on top of the payments: 4 rows rejected (zero, negative, EUR, a check paying two performers)
    and 2 queued (an unknown title, an unknown performer)."""
    zero, negative, euro, reused, unknown_title, unknown_performer = (
        replace(good[int(i)]) for i in rng.integers(len(good), size=6))
    zero.amount_cents = 0
    negative.amount_cents = -abs(negative.amount_cents)
    euro.currency = "EUR"
    reused.performer_id = next(r.performer_id for r in good if r.performer_id != reused.performer_id)
    unknown_title.title_id, unknown_title.check_number = UNKNOWN_TITLE, f"{prefix}X0000001"
    unknown_performer.performer_id, unknown_performer.check_number = UNKNOWN_PERFORMER, f"{prefix}X0000002"
    return [zero, negative, euro, reused, unknown_title, unknown_performer]


def _resent_rows(good: list[DemoRow], rng: np.random.Generator) -> list[DemoRow]:
    """A later file re-sending part of the first: 3 exact copies (duplicates) and 1 changed check (rejected)."""
    picks = [replace(good[int(i)]) for i in rng.choice(len(good), size=4, replace=False)]
    picks[3].amount_cents += 100
    return picks


def _write_all(rows: dict[str, list[DemoRow]], rng: np.random.Generator, names: dict[str, str], truth: Truth,
               out_dir: Path) -> list[PayerFile]:
    """Each payer's main file (payments and bad rows), then each payer's re-sent file (mapping reused)."""
    writer = PayerWriter(names, rng, out_dir)
    first, later = [], []
    for payer in PAYERS:
        good = rows[payer]
        if not good:
            continue
        prefix = "".join(w[0] for w in payer.split()).upper()
        _assign_checks(good, prefix)
        main = writer.write(payer, good + _bad_rows(good, rng, prefix), f"{prefix.lower()}-remittance")
        truth.expected[main.path.name] = {"rows": len(good) + 6, "rejected": 4, "queued": 2, "duplicates": 0}
        first.append(main)
        resent = writer.write(payer, _resent_rows(good, rng), f"{prefix.lower()}-remittance-resent")
        truth.expected[resent.path.name] = {"rows": 4, "rejected": 1, "queued": 0, "duplicates": 3}
        later.append(PayerFile(payer, resent.path, {}))
    return first + later
