"""`greenroom audit ...`: load remittances, run, list and work findings, the queue, payer settings."""

from __future__ import annotations

import re

from greenroom.audit.commands import FindingType
from greenroom.audit.findings import TYPES

from .conftest import HEADER, paid_in_full, pay, write_csv


def test_the_type_option_lists_every_finding_type() -> None:
    assert [t.value for t in FindingType] == list(TYPES)


def test_a_whole_audit_from_the_command_line(union, cli, tmp_path) -> None:
    rows = paid_in_full()
    rows[0]["amount_cents"] = 90_000
    theirs = ["Cheque" if h == "check_number" else h for h in HEADER]
    moved = [{("Cheque" if k == "check_number" else k): v for k, v in r.items()}
             for r in [*rows, pay("L1", "C8", title="Unheard Of")]]
    path = write_csv(tmp_path / "bluewater.csv", moved, theirs)
    out = cli("load-remittances", str(path), "--payer", "Bluewater", "--map", "Cheque=check_number")
    assert out.exit_code == 0, out.output
    assert "read 5 = matched 4 + queued 1 + rejected 0 + duplicates 0" in out.output

    out = cli("run", "--as-of", "2021-12-31")
    assert out.exit_code == 0, out.output
    assert "Audit run 1" in out.output and "difference $100.00" in out.output
    assert re.search(r"underpaid\s+│\s+1", out.output)

    out = cli("findings", "--type", "underpaid")
    assert "T1" in out.output and "P1" in out.output and "$100.00" in out.output
    fid = re.search(r"│\s+(\d+)\s+│ underpaid", out.output).group(1)  # type: ignore[union-attr]
    out = cli("show", fid)
    assert '"line_id": "L1"' in out.output and "audit run 1: - -> open" in out.output
    assert cli("claim", fid, "--by", "ana").exit_code == 0
    out = cli("resolve", fid, "--by", "ana", "--waived", "--note", "under the small-claims floor")
    assert "resolved (waived)" in out.output
    again = cli("resolve", fid, "--by", "ana")
    assert again.exit_code == 1 and "already resolved" in again.output
    assert "no findings match" in cli("findings").output
    assert "waived" in cli("findings", "--status", "resolved").output

    out = cli("queue")
    assert "Unheard Of" in out.output and "assign" in out.output
    qid = re.search(r"│\s+(\d+)\s+│ Bluewater", out.output).group(1)  # type: ignore[union-attr]
    out = cli("assign", qid, "T1", "--by", "ana")
    assert out.exit_code == 0 and "matched to T1" in out.output
    assert "the review queue is empty" in cli("queue").output

    out = cli("payer", "Bluewater", "--tolerance", "25")
    assert "tolerance $0.25" in out.output and "cheque -> check_number" in out.output


def test_refusals_exit_non_zero_with_the_reason(union, cli, tmp_path) -> None:
    path = write_csv(tmp_path / "r.csv", paid_in_full())
    out = cli("load-remittances", str(path), "--payer", "N", "--map", "nonsense")
    assert out.exit_code == 1 and "expected 'Payer Header=our_column'" in out.output
    out = cli("run", "--as-of", "yesterday")
    assert out.exit_code == 1 and "not a date" in out.output
    assert cli("show", "42").exit_code == 1
    assert cli("payer", "Nobody").exit_code == 1
