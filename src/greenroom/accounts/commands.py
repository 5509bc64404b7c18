"""`greenroom accounts`: create staff accounts, invite members, reset passwords, list accounts."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from greenroom.accounts.roles import STAFF_ROLES, parse_role
from greenroom.cli_support import console, fail, settings_from

app = typer.Typer(no_args_is_help=True)
URL_HELP = "Base URL of the server, for the printed link."


def _password(given: str | None) -> str:
    if given:
        return given
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise fail("the two passwords differ")
    return first


@app.command("create-staff")
def create_staff(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="User name to sign in with.")],
    role: Annotated[str, typer.Option(help="auditor, business_affairs, member_services or admin.")],
    name: Annotated[str, typer.Option(help="Name shown in the console.")] = "",
    password: Annotated[str | None, typer.Option(
        envvar="GREENROOM_NEW_PASSWORD", help="Password (asked for when not given).")] = None,
) -> None:
    """Create a staff account."""
    # imported here: heavy, only this command needs it
    from greenroom.accounts.passwords import WeakPassword
    from greenroom.accounts.service import AccountError, create_user
    from greenroom.store.db import session_factory

    try:
        r = parse_role(role)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if r not in STAFF_ROLES:
        raise fail("members are invited: greenroom accounts invite PERFORMER_ID USERNAME")
    try:
        user = create_user(session_factory(settings_from(ctx)), username, r.value, display_name=name,
                           password=_password(password), created_by="command line")
    except (AccountError, WeakPassword) as exc:
        raise fail(str(exc)) from None
    console.print(f"created {escape(user.username)} ({user.role})")


@app.command("invite")
def invite(
    ctx: typer.Context,
    performer_id: Annotated[str, typer.Argument(help="The member's performer id.")],
    username: Annotated[str, typer.Argument(help="User name the member will sign in with.")],
    name: Annotated[str, typer.Option(help="Member's name.")] = "",
    url: Annotated[str, typer.Option(help=URL_HELP)] = "http://localhost:8000",
) -> None:
    """Create a member account and print the one-time link (14 days) to choose a password."""
    from greenroom.accounts.service import AccountError, invite_member
    from greenroom.store.db import session_factory

    try:
        user, token = invite_member(session_factory(settings_from(ctx)), performer_id, username, name or username,
                                    "command line")
    except AccountError as exc:
        raise fail(str(exc)) from None
    console.print(f"invited {escape(user.username)} (performer {escape(performer_id)}); send them:")
    console.print(f"{url.rstrip('/')}/invite/{token}", markup=False, highlight=False)


@app.command("reset-password")
def reset_password(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The account.")],
    url: Annotated[str, typer.Option(help=URL_HELP)] = "http://localhost:8000",
) -> None:
    """Print a one-time link (2 days) for the account to set a new password."""
    from greenroom.accounts.service import AccountError, reset_link
    from greenroom.store.db import session_factory

    try:
        token = reset_link(session_factory(settings_from(ctx)), username, "command line")
    except AccountError as exc:
        raise fail(str(exc)) from None
    console.print(f"{url.rstrip('/')}/invite/{token}", markup=False, highlight=False)


@app.command("disable")
def disable(ctx: typer.Context, username: Annotated[str, typer.Argument(help="The account.")],
            enable: Annotated[bool, typer.Option("--enable", help="Enable it again instead.")] = False) -> None:
    """Disable an account (it is signed out everywhere), or enable it again."""
    from greenroom.accounts.service import get_user, set_active
    from greenroom.store.db import session_factory

    sessions = session_factory(settings_from(ctx))
    user = get_user(sessions, username)
    if user is None:
        raise fail(f"no account {username!r}")
    set_active(sessions, user.id, enable)
    console.print(f"{escape(user.username)} {'enabled' if enable else 'disabled'}")


@app.command("list")
def list_command(ctx: typer.Context,
                 role: Annotated[str | None, typer.Option(help="Only this role.")] = None) -> None:
    """Accounts with their role, linked performer and last sign-in."""
    from greenroom.accounts.service import list_users
    from greenroom.store.db import session_factory

    table = Table("user", "name", "role", "performer", "password set", "active", "last sign-in")
    for u in list_users(session_factory(settings_from(ctx)), role):
        table.add_row(escape(u.username), escape(u.display_name), u.role, u.performer_id or "",
                      "yes" if u.password_hash else "no (invited)", "yes" if u.active else "no",
                      u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "never")
    console.print(table)
