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
from greenroom.audit.tables import ensure_audit_tables
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


SAMPLE_LINES = 40_000
"""Residual lines the demo audits at most: payers' files for a whole small-scale union run to millions of rows."""
SAMPLE_DIR = "audit-sample"


@dataclass(frozen=True)
class Sample:
    """The part of the union the demo audits: its own data directory, titles and lines."""

    settings: Settings
    titles: int
    lines: int
    total_lines: int


def sample_union(settings: Settings, max_lines: int = SAMPLE_LINES, seed: int = 7) -> Sample:
    """Copy whole series (or stand-alone titles), drawn at random, with their lines into a fresh data directory.

    Whole series are kept together because a payer remits for a series, and a payment sent to the wrong
    title goes to a sibling title. Returns the original settings when the union is no bigger than max_lines.
    """
    with connect(settings) as con:
        row = con.execute("SELECT count(*) FROM residual_lines").fetchone()
        total = int(row[0]) if row else 0
        if total <= max_lines:
            n = con.execute("SELECT count(DISTINCT title_id) FROM residual_lines").fetchone()
            return Sample(settings, int(n[0]) if n else 0, total, total)
        groups = con.execute("""SELECT COALESCE(t.series_id, t.title_id) AS g, list(DISTINCT t.title_id) AS titles,
                count(l.line_id) AS n FROM titles t LEFT JOIN residual_lines l USING (title_id)
                GROUP BY 1 ORDER BY hash(g || ?), g""", [str(seed)]).fetchall()
    chosen: list[str] = []
    lines = 0
    for _, titles, n in groups:
        if n and lines + n <= max_lines:
            chosen.extend(titles)
            lines += int(n)
    sub = settings.data_dir / SAMPLE_DIR
    if sub.exists():
        shutil.rmtree(sub)  # a fresh sample each demo run: its findings must match this run's truth
    sub.mkdir(parents=True)
    sample = Settings(data_dir=sub, database_url=f"sqlite:///{sub / 'app.sqlite3'}")
    with connect(sample) as con:
        ensure_audit_tables(con)
    with connect(settings) as con:
        con.execute(f"ATTACH '{sample.duckdb_path}' AS sample")
        con.execute("CREATE OR REPLACE TEMP TABLE _chosen AS SELECT unnest(?::VARCHAR[]) AS title_id", [chosen])
        for table in ("titles", "engagements", "exhibitions", "residual_lines", "compute_exceptions"):
            con.execute(f"INSERT INTO sample.{table} BY NAME SELECT * FROM {table} WHERE title_id IN "
                        "(SELECT title_id FROM _chosen)")
        con.execute("INSERT INTO sample.compute_runs BY NAME SELECT * FROM compute_runs")
        con.execute("DETACH sample")
    return Sample(sample, len(chosen), lines, total)


@dataclass
class DemoAudit:
    """What the demo's audit step did."""

    result: AuditResult
    scores: list[Score]
    written: list[Path]
    seconds: float
    data_dir: Path
    """Where the audited data is: the sample's own data directory, or the demo's."""


def run_demo_audit(settings: Settings, console: Console, seed: int = 7, step: int = 5,
                   netflix: Path | None = None, max_lines: int = SAMPLE_LINES) -> DemoAudit:
    """Generate, load and audit the demo payers' remittances; print the scores; write the reports.

    Large unions are audited on a sample of whole series (sample_union) in their own data directory,
    so the demo stays quick; the reports are written into the main data directory.
    """
    started = time.perf_counter()
    main = settings
    with console.status(f"{step}. choosing the titles to audit"):
        sample = sample_union(settings, max_lines, seed)
    settings = sample.settings
    if settings is not main:
        console.print(f"[bold]{step}. Audit sample[/]: {sample.titles:,} titles (whole series) with "
                      f"{sample.lines:,} of the {sample.total_lines:,} residual lines, in {settings.data_dir} "
                      f"(see it with `greenroom --data-dir {settings.data_dir} audit findings`)")
    with console.status(f"{step}. the payers send their remittances"), connect(settings) as con:
        demo = generate_remittances(con, settings.data_dir / "remittances", seed=seed)
    console.print(f"[bold]{step}. Remittances[/] from {len({f.payer for f in demo.files})} payers, with errors "
                  f"injected at a few percent of keys (the truth is known: {len(demo.truth.findings):,} findings "
                  "expected):")
    for f in demo.files:
        load = load_remittances(settings, f.path, f.payer, f.column_map)
        console.print(f"   {f.payer}: {f.path.name}: {load.summary()}", markup=False, highlight=False)
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
        html, pdf = main.data_dir / "audit-report.html", main.data_dir / "audit-report.pdf"
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
                out = main.data_dir / "netflix-bonus.html"
                out.write_text(estimate_html(nb), encoding="utf-8")
                written.append(out)
                top = ", ".join(f"{x.title} ({float(x.metric):.0%})" for x in nb.qualifying[:5])
                console.print(f"[bold]{step + 2}. Netflix success bonus[/] (estimate on public global data; "
                              f"assumptions in the report): {len(nb.qualifying)} of {len(nb.titles)} titles "
                              f"would qualify at {float(nb.threshold):.0%}, e.g. {top}")
    else:
        console.print(f"{step + 2}. Netflix success bonus: no ../shared/data/netflix here; skipped")
    console.print(f"[bold]{step + 3}. Reports[/]: " + ", ".join(str(p.name) for p in written)
                  + f" in {main.data_dir} ({time.perf_counter() - started:.1f}s for the audit steps)")
    return DemoAudit(result, scores, written, time.perf_counter() - started, settings.data_dir)
