"""The `greenroom` command: a thin shell over the domain sub-apps."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from greenroom.accounts.commands import app as accounts_app
from greenroom.audit.commands import app as audit_app
from greenroom.config import load_settings
from greenroom.consent.commands import app as consent_app
from greenroom.contracts.commands import app as contracts_app
from greenroom.demo.commands import app as demo_app
from greenroom.ingest.commands import app as ingest_app
from greenroom.residuals.commands import app as residuals_app
from greenroom.residuals.commands import cases_app
from greenroom.review.commands import app as review_app
from greenroom.web.commands import serve_command

app = typer.Typer(
    name="greenroom",
    help="Greenroom: compute what performers are owed, audit what was paid, and explain every cent.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", envvar="GREENROOM_DATA_DIR", help="Data directory (default ./greenroom-data)."),
    ] = None,
) -> None:
    """Greenroom's command line. Every command works inside one data directory."""
    ctx.obj = {"settings": load_settings(data_dir)}


app.add_typer(ingest_app, name="ingest", help="Load studio files: validate, quarantine, re-load.")
app.add_typer(residuals_app, name="residuals", help="Compute residuals and explain any line.")
app.add_typer(contracts_app, name="contracts", help="Agreement parameters: values in force and citations.")
app.add_typer(audit_app, name="audit", help="Audit residuals: what was paid against what is owed.")
app.add_typer(accounts_app, name="accounts", help="Web accounts: staff, member invitations, password resets.")
app.command("serve")(serve_command)
app.add_typer(consent_app, name="consent", help="Digital-replica consents, notices, uses, findings and AI pay.")
app.add_typer(cases_app, name="cases", help="Run agreement cases (YAML: situation in, amounts out).")
app.add_typer(review_app, name="review", help="Review a contract: clause labels and union playbook flags.")
# The demo commands (demo, demo-data, netflix) read best at the top level.
for command in demo_app.registered_commands:
    app.registered_commands.append(command)
for group in demo_app.registered_groups:
    app.registered_groups.append(group)


@app.command("demo")
def demo(
    ctx: typer.Context,
    scale: Annotated[str, typer.Option(help="tiny, small, medium, large, or a number of exhibition rows.")] = "small",
    seed: Annotated[int, typer.Option(help="Seed of the generated union.")] = 7,
    bad_fraction: Annotated[float, typer.Option(help="Share of bad rows, to show the quarantine.")] = 0.005,
) -> None:
    """Generate the demo union, load it, compute its residuals and print a summary."""
    from greenroom.demo.pipeline import run_demo

    settings = ctx.obj["settings"]
    result = run_demo(settings, scale, seed, bad_fraction, record=settings.data_dir / "demo-summary.svg")
    if not result.balanced:
        raise typer.Exit(1)
