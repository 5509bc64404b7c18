"""docs/formats.md matches the schemas and names every quarantine reason."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from greenroom.ingest import validate

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_generated_column_tables_are_current() -> None:
    spec = importlib.util.spec_from_file_location("gen_formats", DOCS / "gen_formats.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    assert module.render(text) == text, "docs/formats.md is stale: run .venv/bin/python docs/gen_formats.py"


def test_every_reason_is_documented() -> None:
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    reasons = [r.split("{")[0].strip() for r in validate.REASONS]
    assert reasons and all(r in text for r in reasons), [r for r in reasons if r not in text]
    for documented in (validate.below_minimum(1).split(" 1")[0], "required for market",
                       validate.before_agreement(next(iter(validate.FIRST_EFFECTIVE_DATES.values()))),
                       "not an allowed value (expected one of:", "row has"):
        assert documented in text
