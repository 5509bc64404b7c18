"""The audit on the generated union: every injected error found as the right type, nothing else found.

Generates the demo union, loads it, computes it, generates the payers' remittances with injected
errors and their ground truth, loads them, audits, and holds precision and recall of each finding
type at 0.99 or better.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from greenroom.audit import findings as ft
from greenroom.audit.reconcile import AuditResult, run_audit
from greenroom.audit.remittances import RemittanceLoad, load_remittances
from greenroom.audit.remittances_demo import DemoRemittances, generate_remittances
from greenroom.config import Settings
from greenroom.demo.generate import generate
from greenroom.ingest.loader import load_file
from greenroom.residuals.engine import compute
from greenroom.store.analytics import connect

SCALE = 2_000
MIN_SUPPORT = 50


@dataclass
class Audited:
    settings: Settings
    demo: DemoRemittances
    loads: list[RemittanceLoad]
    result: AuditResult


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Audited:
    root = tmp_path_factory.mktemp("demo-audit")
    settings = Settings(data_dir=root, database_url=f"sqlite:///{root / 'app.sqlite3'}")
    files = generate(root / "union", SCALE, seed=7)
    for path in (files.titles, files.engagements, files.exhibitions):
        assert load_file(settings, path).loaded > 0
    with connect(settings) as con:
        compute(con)
        demo = generate_remittances(con, root / "remittances", seed=7)
    loads = [load_remittances(settings, f.path, f.payer, f.column_map) for f in demo.files]
    return Audited(settings, demo, loads, run_audit(settings, demo.as_of))


def _scores(a: Audited) -> dict[str, tuple[float, float, int, int]]:
    found = {(f.type, f.check.title_id, f.check.performer_id, f.check.market, f.check.period_start,
              f.check.period_end) for f in a.result.findings}
    truth = a.demo.truth.findings
    out = {}
    for t in ft.TYPES:
        f = {x for x in found if x[0] == t}
        g = {x for x in truth if x[0] == t}
        hit = len(f & g)
        out[t] = (hit / len(f) if f else 1.0, hit / len(g) if g else 1.0, len(f), len(g))
    return out


def test_every_file_is_accounted_for_as_the_truth_says(audited: Audited) -> None:
    for load in audited.loads:
        expected = audited.demo.truth.expected[Path(load.file).name]
        assert not load.refused, load.messages
        assert load.balanced
        assert (load.rows_read, load.rejected, load.queued, load.duplicates) == (
            expected["rows"], expected["rejected"], expected["queued"], expected["duplicates"]), load.summary()


def test_precision_and_recall_by_type(audited: Audited) -> None:
    scores = _scores(audited)
    print("\ntype                 precision  recall  found  truth")
    for t, (p, r, nf, nt) in scores.items():
        print(f"{t:20s} {p:9.4f} {r:7.4f} {nf:6d} {nt:6d}")
    for t, (p, r, _, nt) in scores.items():
        if t == ft.OVERPAID:
            continue  # not injected: any overpayment found would show as a precision loss elsewhere
        assert nt >= MIN_SUPPORT, f"{t}: only {nt} injected; the test needs more support"
        assert p >= 0.99 and r >= 0.99, f"{t}: precision {p:.4f}, recall {r:.4f}"
    assert scores[ft.OVERPAID][2] == 0


def test_findings_carry_evidence(audited: Audited) -> None:
    for f in audited.result.findings:
        ev = f.evidence()
        assert ev["owed"]["lines"] and ev["owed"]["entries"], f.type
        assert ev["difference"]["tolerance_cents"] == 0
        if f.type in (ft.WRONG_PERFORMER, ft.WRONG_TITLE):
            assert ev["paid_as"]["rows"]
        elif f.type != ft.MISSING:
            assert ev["paid"]["rows"] and ev["paid"]["entries"]
        if f.type == ft.LATE:
            # Interest can round to nothing on a few cents, but how it was worked out is always there.
            assert ev["interest"] and all("due_date" in i and "months" in i for i in ev["interest"])


def test_the_balances_add_up_to_the_ledger_totals(audited: Audited) -> None:
    with connect(audited.settings) as con:
        row = con.execute("SELECT sum(owed_cents), sum(paid_cents), sum(diff_cents + diff_ph_cents), "
                          "count(*) FILTER (WHERE NOT ok) FROM ledger_balances").fetchone()
    assert row is not None
    t = audited.result.totals
    assert (row[0], row[1], row[2]) == (t.owed_cents, t.paid_cents, t.difference_cents)
    assert row[3] > 0
