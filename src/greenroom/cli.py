"""The `greenroom` command: a thin shell over the domain sub-apps."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from greenroom.accounts.commands import app as accounts_app
from greenroom.audit.commands import app as audit_app
from greenroom.config import load_settings
from greenroom.contracts.commands import app as contracts_app
from greenroom.demo.commands import app as demo_app
from greenroom.ingest.commands import app as ingest_app
from greenroom.residuals.commands import app as residuals_app
from greenroom.residuals.commands import cases_app
from greenroom.web.commands import serve_command

# Sub-apps whose package __init__ re-exports the whole domain (SQLAlchemy, DuckDB, the clause model): importing
# them costs every start a second, so the group is only built when it is called. name -> (module, help).
_LAZY_GROUPS = {
    "consent": ("greenroom.consent.commands", "Digital-replica consents, notices, uses, findings and AI pay."),
    "review": ("greenroom.review.commands", "Review a contract: clause labels and union playbook flags."),
}


class _Greenroom(TyperGroup):
    """The top-level group: `greenroom --help` lists the lazy groups from their stubs; calling one builds it."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._built: set[str] = set()

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[Any, Any, list[str]]:
        """Swap a lazy group's stub for the real group before Typer resolves it."""
        if args and args[0] in _LAZY_GROUPS and args[0] not in self._built:
            self.commands[args[0]] = _build_group(args[0])
            self._built.add(args[0])
        return super().resolve_command(ctx, args)


def _build_group(name: str) -> Any:
    """The click group Typer would have built had the sub-app been added with add_typer at import."""
    module, help_text = _LAZY_GROUPS[name]
    wrapper = typer.Typer()
    wrapper.add_typer(importlib.import_module(module).app, name=name, help=help_text)
    return typer.main.get_command(wrapper).commands[name]  # type: ignore[attr-defined]


app = typer.Typer(
    name="greenroom",
    cls=_Greenroom,
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
app.add_typer(typer.Typer(), name="consent", help=_LAZY_GROUPS["consent"][1])
app.add_typer(cases_app, name="cases", help="Run agreement cases (YAML: situation in, amounts out).")
app.add_typer(typer.Typer(), name="review", help=_LAZY_GROUPS["review"][1])
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
