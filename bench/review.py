"""Benchmark contract review: a 50-page PDF contract on CPU, a 500-page one, and throughput over CUAD's contracts.

    .venv/bin/python bench/review.py [--cuad DIR] [--limit N] [--skip-throughput]

The PDFs are generated with fpdf2 from real CUAD contract text (../shared/data/cuad relative to the project
root, or --cuad DIR); without that folder the script says so and stops. Prints numbers; no thresholds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from greenroom.review import render_html, review_document, review_text, to_json
from greenroom.review.cuad import load_cuad
from greenroom.review.model import load_model
from greenroom.review.text import extract_text

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "review"
CHARS_PER_PAGE = 3000  # a dense contract page


def make_pdf(path: Path, text: str, pages: int) -> Path:
    """Lay real contract text out as a PDF of exactly `pages` pages of ~CHARS_PER_PAGE characters."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=9)
    pdf.set_auto_page_break(False)
    clean = text.encode("latin-1", "replace").decode("latin-1")
    pos = 0
    for _ in range(pages):
        chunk = clean[pos : pos + CHARS_PER_PAGE]
        pos += CHARS_PER_PAGE
        if pos >= len(clean):
            pos = 0
        pdf.add_page()
        pdf.multi_cell(0, 4, chunk)
    pdf.output(str(path))
    return path


def time_pdf(path: Path, repeats: int) -> None:
    """Time extraction alone and the whole review (extract, segment, label, playbook, HTML and JSON)."""
    load_model()  # loading the model once per process is not part of a review
    ext, full = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        extract_text(path)
        ext.append(time.perf_counter() - t)
        t = time.perf_counter()
        report = review_document(path)
        render_html(report)
        to_json(report)
        full.append(time.perf_counter() - t)
    print(
        f"{path.name}: {report.n_pages} pages, {report.n_chars:,} chars, {len(report.clauses)} clauses, "
        f"{len(report.findings)} findings; extraction median {statistics.median(ext):.2f}s, "
        f"whole review median {statistics.median(full):.2f}s (min {min(full):.2f}s) over {repeats} runs"
    )


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cuad", type=Path, default=ROOT.parent / "shared" / "data" / "cuad")
    parser.add_argument("--limit", type=int, default=None, help="Contracts for the throughput run (default all).")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    if not (args.cuad / "master_clauses.csv").is_file():
        print(f"skipped: no CUAD folder at {args.cuad} (pass --cuad DIR)")
        sys.exit(0)
    OUT.mkdir(parents=True, exist_ok=True)
    _, contracts = load_cuad(args.cuad, args.limit)
    # Talent-like contracts first: the closest real text to a performer deal.
    talent = [c for c in contracts if c.contract_type in ("Endorsement", "Sponsorship", "Promotion")] or contracts
    corpus = "\n\n".join(c.text for c in talent)
    t = time.perf_counter()
    load_model()
    print(f"model load: {time.perf_counter() - t:.2f}s")
    time_pdf(make_pdf(OUT / "contract-50p.pdf", corpus, 50), args.repeats)
    time_pdf(make_pdf(OUT / "contract-500p.pdf", corpus, 500), 1)
    pdfs = sorted((args.cuad / "pdf").glob("*"))
    if pdfs:
        times, pages = [], []
        for pdf in pdfs:
            t = time.perf_counter()
            report = review_document(pdf)
            times.append(time.perf_counter() - t)
            pages.append(report.n_pages)
        print(
            f"real CUAD PDFs: {len(pdfs)} files, {sum(pages)} pages; review median {statistics.median(times):.2f}s, "
            f"max {max(times):.2f}s ({max(pages)} pages the longest)"
        )
    if args.skip_throughput:
        return
    t0 = time.perf_counter()
    chars = 0
    per: list[float] = []
    for c in contracts:
        t = time.perf_counter()
        review_text(c.text, c.title)
        per.append(time.perf_counter() - t)
        chars += len(c.text)
    total = time.perf_counter() - t0
    print(
        f"throughput: {len(contracts)} contracts ({chars / 1e6:.1f}M chars) in {total:.1f}s = "
        f"{len(contracts) / total:.1f} contracts/s, {chars / total / 1e3:.0f}k chars/s; per contract median "
        f"{statistics.median(per):.2f}s, max {max(per):.2f}s"
    )


if __name__ == "__main__":
    main()
