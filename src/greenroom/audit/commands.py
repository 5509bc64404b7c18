"""Commands for the audit domain: load remittances, run the audit, work the findings and the review queue."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from greenroom.audit.findings import TYPES
from greenroom.audit.report_commands import (
    claim_app,
    member_statement_command,
    netflix_bonus_command,
    report_command,
)
from greenroom.cli_support import console, err_console, fail, print_rows, settings_from
from greenroom.money import format_cents

# Mirrors greenroom.audit.matching.DEFAULT_THRESHOLD without importing rapidfuzz (tests/test_cli_startup.py).
DEFAULT_THRESHOLD = 90.0

app = typer.Typer(no_args_is_help=True)
app.command("report")(report_command)
app.command("member-statement")(member_statement_command)
app.add_typer(claim_app, name="claim-statement")
app.command("netflix-bonus")(netflix_bonus_command)


class FindingType(StrEnum):
    """The kinds of finding (greenroom.audit.findings.TYPES)."""

    underpaid = "underpaid"
    overpaid = "overpaid"
    missing_payment = "missing_payment"
    late_payment = "late_payment"
    ph_short = "ph_short"
    duplicate_payment = "duplicate_payment"
    wrong_performer = "wrong_performer"
    wrong_title = "wrong_title"
    out_of_date_rate = "out_of_date_rate"


class Status(StrEnum):
    """Where a finding is in the workflow."""

    # greenroom.audit.models' statuses, spelt out so that the help needs no SQLAlchemy (tests/test_cli_startup.py)
    open = "open"
    claimed = "claimed"
    resolved = "resolved"
    all = "all"


@app.command("load-remittances")
def load_remittances_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A CSV, XLSX or Parquet remittance file.", show_default=False)],
    payer: Annotated[str, typer.Option("--payer", help="Who sent the file.", show_default=False)],
    map_: Annotated[list[str] | None, typer.Option(
        "--map", help="A payer column and ours, 'Their Header=our_column'; repeat for each. Saved for the payer.")
    ] = None,
    update_mapping: Annotated[bool, typer.Option(
        "--update-mapping", help="Accept a header that changed since the payer's mapping was saved.")] = False,
    threshold: Annotated[float, typer.Option(help="Fuzzy title score (0-100) accepted without review.")
                         ] = DEFAULT_THRESHOLD,
) -> None:
    """Load a payer's remittance file: matched rows go in; unmatched, bad and repeated rows are kept aside."""
    # imported here: heavy, only this command needs it
    from greenroom.audit.matching import MatchOptions
    from greenroom.audit.payers import MappingRefused, parse_map
    from greenroom.audit.remittances import load_remittances

    settings = settings_from(ctx)
    try:
        column_map = parse_map(map_ or [])
    except MappingRefused as exc:
        raise fail(str(exc)) from exc
    result = load_remittances(settings, path, payer, column_map, update_mapping=update_mapping,
                              options=MatchOptions(threshold=threshold))
    if result.refused:
        err_console.print(f"[bold red]refused:[/] {escape(result.file)}; nothing loaded")
        for message in result.messages:
            err_console.print(f"  {escape(message)}")
        raise typer.Exit(1)
    style = "yellow" if result.queued or result.rejected or result.duplicates else "green"
    console.print(f"[{style}]{escape(result.summary())}[/]")
    for message in result.messages:
        if message != result.summary():
            console.print(f"  {escape(message)}")


@app.command("run")
def run_command(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Audit date (YYYY-MM-DD); default today.")] = None,
) -> None:
    """Post what is owed and what was paid, check every balance, and record the findings."""
    from greenroom.audit.reconcile import run_audit

    settings = settings_from(ctx)
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        raise fail(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from exc
    with console.status("auditing"):
        result = run_audit(settings, day)
    for message in result.messages:
        console.print(f"[yellow]{escape(message)}[/]")
    if result.owed is not None:
        console.print(f"owed: {result.owed.batch_id}: {result.owed.posted:,} entries posted, "
                      f"{result.owed.reversed:,} reversed" + (" (already posted)" if result.owed.already else ""))
    console.print(f"paid: {result.paid.posted:,} entries posted, {result.paid.reversed:,} reversed")
    t = result.totals
    console.print(f"[bold]Audit run {result.run_id}[/] as of {result.as_of}: {result.keys:,} balances checked. "
                  f"Owed {format_cents(t.owed_cents)} + P&H {format_cents(t.owed_ph_cents)}; paid "
                  f"{format_cents(t.paid_cents)} + P&H {format_cents(t.paid_ph_cents)}; difference "
                  f"{format_cents(t.difference_cents)}")
    _print_counts(result.by_type_and_payer())
    r = result.recorded
    console.print(f"findings: {r.new:,} new, {r.seen:,} seen again, {r.reopened:,} reopened, "
                  f"{r.cleared:,} cleared (no longer detected); see: greenroom audit findings")


def _print_counts(counts: Counter[tuple[str, str]]) -> None:
    if not counts:
        console.print("[green]no findings[/]")
        return
    payers = sorted({p for _, p in counts})
    table = Table(title="Findings by type and payer")
    table.add_column("type")
    for p in payers:
        table.add_column(p, justify="right")
    table.add_column("total", justify="right")
    for t in TYPES:
        row = [counts.get((t, p), 0) for p in payers]
        if sum(row):
            table.add_row(t, *(f"{n:,}" for n in row), f"{sum(row):,}")
    console.print(table)


@app.command("findings")
def findings_command(
    ctx: typer.Context,
    payer: Annotated[str | None, typer.Option(help="Only this payer.")] = None,
    type_: Annotated[FindingType | None, typer.Option("--type", help="Only this type.")] = None,
    status: Annotated[Status, typer.Option(help="open, claimed, resolved or all.")] = Status.open,
    performer: Annotated[str | None, typer.Option(help="Only this performer.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 100,
) -> None:
    """Findings with their key, the money involved and where they are in the workflow."""
    from greenroom.audit.workflow import query_findings
    from greenroom.store.db import session_factory

    rows = query_findings(session_factory(settings_from(ctx)), payer, type_.value if type_ else None,
                          None if status == Status.all else status.value, performer, limit)
    if not rows:
        console.print("no findings match; run `greenroom audit run` first?")
        return
    cells = []
    for f in rows:
        state = f.status + (f" ({f.resolution})" if f.resolution else "") + (
            f" by {f.claimed_by}" if f.status == Status.claimed else "")
        cells.append((str(f.id), f.type, escape(f.payer or "-"), f.title_id, f.performer_id, f.market,
                      f"{f.period_start}..{f.period_end}", format_cents(f.owed_cents), format_cents(f.paid_cents),
                      format_cents(f.difference_cents), format_cents(f.interest_cents), state))
    money = ("owed", "paid", "difference", "interest")
    print_rows(("id", "type", "payer", "title", "performer", "market", "period", *money, "status"), cells,
               whole=("id", "type", *money), right=("id", *money), title="Findings")


@app.command("show")
def show_command(ctx: typer.Context, finding_id: Annotated[int, typer.Argument(help="Finding id.")]) -> None:
    """One finding: its summary, its evidence and its history."""
    from greenroom.audit.workflow import get_finding, history
    from greenroom.store.db import session_factory

    sessions = session_factory(settings_from(ctx))
    f = get_finding(sessions, finding_id)
    if f is None:
        raise fail(f"no finding {finding_id}")
    console.print(f"[bold]Finding {f.id}[/]: {f.type} — {escape(f.summary)}")
    console.print(f"  payer {escape(f.payer or '-')}, title {f.title_id}, performer {f.performer_id}, "
                  f"market {f.market}, period {f.period_start}..{f.period_end}")
    console.print(f"  status {f.status}" + (f" ({f.resolution})" if f.resolution else ""))
    console.print("Evidence:")
    console.print(json.dumps(f.evidence, indent=2, default=str), markup=False, highlight=False)
    console.print("History:")
    for e in history(sessions, finding_id):
        console.print(f"  {e.at:%Y-%m-%d %H:%M} {escape(e.by)}: {e.from_status or '-'} -> {e.to_status}"
                      + (f" ({e.resolution})" if e.resolution else "") + (f": {escape(e.note)}" if e.note else ""))


@app.command("claim")
def claim_command(
    ctx: typer.Context,
    finding_id: Annotated[int, typer.Argument(help="Finding id.")],
    by: Annotated[str, typer.Option("--by", help="Who takes it on.", show_default=False)],
    note: Annotated[str, typer.Option(help="Why, or what happens next.")] = "",
) -> None:
    """Take a finding on."""
    from greenroom.audit.workflow import WorkflowError, claim
    from greenroom.store.db import session_factory

    try:
        f = claim(session_factory(settings_from(ctx)), finding_id, by, note)
    except WorkflowError as exc:
        raise fail(str(exc)) from exc
    console.print(f"finding {f.id} claimed by {escape(by)}")


@app.command("resolve")
def resolve_command(
    ctx: typer.Context,
    finding_id: Annotated[int, typer.Argument(help="Finding id.")],
    by: Annotated[str, typer.Option("--by", help="Who resolves it.", show_default=False)],
    waived: Annotated[bool, typer.Option("--waived", help="Waived rather than recovered.")] = False,
    note: Annotated[str, typer.Option(help="What was decided.")] = "",
) -> None:
    """Close a finding: recovered (the default) or waived."""
    from greenroom.audit.workflow import WorkflowError, resolve
    from greenroom.store.db import session_factory

    try:
        f = resolve(session_factory(settings_from(ctx)), finding_id, by, waived, note)
    except WorkflowError as exc:
        raise fail(str(exc)) from exc
    console.print(f"finding {f.id} resolved ({f.resolution}) by {escape(by)}")


@app.command("queue")
def queue_command(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Also rejected and duplicate rows, and matched ones.")] = False,
    payer: Annotated[str | None, typer.Option(help="Only this payer.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 100,
) -> None:
    """Remittance rows waiting for review (unmatched title or performer); --all adds rejected and duplicates."""
    from greenroom.audit.models import DUPLICATE, QUEUED, REJECTED
    from greenroom.audit.queue import list_held
    from greenroom.store.db import session_factory

    sessions = session_factory(settings_from(ctx))
    rows = list_held(sessions, None if all_ else QUEUED, None if all_ else "open", payer, limit)
    if not rows:
        console.print("the review queue is empty")
        return
    table = Table(title="Remittance rows held back")
    for name in ("id", "payer", "file", "row", "kind", "status", "reason", "suggestions"):
        table.add_column(name, justify="right" if name in ("id", "file", "row") else "left")
    for h in rows:
        hint = "; ".join(f"{s['title_id']} {s['name']!r} ({s['score']})" for s in h.suggestions[:3])
        table.add_row(str(h.id), escape(h.payer), str(h.file_id), str(h.row_number), h.disposition, h.status,
                      escape(h.reason), escape(hint))
    console.print(table)
    if not all_:
        console.print("match one by hand: greenroom audit assign ID TITLE_ID --by NAME")
    kinds = Counter(h.disposition for h in rows)
    if all_ and (kinds[REJECTED] or kinds[DUPLICATE]):
        console.print("rejected rows need a corrected file from the payer; duplicates were already loaded")


@app.command("assign")
def assign_command(
    ctx: typer.Context,
    held_id: Annotated[int, typer.Argument(help="Queued row id (from `greenroom audit queue`).")],
    title_id: Annotated[str, typer.Argument(help="The title it pays for.")],
    by: Annotated[str, typer.Option("--by", help="Who decided.", show_default=False)],
) -> None:
    """Match a queued row to a title by hand; it is posted at the next `greenroom audit run`."""
    from greenroom.audit.queue import QueueError, assign_title

    try:
        row_id = assign_title(settings_from(ctx), held_id, title_id, by)
    except QueueError as exc:
        raise fail(str(exc)) from exc
    console.print(f"row {held_id} matched to {title_id} and loaded as {row_id}")


@app.command("payer")
def payer_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Payer name.")],
    tolerance: Annotated[int | None, typer.Option(help="Set the tolerance in cents.")] = None,
) -> None:
    """Show a payer's column mapping and tolerance; --tolerance sets it."""
    from greenroom.audit.payers import get_payer, set_tolerance
    from greenroom.store.db import session_factory

    sessions = session_factory(settings_from(ctx))
    if tolerance is not None:
        try:
            set_tolerance(sessions, name, tolerance)
        except ValueError as exc:
            raise fail(str(exc)) from exc
    payer = get_payer(sessions, name)
    if payer is None:
        raise fail(f"no payer {name!r} yet: load a file with --payer {name!r}")
    console.print(f"[bold]{escape(payer.name)}[/]: tolerance {format_cents(payer.tolerance_cents)}")
    for theirs, ours in sorted(payer.column_map.items()):
        console.print(f"  {escape(theirs)} -> {ours}")
    if payer.headers:
        console.print(f"  header saved: {escape(', '.join(payer.headers))}")
