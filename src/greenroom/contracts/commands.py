"""Commands: `greenroom contracts show PARAM --on DATE` and `greenroom contracts list`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table

from greenroom.cli_support import console, fail

app = typer.Typer(no_args_is_help=True)

AgreementOpt = Annotated[str, typer.Option("--agreement", help="Agreement pack.")]


@app.command("show")
def show(
    param: Annotated[str, typer.Argument(help="Parameter id, e.g. minimums.day_performer")],
    on: Annotated[str | None, typer.Option("--on", help="Date (YYYY-MM-DD); default today.")] = None,
    agreement: AgreementOpt = "sag-aftra-tv-theatrical",
    history: Annotated[bool, typer.Option("--history", help="Show every dated value.")] = False,
) -> None:
    """Print the value in force on a date, with its citation and status."""
    # imported here: heavy, only this command needs it
    from greenroom.contracts.params import PackError, load_pack
    from greenroom.residuals.explain import cited_value

    try:
        pack = load_pack(agreement)
        parameter = pack[param]
        day = dt.date.fromisoformat(on) if on else dt.date.today()
    except (PackError, KeyError, ValueError) as exc:
        raise fail(str(exc.args[0] if exc.args else exc)) from None
    console.print(f"[bold]{parameter.id}[/]: {parameter.description} ({parameter.unit}; file {parameter.file})")
    dated = parameter.on(day)
    if dated is None:
        raise fail(f"no value in force on {day}; the first is from {parameter.values[0].start}")
    v = cited_value(pack, dated.ref_id)
    status = "verified" if v.verified else "[yellow]UNVERIFIED[/]"
    console.print(f"in force on {day}: [bold]{v.shown}[/] since {dated.start} — {v.reference} "
                  f"[source {v.source}, {status}]")
    if v.note:
        console.print(f"note: {v.note}", markup=False)
    if history:
        table = Table("from", "value", "reference", "source", "status")
        for dv in parameter.values:
            cv = cited_value(pack, dv.ref_id)
            table.add_row(str(dv.start), cv.shown, cv.reference, cv.source, dv.status)
        console.print(table)


@app.command("list")
def list_params(agreement: AgreementOpt = "sag-aftra-tv-theatrical") -> None:
    """List every parameter of a pack with its latest value's status."""
    from greenroom.contracts.params import load_pack

    pack = load_pack(agreement)
    table = Table("parameter", "unit", "values", "latest from", "status", "description")
    for p in pack:
        last = p.values[-1]
        table.add_row(p.id, p.unit, str(len(p.values)), str(last.start), last.status, p.description)
    console.print(table)
