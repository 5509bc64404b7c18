"""Commands for the ingest domain: load files, see loads, list and export the quarantine."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from greenroom.cli_support import console, err_console, fail, settings_from

if TYPE_CHECKING:
    from greenroom.ingest.loader import LoadResult
    from greenroom.ingest.models import QuarantineRecord

app = typer.Typer(no_args_is_help=True)
quarantine_app = typer.Typer(no_args_is_help=True)
app.add_typer(quarantine_app, name="quarantine", help="Rows that were set aside: list them, export them to fix.")


class Kind(StrEnum):
    """The exchange formats a file can be loaded as."""

    titles = "titles"
    engagements = "engagements"
    exhibitions = "exhibitions"


class Status(StrEnum):
    """Which quarantine records to show."""

    open = "open"
    resolved = "resolved"
    all = "all"


def _print_result(result: LoadResult) -> None:
    """The summary line, then notes and warnings, refusals in red."""
    if result.refused:
        err_console.print(f"[bold red]refused:[/] {escape(result.file)}; nothing loaded")
        for message in result.messages:
            err_console.print(f"  {escape(message)}")
        return
    style = "yellow" if result.quarantined else "green"
    console.print(f"[{style}]{escape(result.summary())}[/]")
    for message in result.messages:
        if message != result.summary():
            console.print(f"  {escape(message)}")
    if result.quarantined:
        console.print(f"  see: greenroom ingest quarantine list --load {result.load_id}")


def _short_reason(record: QuarantineRecord) -> str:
    """The first reason, and how many more there are."""
    more = len(record.problems or []) - 1
    return record.reason + (f" (+{more} more)" if more > 0 else "")


@app.command("load")
def load_command(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="CSV, XLSX or Parquet files.", show_default=False)],
    kind: Annotated[Kind | None, typer.Option("--kind", "-k",
                                              help="Exchange format; default: from the file name.")] = None,
) -> None:
    """Load exchange files: good rows go in, bad rows go to the quarantine, nothing loads twice."""
    # imported here: heavy, only this command needs it
    from greenroom.ingest.loader import load_files

    settings = settings_from(ctx)
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("starting", total=1.0)

        def report(stage: str, done: float | None) -> None:
            """Show the stage and how far it got."""
            bar.update(task, description=stage, completed=done or 0.0)

        results = load_files(settings, paths, kind.value if kind else None, progress=report)
    for result in results:
        _print_result(result)
    if any(r.refused for r in results):
        raise typer.Exit(1)


@app.command("status")
def status_command(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many recent loads to show.")] = 50,
) -> None:
    """Recent loads with their row counts and open quarantine."""
    from greenroom.ingest.registry import list_loads
    from greenroom.store.db import session_factory

    loads = list_loads(session_factory(settings_from(ctx)), limit)
    if not loads:
        console.print("no loads yet; try: greenroom ingest load titles.csv")
        return
    table = Table(title="Loads (newest first)")
    for name in ("load", "file", "kind", "status", "read", "loaded", "quarantined", "open", "duplicates",
                 "started"):
        table.add_column(name, justify="right" if name in ("load", "read", "loaded", "quarantined", "open",
                                                           "duplicates") else "left")
    for load, still_open in loads:
        note = f"\n{load.messages[-1]}" if load.status in ("refused", "failed") and load.messages else ""
        table.add_row(str(load.id), escape(load.file_name) + escape(note), load.kind, load.status,
                      f"{load.rows_read:,}", f"{load.loaded:,}", f"{load.quarantined:,}", f"{still_open:,}",
                      f"{load.duplicates:,}", load.started_at.strftime("%Y-%m-%d %H:%M"))
    console.print(table)


@quarantine_app.command("list")
def quarantine_list(
    ctx: typer.Context,
    load: Annotated[int | None, typer.Option("--load", help="Only this load.")] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", "-k", help="Only this kind.")] = None,
    status: Annotated[Status, typer.Option(help="open, resolved or all.")] = Status.open,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 100,
) -> None:
    """Quarantined rows: file, row, column, value and why."""
    from greenroom.ingest.models import OPEN, RESOLVED
    from greenroom.ingest.registry import count_quarantine, query_quarantine
    from greenroom.store.db import session_factory

    sessions = session_factory(settings_from(ctx))
    wanted = None if status is Status.all else status.value
    k = kind.value if kind else None
    records = query_quarantine(sessions, load, k, wanted, limit)
    total = count_quarantine(sessions, load, k, wanted)
    if not records:
        console.print(f"no {'' if wanted is None else wanted + ' '}quarantined rows")
        return
    table = Table(title=f"Quarantine ({status.value})")
    for name in ("id", "load", "file", "row", "column", "value", "reason", "status"):
        table.add_column(name, justify="right" if name in ("id", "load", "row") else "left", overflow="fold")
    for r in records:
        table.add_row(str(r.id), str(r.load_id), escape(r.file_name), str(r.row_number), r.column_name or "",
                      escape(r.value or ""), escape(_short_reason(r)),
                      r.status if r.status != RESOLVED else f"resolved (load {r.resolved_by_load_id})")
    console.print(table)
    if total > len(records):
        console.print(f"showing {len(records)} of {total:,}; use --limit, or export them")
    if wanted == OPEN:
        hint = f"--load {load}" if load is not None else f"--kind {k}" if k else f"--load {records[0].load_id}"
        console.print(f"to fix: greenroom ingest quarantine export {hint} -o fix.csv")


@quarantine_app.command("export")
def quarantine_export(
    ctx: typer.Context,
    load: Annotated[int | None, typer.Option("--load", help="Rows quarantined by this load.")] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", "-k", help="Rows of this kind.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="CSV to write.")] = None,
    status: Annotated[Status, typer.Option(help="open (default), resolved or all.")] = Status.open,
) -> None:
    """Write quarantined rows as an exchange CSV (plus _row and _reason) to fix and load again."""
    from greenroom.ingest.errors import IngestRefused
    from greenroom.ingest.export import export_quarantine

    if load is None and kind is None:
        raise fail("pass --load N or --kind K")
    try:
        path, count, k = export_quarantine(settings_from(ctx), output, load, kind.value if kind else None,
                                           None if status is Status.all else status.value)
    except IngestRefused as exc:
        raise fail(str(exc)) from exc
    console.print(f"wrote {count:,} rows to {escape(str(path))}")
    console.print(f"fix them, then: greenroom ingest load {escape(str(path))} --kind {k}")
