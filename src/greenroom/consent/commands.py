"""`greenroom consent`: record consents, notices and uses; verify the log; findings, policy, compensation."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from greenroom.cli_support import console, fail, print_rows, settings_from
from greenroom.config import Settings
from greenroom.money import format_cents

if TYPE_CHECKING:
    from greenroom.consent.bulk import BulkResult

# The domain modules (SQLAlchemy, DuckDB) are imported inside the commands that use them, so that listing the
# commands or asking for help loads none of them.
app = typer.Typer(no_args_is_help=True)

Day = Annotated[str, typer.Option(help="Date, YYYY-MM-DD.")]


def _date(raw: str | None, name: str) -> dt.date | None:
    if raw is None or raw == "":
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise fail(f"{name}: {raw!r} is not a date (YYYY-MM-DD)") from None


def _when(raw: str | None, name: str) -> dt.datetime | None:
    if raw is None or raw == "":
        return None
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        raise fail(f"{name}: {raw!r} is not a date and time (YYYY-MM-DDTHH:MM)") from None


def _need(value: dt.date | None, name: str) -> dt.date:
    if value is None:
        raise fail(f"{name} is required")
    return value


def _need_when(value: dt.datetime | None, name: str) -> dt.datetime:
    if value is None:
        raise fail(f"{name} is required")
    return value


@app.command("performer")
def performer_command(ctx: typer.Context, performer_id: str, name: str = "", deceased_on: str = "",
                      representative: str = "", born_on: str = "") -> None:
    """Record a performer in the registry."""
    from greenroom.consent import registry as reg

    try:
        reg.record_performer(settings_from(ctx), performer_id, name, _date(deceased_on, "--deceased-on"),
                             representative or None, _date(born_on, "--born-on"))
    except reg.ConsentError as e:
        raise fail(str(e)) from None
    console.print(f"recorded performer {performer_id}")


@app.command("replica")
def replica_command(ctx: typer.Context, performer_id: str, kind: str, agreement: str, producer: str,
                    origin_project: str = "", created_on: str = "", description: str = "",
                    replica_id: str = "") -> None:
    """Record a replica (kind: employment_based, independently_created, background, voice, vocal, visual)."""
    from greenroom.consent import registry as reg

    try:
        r = reg.record_replica(settings_from(ctx), performer_id=performer_id, kind=kind, agreement=agreement,
                               producer=producer, origin_project=origin_project or None,
                               created_on=_date(created_on, "--created-on"), description=description,
                               replica_id=replica_id or None)
    except reg.ConsentError as e:
        raise fail(str(e)) from None
    console.print(f"recorded replica {r.replica_id}")


@app.command("consent")
def consent_command(
    ctx: typer.Context, performer_id: str, replica_id: str, producer: str,
    project: Annotated[list[str], typer.Option(help="A project the consent covers (repeat for more).")],
    description: Annotated[str, typer.Option(help="The reasonably specific description of use.")],
    signed_on: Day, term_end: str = "", medium: Annotated[list[str] | None, typer.Option()] = None,
    buried: Annotated[bool, typer.Option(help="Consent was part of the standard terms, not separate.")] = False,
    real_time: bool = False, signed_by: str = "performer", signer_name: str = "", document: str = "",
    supersedes: str = "", consent_id: str = "",
) -> None:
    """Record a consent (a correction is a new consent with --supersedes)."""
    from greenroom.consent import registry as reg

    try:
        c = reg.record_consent(settings_from(ctx), performer_id=performer_id, replica_id=replica_id,
                               producer=producer, projects=project, description=description,
                               signed_on=_need(_date(signed_on, "--signed-on"), "--signed-on"),
                               term_end=_date(term_end, "--term-end"), media=medium or [], separate=not buried,
                               real_time=real_time, signed_by=signed_by, signer_name=signer_name, document=document,
                               supersedes=supersedes or None, consent_id=consent_id or None)
    except reg.ConsentError as e:
        raise fail(str(e)) from None
    console.print(f"recorded consent {c.consent_id}")


@app.command("notice")
def notice_command(ctx: typer.Context, performer_id: str, replica_id: str, producer: str, project: str,
                   session_at: Annotated[str, typer.Option(help="YYYY-MM-DDTHH:MM")],
                   notified_at: Annotated[str, typer.Option(help="YYYY-MM-DDTHH:MM; leave out if none")] = "",
                   engaged_at: str = "", minutes: int = 0, rate_cents: int | None = None,
                   scan_only: bool = False, notice_id: str = "") -> None:
    """Record a replica-creation session and the notice given for it."""
    from greenroom.consent import registry as reg

    try:
        n = reg.record_notice(settings_from(ctx), performer_id=performer_id, replica_id=replica_id,
                              producer=producer, project=project,
                              session_at=_need_when(_when(session_at, "--session-at"), "--session-at"),
                              notified_at=_when(notified_at, "--notified-at"),
                              engaged_at=_when(engaged_at, "--engaged-at"), minutes=minutes, rate_cents=rate_cents,
                              scan_only=scan_only, notice_id=notice_id or None)
    except reg.ConsentError as e:
        raise fail(str(e)) from None
    console.print(f"recorded notice {n.notice_id}")


def _load_files(ctx: typer.Context, files: list[Path], loader: Callable[[Settings, Path], BulkResult]) -> None:
    from greenroom.consent import registry as reg

    settings = settings_from(ctx)
    ok = True
    for path in files:
        if not path.is_file():
            raise fail(f"{path}: no such file")
        try:
            result = loader(settings, path)
        except reg.ConsentError as e:
            raise fail(str(e)) from None
        console.print(result.summary())
        for m in result.messages[:20]:
            console.print(f"  {escape(m)}")
        ok = ok and result.balanced
    if not ok:
        raise typer.Exit(1)


@app.command("load-uses")
def load_uses_command(ctx: typer.Context, files: list[Path]) -> None:
    """Load producers' use reports (CSV); bad rows are kept with file, row, column and why."""
    from greenroom.consent.bulk import load_uses

    _load_files(ctx, files, load_uses)


@app.command("load-consents")
def load_consents_command(ctx: typer.Context, files: list[Path]) -> None:
    """Load consents (CSV), recording replicas whose kind is given; bad rows are kept with where and why."""
    from greenroom.consent.bulk import load_consents

    _load_files(ctx, files, load_consents)


@app.command("revoke")
def revoke_command(ctx: typer.Context, consent_id: str, on: Day, reason: str = "") -> None:
    """Revoke a consent from a date (recorded as a new event)."""
    from greenroom.consent import registry as reg

    try:
        e = reg.revoke(settings_from(ctx), consent_id, _need(_date(on, "--on"), "--on"), reason)
    except reg.ConsentError as err:
        raise fail(str(err)) from None
    console.print(f"recorded revocation {e.event_id}")


@app.command("withdraw")
def withdraw_command(ctx: typer.Context, use_id: str,
                     reason: Annotated[str, typer.Option(help="Why, e.g. which report is right.")],
                     on: str = "") -> None:
    """Withdraw a reported use (e.g. the wrong one of two conflicting reports): a new event, nothing deleted."""
    from greenroom.consent import registry as reg

    try:
        e = reg.withdraw_use(settings_from(ctx), use_id, reason, _date(on, "--on"))
    except reg.ConsentError as err:
        raise fail(str(err)) from None
    console.print(f"recorded withdrawal {e.event_id} of use {use_id}")


@app.command("suspend")
def suspend_command(ctx: typer.Context, start: Day, end: str = "", consent_id: str = "", performer_id: str = "",
                    producer: str = "", agreement: str = "", reason: str = "") -> None:
    """Suspend the matching consents (e.g. an agreement's during a strike)."""
    from greenroom.consent import registry as reg

    try:
        e = reg.suspend(settings_from(ctx), _need(_date(start, "--start"), "--start"), _date(end, "--end"),
                        consent_id=consent_id or None, performer_id=performer_id or None, producer=producer or None,
                        agreement=agreement or None, reason=reason)
    except reg.ConsentError as err:
        raise fail(str(err)) from None
    console.print(f"recorded suspension {e.event_id}")


@app.command("verify")
def verify_command(ctx: typer.Context) -> None:
    """Prove the log was not altered (or say where it was) and that the records match it."""
    from greenroom.consent import registry as reg

    result = reg.verify(settings_from(ctx))
    if result.ok:
        console.print(result.message())
        return
    raise fail(result.message())


@app.command("findings")
def findings_command(ctx: typer.Context, performer: str = "", type: str = "", producer: str = "",
                     as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Compliance findings of the registry."""
    from greenroom.consent import api

    found = api.list_findings(settings_from(ctx), performer or None, type or None, producer or None)
    if as_json:
        console.print_json(json.dumps([f.to_dict() for f in found]))
        return
    table = Table("type", "performer", "producer", "project", "record", "date", "reason")
    for f in found:
        table.add_row(f.type, f.performer_id, f.producer, f.project, f.subject_id, str(f.on or ""), escape(f.reason))
    console.print(table)
    console.print(", ".join(f"{n} {t}" for t, n in sorted(api.findings_by_type(found).items())) or "no findings")


@app.command("may")
def may_command(ctx: typer.Context, producer: str, performer_id: str, project: str, on: Day, until: str = "",
                medium: str = "", real_time: bool = False, replica_id: str = "",
                sexual_content: Annotated[bool, typer.Option(help="For a nude or sexual depiction.")] = False
                ) -> None:
    """May this producer use this performer's replica for this project on this date, and why?"""
    from greenroom.consent import api

    rows = api.ask(settings_from(ctx), producer=producer, performer_id=performer_id, project=project,
                   on=_need(_date(on, "--on"), "--on"), until=_date(until, "--until"), medium=medium,
                   real_time=real_time, replica_id=replica_id or None, sexual_content=sexual_content)
    best = rows[0]
    console.print(("[green]yes[/]: " if best.allow else "[red]no[/]: ") + escape(best.reason))
    for r in rows[1:]:
        console.print(f"  {r.consent_id}: {'allow' if r.allow else 'no'} — {escape(r.reason)}")
    if not best.allow:
        raise typer.Exit(1)


@app.command("covers")
def covers_command(ctx: typer.Context, consent_id: str) -> None:
    """Every reported use of the consent's replica, and whether this consent covers it."""
    from greenroom.consent import api

    try:
        rows = api.ask(settings_from(ctx), consent_id=consent_id)
    except LookupError as e:
        raise fail(str(e)) from None
    table = Table("use", "producer", "project", "from", "to", "allow", "reason")
    for r in rows:
        table.add_row(r.use_id or "", r.producer, r.project, str(r.start), str(r.end), "yes" if r.allow else "no",
                      escape(r.reason))
    console.print(table)


@app.command("compensation")
def compensation_command(ctx: typer.Context, performer: str = "",
                         post: Annotated[bool, typer.Option(help="Store the lines for the audit's ledger.")] = False
                         ) -> None:
    """AI compensation owed for replica uses and creation sessions, with the rules it comes from."""
    from greenroom.consent import api
    from greenroom.consent.compensation import days_without_engagement
    from greenroom.store import analytics

    settings = settings_from(ctx)
    if post:
        result, run = api.post_compensation(settings)
        console.print(f"stored {len(result.lines)} lines as run {run} in ai_compensation_lines and "
                      f"{len(result.unknown)} amounts that cannot be worked out in ai_compensation_unknown")
        with analytics.connect(settings) as con:
            orphans = days_without_engagement(con)
        if orphans:
            console.print(f"{len(orphans)} uses paid as if performed earn no residuals yet: no engagement of the "
                          "performer on the title is loaded:")
            for performer_id, title, use, days in orphans[:20]:
                console.print(f"  {use}: {days} days, {performer_id} on {escape(title)}", highlight=False)
    else:
        result = api.compute_compensation(settings, performer or None)
    rows = [(ln.line_id, ln.performer_id, ln.title_id, ln.formula_id, str(ln.units), format_cents(ln.amount_cents),
             format_cents(ln.ph_cents), str(ln.due_date), "yes" if ln.unverified else "")
            for ln in result.lines if not performer or ln.performer_id == performer]
    print_rows(("line", "performer", "project", "rule", "units", "owed", "P&H", "due", "unverified"), rows,
               whole=("line", "owed", "P&H"), right=("units", "owed", "P&H"))
    console.print(f"owed {format_cents(result.total_cents)} + P&H {format_cents(result.total_ph_cents)}; "
                  f"{len(result.unknown)} not priced")
    for subject, who, why in result.unknown[:20]:
        if not performer or who == performer:
            console.print(f"  NOT PRICED {subject} ({who}, {escape(result.about.get(subject, ('', ''))[0])}): "
                          f"{escape(why)}")


@app.command("history")
def history_command(ctx: typer.Context, record_id: str,
                    performer: Annotated[bool, typer.Option(help="RECORD_ID is a performer: all their records.")]
                    = False) -> None:
    """The log entries about a record (or, with --performer, about all of a performer's records)."""
    from greenroom.consent import api

    settings = settings_from(ctx)
    entries = api.history(settings, performer_id=record_id) if performer else api.history(settings, record_id)
    if not entries:
        raise fail(f"no log entries about {record_id!r}")
    for e in entries:
        console.print(f"{e['seq']:>6} {e['at']} {e['kind']:<11} {e['subject']} {e['hash'][:16]}", highlight=False)


@app.command("explain")
def explain_command(ctx: typer.Context, line_id: str) -> None:
    """Explain an AI-compensation line: the rule, each cited value, and the use or session it prices."""
    from greenroom.consent import api

    try:
        line = api.explain_line(settings_from(ctx), line_id)
    except LookupError as e:
        raise fail(str(e)) from None
    console.print(f"[bold]{line['line_id']}[/] {line['formula_id']} ({line['agreement']}): "
                  f"{format_cents(line['amount_cents'])} to {line['performer_id']} + "
                  f"{format_cents(line['ph_cents'])} P&H, due {line['due_date']}")
    console.print(f"  {escape(line['note'])}", highlight=False)
    for c in line["citations"]:
        flag = "" if c["status"] == "verified" else " [yellow](unverified)[/]"
        console.print(f"  {c['ref']} = {c['value']}: {escape(c['reference'])} [{c['source']}]{flag}")
        if c["note"]:
            console.print(f"    {escape(c['note'])}")
    if line["record"]:
        console.print(f"  prices: {escape(json.dumps(line['record'], sort_keys=True))}", highlight=False)


@app.command("member")
def member_command(ctx: typer.Context, performer_id: str,
                   export: Annotated[Path | None, typer.Option(help="Write the whole record as JSON here.")] = None
                   ) -> None:
    """Everything the registry holds about a member, and every use of their replicas."""
    from greenroom.consent import api

    settings = settings_from(ctx)
    try:
        if export is not None:
            api.export_member(settings, performer_id, export)
            console.print(f"wrote {export}")
            return
        record = api.member_record(settings, performer_id)
    except LookupError as e:
        raise fail(str(e)) from None
    console.print(f"[bold]{performer_id}[/] {escape(record['performer']['name'])}: "
                  f"{len(record['replicas'])} replicas, {len(record['consents'])} consents, "
                  f"{len(record['notices'])} notices, {len(record['uses'])} uses, {len(record['findings'])} findings")
    for u in record["uses"]:
        console.print(f"  {u['use_id']} {u['start_date']} {escape(u['producer'])} / {escape(u['project'])}: "
                      f"{'allowed' if u['allowed'] else 'NOT allowed'} — {escape(u['reason'])}")
    for u in record["withdrawn_uses"]:
        why = u["withdrawal"]["reason"] if u["withdrawal"] else ""
        console.print(f"  {u['use_id']} withdrawn by staff (kept, not counted) — {escape(why)}")
    pay = record["compensation"]
    console.print(f"AI compensation owed {format_cents(pay['total_cents'])} + P&H {format_cents(pay['total_ph_cents'])}"
                  f" ({len(pay['lines'])} lines)")
    for x in pay["not_priced"]:
        console.print(f"  NOT PRICED {x['subject_id']} ({escape(x['project'])}): {escape(x['reason'])}")


@app.command("cases")
def cases_command(paths: list[Path]) -> None:
    """Run AI-compensation cases (YAML files, or folders holding ai_*.yaml); exit 1 if any fails."""
    from greenroom.consent.cases import load_ai_cases, run_case

    files = [f for p in paths for f in (sorted(p.rglob("ai_*.yaml")) if p.is_dir() else [p])]
    if not files:
        raise fail("no AI case files found")
    failed = 0
    for path in files:
        try:
            cases = load_ai_cases(path)
        except (OSError, ValueError) as e:
            raise fail(str(e)) from None
        for case in cases:
            result = run_case(case, str(path))
            mark = "[green]PASS[/]" if result.passed else "[red]FAIL[/]"
            console.print(f"{mark} {escape(path.name)}: {escape(result.name)}")
            for problem in result.problems:
                console.print(f"     {escape(problem)}")
            failed += not result.passed
    if failed:
        raise typer.Exit(1)


@app.command("demo")
def demo_command(ctx: typer.Context, seed: int = 7) -> None:
    """Record demo consents, notices, uses and planted violations; compare what is found with what was planted."""
    from greenroom.consent import registry as reg
    from greenroom.consent.demo import seed_demo

    settings = settings_from(ctx)
    try:
        summary = seed_demo(settings, seed, say=console.print)
    except reg.ConsentError as e:
        raise fail(str(e)) from None
    console.print(f"performers {summary['performers']} ({summary['from_residuals_data']} from the residuals data); "
                  f"use rows {summary['rows']}: {summary['recorded']} recorded, {summary['already']} already, "
                  f"{summary['duplicates']} conflicting, {summary['rejected']} refused")
    console.print("planted: " + ", ".join(f"{n} {t}" for t, n in summary["expected"].items()))
    console.print("found:   " + ", ".join(f"{n} {t}" for t, n in summary["found"].items()))
    console.print(f"AI compensation owed {format_cents(summary['compensation_cents'])} + P&H "
                  f"{format_cents(summary['compensation_ph_cents'])} ({summary['compensation_lines']} lines, "
                  f"stored as run {summary['compensation_run']} for the audit); {summary['not_priced']} amounts "
                  "cannot be worked out (compensation_unknown)")
    if summary["withdrawn"]:
        console.print(f"reports withdrawn by staff (kept, not counted): {', '.join(summary['withdrawn'])}")
    console.print(reg.verify(settings).message())
    if not summary["matches"]:
        raise typer.Exit(1)
