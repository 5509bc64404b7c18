"""Commands for the residuals domain."""

import typer

app = typer.Typer(no_args_is_help=True)
cases_app = typer.Typer(no_args_is_help=True)
