"""Shared plumbing for the command-line sub-apps: settings from the context and readable errors."""

from __future__ import annotations

import typer
from rich.console import Console

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
