"""The generated documentation stays in step with the code."""

from pathlib import Path

from greenroom.residuals.catalog import markets_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_markets_doc_is_current():
    assert (DOCS / "markets.md").read_text() == markets_markdown(), (
        "regenerate with: greenroom residuals rules --markdown > docs/markets.md")
