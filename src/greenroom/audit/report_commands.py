"""Commands for the audit's documents: the audit report, claim statements and member statements."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from greenroom.cli_support import console, fail, settings_from
from greenroom.money import format_cents

if TYPE_CHECKING:
    from greenroom.audit.claims import StatementInfo


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    console.print(f"wrote {escape(str(path))}")


def report_command(
    ctx: typer.Context,
    payer: Annotated[str | None, typer.Option(help="Only this payer.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the report as HTML here.")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the report as PDF here.")] = None,
) -> None:
    """The audit report with its charts, as HTML and/or PDF (default: audit-report.html in the data directory)."""
    # imported here: heavy, only this command needs it
    from greenroom.audit.report_html import audit_report_data, render_audit_report_html
    from greenroom.audit.report_pdf import render_audit_report_pdf

    settings = settings_from(ctx)
    data = audit_report_data(settings, payer)
    if payer is not None and not data["payers"]:
        raise fail(f"no balances for payer {payer!r}: is the name right, and has `greenroom audit run` run?")
    if html is None and pdf is None:
        html = settings.data_dir / "audit-report.html"
    if html is not None:
        _write(html, render_audit_report_html(data))
    if pdf is not None:
        _write(pdf, render_audit_report_pdf(data))
    t = data["totals"]
    console.print(f"{t['keys']:,} balances; owed {format_cents(t['owed_cents'])} + P&H "
                  f"{format_cents(t['owed_ph_cents'])}; difference {format_cents(t['difference_cents'])} + P&H "
                  f"{format_cents(t['ph_difference_cents'])}")


def member_statement_command(
    ctx: typer.Context,
    performer: Annotated[str, typer.Argument(help="Performer id.", show_default=False)],
    html: Annotated[Path | None, typer.Option("--html", help="Write the statement as HTML here.")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the statement as PDF here.")] = None,
) -> None:
    """Everything owed to and paid to one performer, explained; printed, and as HTML/PDF when asked."""
    from greenroom.audit.statements import (
        StatementError,
        member_statement_data,
        render_member_statement_html,
        render_member_statement_pdf,
    )

    try:
        data = member_statement_data(settings_from(ctx), performer)
    except StatementError as exc:
        raise fail(str(exc)) from exc
    t = data["totals"]
    console.print(f"[bold]{escape(data['name'] or performer)}[/] ({performer}): owed {format_cents(t['owed_cents'])}"
                  f", paid {format_cents(t['paid_cents'])}, still owed {format_cents(t['difference_cents'])}; "
                  f"P&H owed {format_cents(t['owed_ph_cents'])}, paid {format_cents(t['paid_ph_cents'])}")
    for k in data["keys"]:
        console.print(f"- {escape(k['name'] or k['title_id'])}, {k['market']}, {k['period_start']}: "
                      f"{escape(k['plain'])}")
    if html is not None:
        _write(html, render_member_statement_html(data))
    if pdf is not None:
        _write(pdf, render_member_statement_pdf(data))


class _DefaultNew(TyperGroup):
    """`claim-statement PAYER` means `claim-statement new PAYER`; the other subcommands keep their names."""

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[Any, Any, list[str]]:
        """Treat a first word that is no subcommand as the payer of `new`."""
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["new", *args]
        return super().resolve_command(ctx, args)


claim_app = typer.Typer(cls=_DefaultNew, no_args_is_help=True,
                        help="Claim statements: `claim-statement PAYER` makes a draft; approve; export.")


def _print_info(info: StatementInfo) -> None:
    state = (f"[green]approved[/] by {escape(info.approved_by or '')} at {info.approved_at}"
             if info.approved_by else "[red]draft[/] (not approved)")
    console.print(f"[bold]Claim statement {info.id}[/] to {escape(info.payer)}, revision {info.revision}: "
                  f"{info.lines} lines, claimed {format_cents(info.total_cents)}; {state}; sha256 "
                  f"{info.content_hash[:16]}…")


@claim_app.command("new")
def new_command(
    ctx: typer.Context,
    payer: Annotated[str, typer.Argument(help="The payer claimed from.", show_default=False)],
    by: Annotated[str, typer.Option("--by", help="Who makes it.")] = "greenroom",
    include_open: Annotated[bool, typer.Option("--include-open", help="Claim open findings too, not only "
                                                                      "claimed ones.")] = False,
) -> None:
    """Make a draft claim statement of the payer's claimed findings, with their evidence."""
    from greenroom.audit.claims import ClaimError, create_claim_statement
    from greenroom.audit.models import CLAIMED, OPEN

    statuses = (CLAIMED, OPEN) if include_open else (CLAIMED,)
    try:
        info = create_claim_statement(settings_from(ctx), payer, by, statuses)
    except ClaimError as exc:
        raise fail(str(exc)) from exc
    _print_info(info)
    console.print(f"next: greenroom audit claim-statement approve {info.id} --by NAME; "
                  f"then greenroom audit claim-statement export {info.id} --final --pdf FILE")


@claim_app.command("refresh")
def refresh_command(ctx: typer.Context, statement_id: Annotated[int, typer.Argument(help="Statement id.")]) -> None:
    """Rebuild a statement from the current findings; if anything changed it needs a new approval."""
    from greenroom.audit.claims import ClaimError, refresh_claim_statement

    try:
        info, changed = refresh_claim_statement(settings_from(ctx), statement_id)
    except ClaimError as exc:
        raise fail(str(exc)) from exc
    _print_info(info)
    console.print("changed: a new revision, to be approved" if changed else "unchanged")


@claim_app.command("approve")
def approve_command(
    ctx: typer.Context,
    statement_id: Annotated[int, typer.Argument(help="Statement id.")],
    by: Annotated[str, typer.Option("--by", help="The staff member approving.", show_default=False)],
    note: Annotated[str, typer.Option(help="Why, or what was checked.")] = "",
) -> None:
    """Approve a statement's current content (recorded with who, when and the content's hash)."""
    from greenroom.audit.claims import ClaimError, approve_claim_statement

    try:
        info = approve_claim_statement(settings_from(ctx), statement_id, by, note)
    except ClaimError as exc:
        raise fail(str(exc)) from exc
    _print_info(info)


@claim_app.command("export")
def export_command(
    ctx: typer.Context,
    statement_id: Annotated[int, typer.Argument(help="Statement id.")],
    final: Annotated[bool, typer.Option("--final", help="Refuse unless the current content is approved.")] = False,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write PDF here.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write HTML here.")] = None,
    csv_: Annotated[Path | None, typer.Option("--csv", help="Write CSV here.")] = None,
) -> None:
    """Export a statement; drafts are marked DRAFT, and --final refuses one not approved as it stands."""
    from greenroom.audit.claims import ClaimError, export_claim_statement

    settings = settings_from(ctx)
    targets = [(f, p) for f, p in (("pdf", pdf), ("html", html), ("csv", csv_)) if p is not None]
    if not targets:
        kind = "final" if final else "draft"
        targets = [("pdf", settings.data_dir / f"claim-statement-{statement_id}-{kind}.pdf")]
    try:
        for fmt, path in targets:
            _write(path, export_claim_statement(settings, statement_id, fmt, final))
    except ClaimError as exc:
        raise fail(str(exc)) from exc


@claim_app.command("list")
def list_command(ctx: typer.Context, payer: Annotated[str | None, typer.Option(help="Only this payer.")] = None,
                 ) -> None:
    """Claim statements, newest first, with their state."""
    from greenroom.audit.claims import list_claim_statements

    rows = list_claim_statements(settings_from(ctx), payer)
    if not rows:
        console.print("no claim statements yet")
        return
    table = Table(title="Claim statements")
    for name in ("id", "payer", "revision", "lines", "claimed", "state", "made by", "made at"):
        table.add_column(name, justify="right" if name in ("id", "revision", "lines", "claimed") else "left")
    for i in rows:
        table.add_row(str(i.id), escape(i.payer), str(i.revision), str(i.lines), format_cents(i.total_cents),
                      f"approved by {escape(i.approved_by)}" if i.approved_by else "draft", escape(i.created_by),
                      i.created_at[:16])
    console.print(table)


@claim_app.command("show")
def show_command(ctx: typer.Context, statement_id: Annotated[int, typer.Argument(help="Statement id.")]) -> None:
    """One statement: its state and its lines."""
    from greenroom.audit.claims import ClaimError, get_claim_statement

    try:
        info = get_claim_statement(settings_from(ctx), statement_id)
    except ClaimError as exc:
        raise fail(str(exc)) from exc
    _print_info(info)
    for ln in info.content["lines"]:
        console.print(f"  finding {ln['finding_id']} {ln['type']}: {ln['title_id']} {ln['performer_id']} "
                      f"{ln['market']} {ln['period_start']}: claimed {format_cents(ln['claim_cents'])}")
    t = info.content["totals"]
    console.print(f"  total: performer {format_cents(t['amount_cents'])} + P&H {format_cents(t['ph_cents'])} + "
                  f"interest {format_cents(t['interest_cents'])} = {format_cents(t['claim_cents'])}")


def netflix_bonus_command(
    ctx: typer.Context,
    source: Annotated[Path | None, typer.Option(
        "--source", help="The Netflix data folder (default: ../shared/data/netflix).")] = None,
    html: Annotated[Path | None, typer.Option(
        "--html", help="Write the report here (default: netflix-bonus.html in the data directory).")] = None,
    domestic_share: Annotated[float | None, typer.Option(
        "--domestic-share", help="Share of global hours watched in the U.S. and Canada (0-1); default: the "
                                 "UCAN share of paid memberships.")] = None,
    released_from: Annotated[str | None, typer.Option("--from", help="Released on or after (YYYY-MM-DD).")] = None,
    released_to: Annotated[str | None, typer.Option("--to", help="Released on or before (YYYY-MM-DD).")] = None,
    include_non_english: Annotated[bool, typer.Option("--include-non-english",
                                                      help="Judge non-English titles too.")] = False,
) -> None:
    """Estimate which Netflix titles earn the 2023 streaming success bonus, stating every assumption."""
    from greenroom.audit.netflix_bonus import NetflixDataError, Options, default_source, estimate, estimate_html

    settings = settings_from(ctx)
    folder = source or default_source()
    if folder is None:
        raise fail("no Netflix data: ../shared/data/netflix not found; pass --source DIR")
    if domestic_share is not None and not 0 < domestic_share <= 1:
        raise fail(f"--domestic-share {domestic_share} must be more than 0 and at most 1")
    try:
        dates = [dt.date.fromisoformat(d) if d else None for d in (released_from, released_to)]
    except ValueError as exc:
        raise fail(f"--from/--to: {exc}") from exc
    options = Options(dates[0], dates[1],
                      None if domestic_share is None else Fraction(str(domestic_share)), include_non_english)
    try:
        result = estimate(folder, options)
    except NetflixDataError as exc:
        raise fail(str(exc)) from exc
    console.print(f"[bold]{len(result.qualifying)} of {len(result.titles)}[/] made-for-streaming titles judged "
                  f"would qualify at {float(result.threshold):.0%}:")
    for t in result.qualifying:
        r = t.row()
        console.print(f"  {escape(r['title'])} ({r['release_date']}): {r['metric_pct']:.1f}% via {r['method']}")
    out = html or settings.data_dir / "netflix-bonus.html"
    _write(out, estimate_html(result))
