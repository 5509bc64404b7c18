"""`greenroom review FILE`, `greenroom review train --cuad DIR`, `greenroom review eval --cuad DIR`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from typer.core import TyperGroup

from greenroom.cli_support import console, fail, settings_from


class _ReviewGroup(TyperGroup):
    """A group whose first argument may be a file: `greenroom review contract.pdf` runs `review file contract.pdf`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Route a first argument that is not a subcommand to the `file` command."""
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["file", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=_ReviewGroup, no_args_is_help=True, help="Contract review: clause labels and playbook flags.")


@app.command("file")
def review_file(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The contract: PDF, DOCX or text.")],
    out: Annotated[
        Path | None, typer.Option(help="Folder for the HTML and JSON reports (default: <data dir>/reviews).")
    ] = None,
    threshold: Annotated[float, typer.Option(help="Confidence from which a CUAD label is shown.")] = 0.5,
    max_pages: Annotated[
        int, typer.Option(help="Review at most this many pages; the rest are reported as skipped.")
    ] = 1000,
    playbook: Annotated[Path | None, typer.Option(help="A playbook YAML instead of the union's.")] = None,
) -> None:
    """Review a contract: print a summary and write an HTML report and JSON."""
    from greenroom.review.playbook import PlaybookError, load_playbook
    from greenroom.review.report import render_html, to_json
    from greenroom.review.review import review_document
    from greenroom.review.text import ReviewInputError

    try:
        book = load_playbook(playbook) if playbook else None
        report = review_document(path, threshold=threshold, max_pages=max_pages, playbook=book)
    except (ReviewInputError, PlaybookError) as exc:
        raise fail(str(exc)) from None
    folder = out or settings_from(ctx).data_dir / "reviews"
    folder.mkdir(parents=True, exist_ok=True)
    stem = Path(path).stem
    html_path = folder / f"{stem}.review.html"
    json_path = folder / f"{stem}.review.json"
    html_path.write_text(render_html(report), encoding="utf-8")
    json_path.write_text(to_json(report) + "\n", encoding="utf-8")
    counts = report.counts()
    console.print(
        f"[bold]{report.source}[/]: {report.n_pages} page(s), {len(report.clauses)} clauses, "
        f"{sum(1 for x in report.labels if x.source == 'cuad')} CUAD labels, reviewed in {report.seconds:.2f}s"
    )
    console.print("  " + "  ".join(f"{s} {n}" for s, n in counts.items()))
    for line in report.skipped:
        console.print(f"  [yellow]skipped:[/] {line}")
    for line in report.warnings:
        console.print(f"  [yellow]note:[/] {line}")
    flags = report.flags()
    if flags:
        table = Table("status", "severity", "rule", "where", show_header=True, header_style="bold")
        for f in flags:
            where = ", ".join(f"p.{e.page}" + (f" §{e.section}" if e.section else "") for e in f.evidence[:2]) or "-"
            table.add_row(f.status, f.severity, f.title, where)
        console.print(table)
    console.print(f"HTML: {html_path}\nJSON: {json_path}")


@app.command("train")
def train(
    cuad: Annotated[Path, typer.Option(help="A folder in CUAD's layout (master_clauses.csv + full_contract_txt/).")],
    out: Annotated[Path | None, typer.Option(help="Where to write the model (default: inside the package).")] = None,
    folds: Annotated[
        int, typer.Option(help="Cross-validation folds grouped by contract, recorded in the metadata (0: none).")
    ] = 5,
    limit: Annotated[int | None, typer.Option(help="Use only the first N contracts (for a quick check).")] = None,
) -> None:
    """Train the clause model on CUAD-layout data; reproducible (deterministic folds and solver)."""
    from greenroom.review.cuad import load_cuad
    from greenroom.review.model import MODEL_DIR
    from greenroom.review.text import ReviewInputError
    from greenroom.review.training import cross_validate, eval_to_dict, prepare, train_model

    try:
        categories, contracts = load_cuad(cuad, limit)
    except ReviewInputError as exc:
        raise fail(str(exc)) from None
    console.print(f"{len(contracts)} contracts, {len(categories)} categories from {cuad}")
    cv = None
    if folds > 1:
        prepared = [prepare(c, categories) for c in contracts]
        cv = cross_validate(prepared, categories, folds, log=console.print)
        _print_scores(eval_to_dict(cv), f"{folds}-fold cross-validation grouped by contract")
        del prepared
    model = train_model(contracts, categories, cv=cv, log=console.print)
    path = model.save(out or MODEL_DIR)
    console.print(f"model: {path} ({path.stat().st_size / 1e6:.1f} MB, {len(model.vocab)} features)")


@app.command("eval")
def evaluate(
    cuad: Annotated[Path, typer.Option(help="A folder in CUAD's layout (master_clauses.csv + full_contract_txt/).")],
    cv: Annotated[
        int, typer.Option(help="Cross-validate with this many folds instead of scoring the shipped model.")
    ] = 0,
    model_dir: Annotated[
        Path | None, typer.Option("--model", help="A model folder (default: the shipped one).")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the scores as JSON here.")] = None,
    limit: Annotated[int | None, typer.Option(help="Use only the first N contracts.")] = None,
    include_training: Annotated[
        bool, typer.Option(help="Keep contracts the shipped model was trained on (left out by default).")
    ] = False,
) -> None:
    """Score clause labels on a CUAD-layout folder exactly as CUAD's evaluate.py does; print the table."""
    import time

    from greenroom.review.cuad import data_hash, load_cuad
    from greenroom.review.model import ModelMissingError, load_model
    from greenroom.review.text import ReviewInputError
    from greenroom.review.training import (
        DEFAULT_PARAMS,
        cross_validate,
        eval_to_dict,
        evaluate_nbest,
        gold_dict,
        nbest,
        prepare,
    )

    try:
        categories, contracts = load_cuad(cuad, limit)
    except ReviewInputError as exc:
        raise fail(str(exc)) from None
    t0 = time.perf_counter()
    if cv > 1:
        prepared = [prepare(c, categories) for c in contracts]
        result = cross_validate(prepared, categories, cv, log=console.print)
        title = f"{cv}-fold cross-validation grouped by contract, {len(contracts)} contracts"
    else:
        try:
            model = load_model(model_dir)
        except ModelMissingError as exc:
            raise fail(str(exc)) from None
        seen = set(model.meta.get("training_titles") or ())
        overlap = [c for c in contracts if c.title in seen]
        if model.meta.get("data_sha256") == data_hash(contracts) or (overlap and len(overlap) == len(contracts)):
            console.print(
                "[yellow]warning:[/] these are the model's own training contracts; use --cv for honest scores"
            )
        elif overlap and not include_training:
            contracts = [c for c in contracts if c.title not in seen]
            console.print(
                f"left out {len(overlap)} contracts the model was trained on; scoring the other {len(contracts)} "
                "(--include-training to keep them)"
            )
        preds: dict[str, list[tuple[str, float]]] = {}
        for c in contracts:
            preds.update(
                nbest(
                    model,
                    prepare(c, categories),
                    int(DEFAULT_PARAMS["top_k"]),
                    int(DEFAULT_PARAMS["top_k_parties"]),
                )
            )
        result = evaluate_nbest(gold_dict(contracts, categories), preds, categories, time.perf_counter() - t0)
        title = f"shipped model on {len(contracts)} contracts"
    scores = eval_to_dict(result)
    _print_scores(scores, title)
    if json_out:
        json_out.write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")


def _print_scores(scores: dict[str, Any], title: str) -> None:
    """Print CUAD-style scores (percent): overall, overall without Parties, then per category."""
    table = Table("category", "AUPR", "P@80R", "P@90R", "gold spans", title=title, header_style="bold")
    rows = [("OVERALL", scores["overall"]), ("overall without Parties", scores["overall_without_parties"])]
    rows += sorted(scores["per_category"].items())
    for name, s in rows:
        table.add_row(
            name, f"{s['aupr']:.1f}", f"{s['p_at_80_recall']:.1f}", f"{s['p_at_90_recall']:.1f}", str(s["n_gold"])
        )
    console.print(table)
    console.print(
        f"({scores['seconds']:.0f}s; CUAD paper, official test split: RoBERTa-large AUPR 48.2, "
        "DeBERTa-xlarge AUPR 47.8 / P@80R 44.0)"
    )
