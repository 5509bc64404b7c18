"""Commands: `greenroom residuals compute|explain|lines|summary|exceptions` and `greenroom cases run`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from greenroom.cli_support import console, fail, print_rows, settings_from
from greenroom.money import format_cents

if TYPE_CHECKING:
    import duckdb

    from greenroom.residuals.summary import Summary

app = typer.Typer(no_args_is_help=True)
cases_app = typer.Typer(no_args_is_help=True)


@app.command("compute")
def compute_command(ctx: typer.Context) -> None:
    """Price every loaded exhibition: residual lines with explanations, and exceptions with reasons."""
    # imported here: heavy, only this command needs it
    from greenroom.residuals.engine import compute
    from greenroom.residuals.summary import summarize
    from greenroom.store.analytics import connect

    settings = settings_from(ctx)
    con = connect(settings)
    with console.status("computing residuals") as status:
        result = compute(con, progress=lambda fid: status.update(f"computing residuals: {fid}"))
    console.print(
        f"run {result.run_id}: {result.exhibitions_in:,} exhibitions in = {result.exhibitions_priced:,} priced "
        f"+ {result.exceptions:,} exceptions; {result.lines:,} lines, "
        f"{format_cents(result.amount_cents)} to performers, {format_cents(result.ph_cents)} P&H"
    )
    if not result.balanced:
        raise fail("counts do not balance: some exhibitions were neither priced nor excepted")
    print_summary(summarize(con))


def _reader(ctx: typer.Context) -> duckdb.DuckDBPyConnection:
    """A read-only connection whose line views point at the line files where they now are."""
    from greenroom.residuals.engine import ensure_output_tables
    from greenroom.residuals.store import lines_moved
    from greenroom.store.analytics import connect

    settings = settings_from(ctx)
    con = connect(settings, read_only=True)
    if lines_moved(con):
        # The data directory was moved: point the views at the files once, then read as asked.
        con.close()
        with connect(settings) as writer:
            ensure_output_tables(writer)
        con = connect(settings, read_only=True)
    return con


@app.command("explain")
def explain_command(
    ctx: typer.Context, line_id: Annotated[str, typer.Argument(help="A line id, e.g. L1a2b3c4d5e6f7a8b.")]
) -> None:
    """Explain one residual line in plain words, with every value's citation."""
    from greenroom.residuals.explain import explain_line, plain_words

    con = _reader(ctx)
    try:
        console.print(plain_words(explain_line(con, line_id)), markup=False, highlight=False)
    except KeyError as exc:
        raise fail(str(exc.args[0])) from None


@app.command("lines")
def lines_command(
    ctx: typer.Context,
    performer: Annotated[str | None, typer.Option(help="Only this performer id.")] = None,
    title: Annotated[str | None, typer.Option(help="Only this title id.")] = None,
    market: Annotated[str | None, typer.Option(help="Only this market.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many lines.")] = 20,
) -> None:
    """List residual lines, filtered by performer, title or market."""
    con = _reader(ctx)
    where, args = [], []
    for col, val in (("performer_id", performer), ("title_id", title), ("market", market)):
        if val:
            where.append(f"{col} = ?")
            args.append(val)
    sql = ("SELECT line_id, performer_id, title_id, market, component, period_start, amount_cents, ph_cents, "
           "unverified FROM residual_lines" + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY period_start, line_id LIMIT ?")
    rows = [(*[str(v) for v in row[:6]], format_cents(row[6]), format_cents(row[7]), "yes" if row[8] else "")
            for row in con.execute(sql, [*args, limit]).fetchall()]
    print_rows(("line", "performer", "title", "market", "component", "period", "amount", "P&H", "unverified"), rows,
               whole=("line", "amount", "P&H"), right=("amount", "P&H"))


@app.command("summary")
def summary_command(ctx: typer.Context) -> None:
    """Totals by market and agreement, top titles and performers, exceptions."""
    from greenroom.residuals.summary import summarize

    print_summary(summarize(_reader(ctx)))


@app.command("exceptions")
def exceptions_command(ctx: typer.Context, limit: Annotated[int, typer.Option()] = 50) -> None:
    """Exhibitions no rule priced, with the reason for each."""
    from greenroom.store.analytics import connect

    con = connect(settings_from(ctx), read_only=True)
    table = Table("exhibition", "title", "market", "reason")
    for row in con.execute("SELECT exhibition_id, title_id, market, reason FROM compute_exceptions "
                           "ORDER BY exhibition_id LIMIT ?", [limit]).fetchall():
        table.add_row(*[str(v) for v in row])
    console.print(table)


def print_summary(s: Summary, out: Console = console) -> None:
    """Print a run summary as Rich tables."""
    t = Table("agreement", "market", "lines", "to performers", "P&H", title="Residuals by market")
    for agreement, market, n, amount, ph in s.by_market:
        t.add_row(agreement, market, f"{n:,}", format_cents(amount), format_cents(ph))
    out.print(t)
    t = Table("title", "name", "lines", "to performers", title="Top titles")
    for tid, name, n, amount in s.top_titles:
        t.add_row(tid, name, f"{n:,}", format_cents(amount))
    out.print(t)
    t = Table("performer", "name", "lines", "to performers", title="Top performers")
    for pid, name, n, amount in s.top_performers:
        t.add_row(pid, name, f"{n:,}", format_cents(amount))
    out.print(t)
    if s.exceptions_by_reason:
        t = Table("reason", "exhibitions", title="Exhibitions not priced (exceptions)")
        for reason, n in s.exceptions_by_reason:
            t.add_row(reason, f"{n:,}")
        out.print(t)
    if s.unverified_lines:
        out.print(f"[yellow]{s.unverified_lines:,} lines depend on unverified values[/] "
                      "(see `greenroom residuals explain LINE_ID`).")


@cases_app.command("run")
def cases_run(paths: Annotated[list[Path], typer.Argument(help="Case files or folders of .yaml cases.")]) -> None:
    """Run agreement cases; print pass/fail per case; exit non-zero on any failure."""
    from greenroom.residuals.cases import run_paths

    try:
        results = run_paths(paths)
    except (OSError, ValueError) as exc:
        raise fail(str(exc)) from None
    failed = 0
    for r in results:
        mark = "[green]PASS[/]" if r.passed else "[red]FAIL[/]"
        console.print(f"{mark} {r.file}: {r.name}")
        for problem in r.problems:
            console.print(f"      {problem}", markup=False)
        failed += not r.passed
    console.print(f"{len(results) - failed} passed, {failed} failed")
    if failed or not results:
        raise typer.Exit(1)


@app.command("rules")
def rules_command(markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown.")] = False) -> None:
    """List the markets and the formulas that price them, with their clauses."""
    from rich.markdown import Markdown

    from greenroom.residuals.catalog import markets_markdown

    text = markets_markdown()
    if markdown:
        print(text, end="")
    else:
        console.print(Markdown(text))
