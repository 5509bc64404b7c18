"""The audit docs stay in step with the code: every column, finding type and reason is documented."""

from __future__ import annotations

from pathlib import Path

from greenroom.audit import schema
from greenroom.audit.commands import app
from greenroom.audit.findings import TYPES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_remittance_column_is_documented() -> None:
    text = (DOCS / "remittances.md").read_text()
    for column in schema.REMITTANCES.columns:
        row = next((line for line in text.splitlines() if line.startswith(f"| `{column.name}` |")), None)
        assert row is not None, column.name
        assert ("| yes |" in row) == column.required, column.name


def test_every_rejection_reason_is_documented() -> None:
    text = (DOCS / "remittances.md").read_text()
    for phrase in ("zero or negative payment", "is not accepted: amounts must be in USD", "is for performer",
                   "was already reported in", "rows read = matched + queued + rejected + duplicates"):
        assert phrase in text, phrase
    assert "zero or negative payment" in schema.NOT_POSITIVE


def test_every_finding_type_and_command_is_documented() -> None:
    text = (DOCS / "audit.md").read_text()
    for t in TYPES:
        assert f"| `{t}` |" in text, t
    for command in app.registered_commands:
        assert f"greenroom audit {command.name}" in text, command.name
