"""Shared plumbing for the command-line sub-apps: settings from the context and readable errors."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import typer
from rich.console import Console
from rich.table import Table

from greenroom.config import Settings, load_settings

console = Console()
err_console = Console(stderr=True)


def settings_from(ctx: typer.Context) -> Settings:
    """The settings the top-level --data-dir option resolved (or the defaults)."""
    root = ctx.find_root()
    obj = root.obj if isinstance(root.obj, dict) else {}
    settings = obj.get("settings")
    if isinstance(settings, Settings):
        return settings
    return load_settings()


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a readable error and return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def print_rows(columns: Sequence[str], rows: Sequence[Sequence[str]], whole: Collection[str] = (),
               right: Collection[str] = (), title: str | None = None) -> None:
    """Print rows as a table when it fits the terminal, else one block per row; never cut a value."""
    widths = [max([len(name), *(len(r[i]) for r in rows)]) for i, name in enumerate(columns)]
    if sum(widths) + 3 * len(columns) + 1 <= console.width:
        table = Table(title=title)
        for name in columns:
            table.add_column(name, no_wrap=True, justify="right" if name in right else "left")
        for row in rows:
            table.add_row(*row)
        console.print(table)
        return
    # Too narrow for a table: Rich would cut "L3f0c…" or "$1,52…" to fit, an id that cannot be copied and an
    # amount that misleads. Each row instead gets its `whole` values on one line and the rest below.
    if title:
        console.print(f"[bold]{title}[/]")
    for row in rows:
        named = list(zip(columns, row, strict=True))
        console.print("  ".join(f"{name} {value}" for name, value in named if name in whole), highlight=False)
        console.print("    " + " · ".join(f"{name} {value}" for name, value in named if name not in whole and value),
                      highlight=False)
