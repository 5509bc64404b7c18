"""docs/consent.md names every finding type, every command and every CSV column."""

from pathlib import Path

from greenroom.consent.bulk import CONSENT_OPTIONAL, CONSENT_REQUIRED, OPTIONAL, REQUIRED
from greenroom.consent.commands import app
from greenroom.consent.compliance import TYPES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "consent.md").read_text()


def test_every_finding_type_command_and_column_is_documented():
    for t in TYPES:
        assert f"| `{t}` |" in DOC, t
    for command in app.registered_commands:
        assert f"greenroom consent {command.name}" in DOC, command.name
    for column in REQUIRED + OPTIONAL + CONSENT_REQUIRED + CONSENT_OPTIONAL:
        assert f"`{column}`" in DOC, column
