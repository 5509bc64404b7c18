"""The audit step of `greenroom demo`: payers' remittances with known errors, loaded, audited and scored.

After the residuals are computed, the demo payers "send" their remittance files (with errors
injected at a few percent of keys and bad rows on top, the truth recorded), the files are loaded,
the audit runs, and each finding type's precision and recall against the truth is printed. The
audit report (HTML and PDF) and, where ../shared has the Netflix data, the success-bonus estimate
are written into the data directory.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from greenroom.audit import findings as ft
from greenroom.audit.findings import FindingDraft
from greenroom.audit.netflix_bonus import NetflixDataError, default_source, estimate, estimate_html
from greenroom.audit.reconcile import AuditResult, run_audit
from greenroom.audit.remittances import load_remittances
from greenroom.audit.remittances_demo import TruthItem, generate_remittances
from greenroom.audit.report_html import audit_report_data, render_audit_report_html
from greenroom.audit.report_pdf import render_audit_report_pdf
from greenroom.config import Settings
from greenroom.money import format_cents
from greenroom.store.analytics import connect


@dataclass(frozen=True)
class Score:
    """One finding type's precision and recall against the truth."""

    type: str
    found: int
    truth: int
    hits: int

    @property
    def precision(self) -> float:
        """Share of findings of this type that are in the truth (1.0 when none were found)."""
        return self.hits / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        """Share of the truth's findings of this type that were found (1.0 when none were injected)."""
        return self.hits / self.truth if self.truth else 1.0


def score(findings: Iterable[FindingDraft], truth: set[TruthItem]) -> list[Score]:
    """Precision and recall per finding type: a hit is the same type on the same key (payer aside)."""
    found = {(f.type, f.check.title_id, f.check.performer_id, f.check.market, f.check.period_start,
              f.check.period_end) for f in findings}
    out = []
    for t in ft.TYPES:
        f = {x for x in found if x[0] == t}
        g = {x for x in truth if x[0] == t}
        out.append(Score(t, len(f), len(g), len(f & g)))
    return out


SAMPLE_DIR = "audit-sample"
"""Where demos before the whole union was audited kept their sample (removed by the next demo run)."""


@dataclass
class DemoAudit:
    """What the demo's audit step did."""

    result: AuditResult
    scores: list[Score]
    written: list[Path]
    seconds: float
    data_dir: Path
    """The audited data directory (the demo's own)."""


def run_demo_audit(settings: Settings, console: Console, seed: int = 7, step: int = 5,
                   netflix: Path | None = None) -> DemoAudit:
    """Generate, load and audit the demo payers' remittances for the whole union; print the scores; write reports."""
    started = time.perf_counter()
    stale = settings.data_dir / SAMPLE_DIR
    if stale.is_dir():
        shutil.rmtree(stale)  # an earlier demo's sample: the union itself is audited now
    with console.status(f"{step}. the payers send their remittances"), connect(settings) as con:
        demo = generate_remittances(con, settings.data_dir / "remittances", seed=seed)
    console.print(f"[bold]{step}. Remittances[/] from {len({f.payer for f in demo.files})} payers, with errors "
                  f"injected at a few percent of keys (the truth is known: {len(demo.truth.findings):,} findings "
                  "expected):")
    for f in demo.files:
        with console.status(f"{step}. loading {f.path.name}"):
            load = load_remittances(settings, f.path, f.payer, f.column_map)
        console.print(f"   {f.payer}: {load.summary()}", markup=False, highlight=False)
    with console.status(f"{step + 1}. auditing"):
        result = run_audit(settings, demo.as_of)
    t = result.totals
    console.print(f"[bold]{step + 1}. Audited[/] as of {result.as_of}: {result.keys:,} balances; owed "
                  f"{format_cents(t.owed_cents)} + P&H {format_cents(t.owed_ph_cents)}, paid "
                  f"{format_cents(t.paid_cents)} + P&H {format_cents(t.paid_ph_cents)}, difference "
                  f"{format_cents(t.difference_cents)}")
    scores = score(result.findings, demo.truth.findings)
    table = Table(title="Findings against the injected truth")
    for name in ("type", "found", "injected", "precision", "recall"):
        table.add_column(name, justify="left" if name == "type" else "right")
    for s in scores:
        if s.found or s.truth:
            table.add_row(s.type, f"{s.found:,}", f"{s.truth:,}", f"{s.precision:.4f}", f"{s.recall:.4f}")
    console.print(table)
    written = []
    with console.status(f"{step + 2}. writing the audit report"):
        data = audit_report_data(settings)
        html, pdf = settings.data_dir / "audit-report.html", settings.data_dir / "audit-report.pdf"
        html.write_text(render_audit_report_html(data), encoding="utf-8")
        pdf.write_bytes(render_audit_report_pdf(data))
        written += [html, pdf]
    folder = netflix or default_source()
    if folder is not None:
        with console.status(f"{step + 2}. estimating the Netflix success bonus"):
            try:
                nb = estimate(folder)
            except NetflixDataError as exc:
                console.print(f"[yellow]Netflix success bonus skipped: {exc}[/]")
            else:
                out = settings.data_dir / "netflix-bonus.html"
                out.write_text(estimate_html(nb), encoding="utf-8")
                written.append(out)
                top = ", ".join(f"{x.title} ({float(x.metric):.0%})" for x in nb.qualifying[:5])
                console.print(f"[bold]{step + 2}. Netflix success bonus[/] (estimate on public global data; "
                              f"assumptions in the report): {len(nb.qualifying)} of {len(nb.titles)} titles "
                              f"would qualify at {float(nb.threshold):.0%}, e.g. {top}")
    else:
        console.print(f"{step + 2}. Netflix success bonus: no ../shared/data/netflix here; skipped")
    console.print(f"[bold]{step + 3}. Reports[/]: " + ", ".join(str(p.name) for p in written)
                  + f" in {settings.data_dir} ({time.perf_counter() - started:.1f}s for the audit steps)")
    return DemoAudit(result, scores, written, time.perf_counter() - started, settings.data_dir)
