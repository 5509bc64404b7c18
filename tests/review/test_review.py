"""End to end: review_document on PDF, DOCX and text, the JSON and HTML reports, and the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from greenroom.cli import app
from greenroom.review import render_html, review_document, review_text, to_json

from .conftest import make_docx, make_pdf


def _contract_pages(fixtures: Path) -> list[str]:
    text = (fixtures / "blanket_replica.txt").read_text(encoding="utf-8")
    head, rest = text.split("3. Digital Replica.", 1)
    return [head, "3. Digital Replica." + rest]


def test_pdf_review_has_pages_offsets_and_findings(tmp_path: Path, fixtures: Path) -> None:
    pdf = make_pdf(tmp_path / "talent.pdf", _contract_pages(fixtures))
    report = review_document(pdf)
    assert report.kind == "pdf" and report.n_pages == 2 and not report.partial
    consent = next(f for f in report.findings if f.rule_id == "replica-consent-separate")
    assert consent.status == "DEVIATION"
    ev = consent.evidence[0]
    assert ev.page == 2 and report.text[ev.start : ev.end] == ev.text and ev.section.startswith("3")
    assert any(c.number == "6" and c.heading == "Governing Law" for c in report.clauses)
    # The CUAD model labels the governing-law sentence.
    law = [lab for lab in report.labels if lab.category == "Governing Law"]
    assert law and "governed by the laws" in report.text[law[0].start : law[0].end]


def test_docx_with_tracked_changes_is_reviewed_with_a_note(tmp_path: Path, fixtures: Path) -> None:
    paragraphs = (fixtures / "residuals_waiver.txt").read_text(encoding="utf-8").split("\n\n")
    doc = make_docx(tmp_path / "deal.docx", paragraphs, tracked=True)
    report = review_document(doc)
    assert report.kind == "docx"
    assert any("tracked changes" in w for w in report.warnings)
    assert {f.rule_id: f.status for f in report.findings}["no-residuals-waiver"] == "DEVIATION"


def test_partial_review_says_what_was_skipped(tmp_path: Path, fixtures: Path) -> None:
    pages = _contract_pages(fixtures)
    pdf = make_pdf(tmp_path / "scan-mix.pdf", [pages[0], None, pages[1]])
    report = review_document(pdf, max_pages=2)
    assert report.partial
    assert "pages 3-3: the review reads at most 2 pages" in report.skipped
    assert any("no text layer" in s for s in report.skipped)
    data = json.loads(to_json(report))
    assert data["partial"] is True and data["skipped"] == report.skipped


def test_json_report_is_complete(fixtures: Path) -> None:
    report = review_document(fixtures / "compliant.txt")
    data = json.loads(to_json(report))
    assert "text" not in data and json.loads(to_json(report, include_text=True))["text"] == report.text
    assert data["counts"]["MATCH"] >= 10
    f = data["findings"][0]
    assert {"rule_id", "status", "severity", "evidence", "standard", "cites", "suggested_language"} <= set(f)
    assert data["model"]["attribution"].startswith("CUAD v1 by The Atticus Project")


def test_html_report_highlights_and_links(fixtures: Path) -> None:
    report = review_document(fixtures / "blanket_replica.txt")
    page = render_html(report)
    assert page.startswith("<!doctype html>") and "<script" not in page
    ids = set(re.findall(r'id="([^"]+)"', page))
    links = set(re.findall(r'href="#([^"]+)"', page))
    assert links and links <= ids  # every jump link lands somewhere
    assert '<mark class="flag"' in page and "DEVIATION" in page
    assert "Suggested:" in page and "contract-review.md §7.1" in page
    # The contract text is all there, escaped.
    assert "Performer hereby irrevocably consents" in page


def test_html_escapes_the_contract(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("1. Term. <script>alert(1)</script> The term is one year & a day.", encoding="utf-8")
    page = render_html(review_document(path))
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; a day" in page


def test_cli_review_file_writes_html_and_json(tmp_path: Path, fixtures: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["review", str(fixtures / "blanket_replica.txt"), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "DEVIATION" in res.output
    assert (tmp_path / "blanket_replica.review.html").is_file()
    data = json.loads((tmp_path / "blanket_replica.review.json").read_text(encoding="utf-8"))
    assert data["source"] == "blanket_replica.txt"


def test_cli_review_of_a_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n garbage")
    res = CliRunner().invoke(app, ["review", str(bad), "--out", str(tmp_path)])
    assert res.exit_code == 1
    assert "broken.pdf" in res.output.replace("\n", "") and "Traceback" not in res.output


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "1. Digital Replica.",
                "Performer hereby consents to the creation of a digital replica.",
                "in any media now known or hereafter devised",
                "Talent waives all residuals.",
                "ARTICLE IV",
                "(a)",
                "Producer shall pay $1,000 on March 3, 2026.",
                "\n\n",
                "   ",
                ";",
                "Inc.",
                "é—“”",
            ]
        ),
        max_size=40,
    )
)
def test_review_text_never_crashes(parts: list[str]) -> None:
    report = review_text(" ".join(parts), "random.txt")
    for f in report.findings:
        assert f.status in ("MATCH", "DEVIATION", "MISSING", "UNCLEAR")
        for e in f.evidence:
            assert report.text[e.start : e.end] == e.text
    json.loads(to_json(report))
    render_html(report)
