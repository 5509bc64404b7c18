"""`greenroom demo`: generate the demo union, load it, compute its residuals, summarise them, and audit
what its payers paid (remittances with known errors) against them."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from greenroom.audit.demo_audit import run_demo_audit
from greenroom.config import Settings
from greenroom.demo.generate import GeneratedFiles, generate
from greenroom.ingest.loader import LoadResult, load_files
from greenroom.money import format_cents
from greenroom.residuals.commands import print_summary
from greenroom.residuals.engine import ComputeResult, compute
from greenroom.residuals.explain import explain_line, plain_words
from greenroom.residuals.summary import summarize
from greenroom.store.analytics import connect


def _generate(settings: Settings, console: Console, scale: str, seed: int, bad_fraction: float) -> GeneratedFiles:
    out = settings.data_dir / "demo-files"
    with console.status(f"generating the demo union (scale {scale}, seed {seed})"):
        files = generate(out, scale, seed, fmt="csv", bad_fraction=bad_fraction)
    rows = ", ".join(f"{n:,} {k}" for k, n in files.rows.items())
    shown = out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out
    console.print(f"[bold]1. Generated[/] {rows} for {files.performers:,} performers in {files.seconds:.1f}s "
                  f"→ {shown}")
    return files


def _load(settings: Settings, console: Console, files: GeneratedFiles) -> list[LoadResult]:
    console.print("[bold]2. Loading[/] the studio files (validated; bad rows quarantined; re-loads change nothing)")
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task("loading", total=1.0)
        results = load_files(settings, [files.titles, files.engagements, files.exhibitions],
                             progress=lambda stage, frac: bar.update(task, description=stage,
                                                                     completed=frac or 0.0))
    for r in results:
        console.print(f"   {r.summary()}")
        for message in [m for m in r.messages if m != r.summary()][:3]:
            console.print(f"     {message}", markup=False)
    return results


def _compute(settings: Settings, console: Console) -> ComputeResult:
    con = connect(settings)
    with console.status("3. computing residuals") as status:
        result = compute(con, progress=lambda fid: status.update(f"3. computing residuals: {fid}"))
    console.print(f"[bold]3. Computed[/] run {result.run_id}: {result.exhibitions_in:,} exhibitions = "
                  f"{result.exhibitions_priced:,} priced + {result.exceptions:,} exceptions; {result.lines:,} lines, "
                  f"{format_cents(result.amount_cents)} to performers and {format_cents(result.ph_cents)} P&H")
    print_summary(summarize(con), console)
    row = con.execute("SELECT line_id FROM residual_lines WHERE amount_cents > 0 "
                      "ORDER BY amount_cents DESC, line_id LIMIT 1").fetchone()
    if row:
        console.print(f"[bold]4. One line explained[/] (`greenroom residuals explain {row[0]}`):")
        console.print(plain_words(explain_line(con, row[0])), markup=False, highlight=False)
    con.close()
    return result


def run_demo(settings: Settings, scale: str = "small", seed: int = 7, bad_fraction: float = 0.005,
             record: Path | None = None) -> ComputeResult:
    """Generate, load, compute, summarise and audit; optionally save the console output as an SVG."""
    console = Console(record=record is not None)
    files = _generate(settings, console, scale, seed, bad_fraction)
    _load(settings, console, files)
    result = _compute(settings, console)
    run_demo_audit(settings, console, seed)
    quarantine = "greenroom ingest quarantine list"
    audit = "greenroom audit"
    console.print(f"\nNext: `greenroom residuals lines --performer P...`, `{quarantine}`, "
                  "`greenroom residuals exceptions`, `greenroom contracts show minimums.day_performer`, "
                  f"`{audit} findings`, `{audit} member-statement P...`, `{audit} claim-statement PAYER`.")
    if record is not None:
        console.save_svg(str(record), title="greenroom demo")
    return result
