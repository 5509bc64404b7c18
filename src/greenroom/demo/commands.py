"""Commands for the demo domain: generate the demo union's files and load Netflix's public data."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from greenroom.cli_support import console, fail, settings_from
from greenroom.demo.scales import NAMED_SCALES, resolve_scale

if TYPE_CHECKING:
    from greenroom.demo.generate import GeneratedFiles
    from greenroom.demo.netflix import LoadResult

app = typer.Typer(no_args_is_help=True)


class FileFormatOption(StrEnum):
    """Formats demo-data can write."""

    parquet = "parquet"
    csv = "csv"


class NetflixAction(StrEnum):
    """What the netflix command does (one action today; a group would not merge at the top level)."""

    load = "load"


@app.command("demo-data")
def demo_data(
    ctx: typer.Context,
    scale: Annotated[str, typer.Option(
        help=f"{', '.join(NAMED_SCALES)}, or a number of exhibition rows.")] = "small",
    seed: Annotated[int, typer.Option(help="Seed: the same seed and scale give identical files.")] = 7,
    out: Annotated[Path | None, typer.Option(help="Output folder (default <data dir>/demo-files).")] = None,
    file_format: Annotated[FileFormatOption, typer.Option("--format", help="File format.")] = (
        FileFormatOption.parquet),
    bad_fraction: Annotated[float, typer.Option(
        help="Share of exhibition rows made deliberately bad, to show the quarantine (e.g. 0.005).")] = 0.0,
) -> None:
    """Generate the seeded demo union: titles, engagements and exhibitions files."""
    # imported here: heavy, only this command needs it
    from greenroom.demo.generate import generate

    try:
        spec = resolve_scale(scale)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if not 0.0 <= bad_fraction < 1.0:
        raise fail("--bad-fraction must be at least 0 and below 1")
    target = out if out is not None else settings_from(ctx).data_dir / "demo-files"
    with Progress(TextColumn("[bold]exhibitions"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("generate", total=spec.exhibitions)
        files = generate(target, scale, seed, fmt=file_format.value, bad_fraction=bad_fraction,
                         progress=lambda done, _total: bar.update(task, completed=done))
    _print_generated(files)


def _print_generated(files: GeneratedFiles) -> None:
    table = Table(title=f"Demo union (scale {files.scale}, seed {files.seed}) in {files.seconds:.1f}s")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for kind, path in files.paths.items():
        table.add_row(str(path), f"{files.rows[kind]:,}")
    console.print(table)
    console.print(f"{files.performers:,} performers.")
    if files.bad_rows:
        parts = ", ".join(f"{kind} {n:,}" for kind, n in sorted(files.bad_rows.items()))
        console.print(f"Deliberately bad exhibition rows: {sum(files.bad_rows.values()):,} ({parts}).")


@app.command("netflix")
def netflix(
    ctx: typer.Context,
    action: Annotated[NetflixAction, typer.Argument(help="load: read the public files into usage rows.")],
    source: Annotated[Path | None, typer.Option(
        help="Netflix data folder (default: ../shared/data/netflix from here or the project root).")] = None,
) -> None:
    """Load Netflix's public engagement and Top 10 data as usage rows (netflix load)."""
    from greenroom.demo.netflix import find_source, load_netflix, ucan_paid_memberships, write_outputs

    folder = source if source is not None else find_source()
    if folder is None or not folder.is_dir():
        where = str(source) if source is not None else "../shared/data/netflix"
        console.print(f"No Netflix data folder at {where}; nothing to load. Pass --source DIR to point at one.")
        raise typer.Exit(0)
    result = load_netflix(folder)
    memberships = None
    membership_file = folder / "subscribers" / "netflix_revenue_updated.csv"
    if membership_file.is_file():
        try:
            memberships = ucan_paid_memberships(membership_file)
        except ValueError as exc:
            console.print(f"[yellow]UCAN memberships not loaded:[/] {exc}")
    paths = write_outputs(result, settings_from(ctx).data_dir / "netflix", memberships)
    _print_netflix(result, paths, memberships is not None and memberships.num_rows or 0)


def _print_netflix(result: LoadResult, paths: dict[str, Path], quarters: int) -> None:
    table = Table(title="Netflix usage rows")
    for name in ("file", "read", "mapped", "unmapped"):
        table.add_column(name, justify="left" if name == "file" else "right")
    for name, (read, mapped, unmapped) in result.by_file().items():
        table.add_row(name, f"{read:,}", f"{mapped:,}", f"{unmapped:,}")
    table.add_row("[bold]total", f"{result.read:,}", f"{result.mapped:,}", f"{result.unmapped.num_rows:,}")
    console.print(table)
    for reason, n in result.reasons().items():
        console.print(f"  unmapped {reason}: {n:,}")
    for missing in result.missing_files:
        console.print(f"  [yellow]not found:[/] {missing}")
    if quarters:
        console.print(f"UCAN paid memberships: {quarters} quarters.")
    for kind, path in paths.items():
        console.print(f"Wrote {kind}: {path}")
