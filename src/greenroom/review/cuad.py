"""Reading a folder in CUAD's layout: master_clauses.csv, full_contract_txt/ and (optionally) contract_index.csv."""

from __future__ import annotations

import ast
import csv
import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from greenroom.review.text import ReviewInputError

CUAD_ATTRIBUTION = (
    "CUAD v1 by The Atticus Project (https://www.atticusprojectai.org/cuad), CC BY 4.0; "
    "Hendrycks, Burns, Chen, Ball, 'CUAD: An Expert-Annotated NLP Dataset for Legal Contract Review', "
    "NeurIPS 2021 Datasets and Benchmarks, arXiv:2103.06268."
)


@dataclass
class CuadContract:
    """One contract: its title (txt name without .txt), text, and gold segments per category."""

    title: str
    text: str
    answers: dict[str, list[str]]
    contract_type: str


def _key(name: str) -> str:
    """A loose file-name key: Unicode-normalised, no extension, punctuation folded (CUAD's names disagree)."""
    stem = unicodedata.normalize("NFKC", name).strip(" '.-")
    if stem.lower().endswith((".pdf", ".txt")):
        stem = stem[:-4]
    return "".join(ch for ch in stem.lower() if ch.isalnum())


def load_cuad(folder: Path, limit: int | None = None) -> tuple[list[str], list[CuadContract]]:
    """Load the categories and contracts of a CUAD-layout folder; answers split on <omitted> as CUAD's JSON does."""
    folder = Path(folder)
    master = folder / "master_clauses.csv"
    txt_dir = folder / "full_contract_txt"
    if not master.is_file() or not txt_dir.is_dir():
        raise ReviewInputError(f"{folder}: not a CUAD folder (needs master_clauses.csv and full_contract_txt/)")
    index: dict[str, tuple[str, str]] = {}
    index_file = folder / "contract_index.csv"
    if index_file.is_file():
        with index_file.open(newline="", encoding="utf-8") as fh:
            for entry in csv.DictReader(fh):
                index[entry["master_clauses_filename"]] = (entry["txt_file"], entry.get("contract_type", ""))
    txt_by_key = {_key(p.name): p.name for p in txt_dir.glob("*.txt")}
    with master.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        categories = [h for h in header[1:] if not h.endswith("-Answer")]
        rows = list(reader)
    contracts: list[CuadContract] = []
    for line_no, row in enumerate(rows, 2):
        filename = row[0]
        txt_name, ctype = index.get(filename, (txt_by_key.get(_key(filename), ""), ""))
        if not txt_name or not (txt_dir / txt_name).is_file():
            raise ReviewInputError(f"{master}: row {line_no}: no text file in full_contract_txt/ for {filename!r}")
        text = (txt_dir / txt_name).read_text(encoding="utf-8")
        answers: dict[str, list[str]] = {}
        for cat in categories:
            cell = row[header.index(cat)]
            try:
                values = ast.literal_eval(cell) if cell.strip() else []
            except (ValueError, SyntaxError) as exc:
                raise ReviewInputError(f"{master}: row {line_no}, column {cat!r}: not a list literal ({exc})") from exc
            segs: list[str] = []
            for value in values:
                for seg in str(value).split("<omitted>"):
                    seg = seg.strip()
                    if seg:
                        segs.append(seg)
            answers[cat] = segs
        contracts.append(CuadContract(txt_name[: -len(".txt")], text, answers, ctype))
        if limit is not None and len(contracts) >= limit:
            break
    return categories, contracts


def data_hash(contracts: list[CuadContract]) -> str:
    """A SHA-256 over titles, texts and answers: identifies the training data in the model's metadata."""
    h = hashlib.sha256()
    for c in sorted(contracts, key=lambda c: c.title):
        h.update(c.title.encode())
        h.update(c.text.encode())
        for cat in sorted(c.answers):
            for a in c.answers[cat]:
                h.update(cat.encode())
                h.update(a.encode())
    return h.hexdigest()
