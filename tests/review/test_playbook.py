"""The union playbook: every rule cites the union's reference material, and each sample contract gets the
statuses its language calls for."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenroom.review.playbook import PlaybookError, load_playbook
from greenroom.review.review import review_document


def _statuses(path: Path) -> dict[str, str]:
    return {f.rule_id: f.status for f in review_document(path).findings}


def test_shipped_playbook_loads_and_cites_only_reference_sections() -> None:
    book = load_playbook()
    assert len(book.rules) >= 15
    for rule in book.rules:
        assert rule.cites and all(c.startswith(("contract-review.md §", "residuals-rules.md a")) for c in rule.cites)
        assert rule.standard
        if rule.kind != "review":
            assert rule.suggested, rule.id
    expected = {
        "digital_replica",
        "ai_training",
        "synthetic_performer",
        "digital_alteration",
        "residuals",
        "exclusivity_holds",
        "options_term",
        "work_for_hire_perpetual",
        "name_likeness",
        "morals_clause",
        "pension_health",
    }
    assert expected <= set(book.categories)


def test_blanket_replica_consent_is_flagged(fixtures: Path) -> None:
    s = _statuses(fixtures / "blanket_replica.txt")
    for rule in (
        "replica-consent-separate",
        "replica-specific-use",
        "replica-no-blanket-consent",
        "replica-no-perpetual-rights",
        "replica-use-compensation",
        "replica-creation-notice",
        "ai-training-consent",
    ):
        assert s[rule] == "DEVIATION", rule


def test_compliant_contract_matches_the_standards(fixtures: Path) -> None:
    s = _statuses(fixtures / "compliant.txt")
    for rule in (
        "replica-consent-separate",
        "replica-specific-use",
        "replica-no-blanket-consent",
        "replica-creation-notice",
        "replica-use-compensation",
        "replica-no-perpetual-rights",
        "replica-post-mortem",
        "replica-transfer-and-strike",
        "replica-ca-927",
        "ai-training-consent",
        "no-residuals-waiver",
        "pension-health",
    ):
        assert s[rule] == "MATCH", rule
    assert not any(v in ("DEVIATION", "MISSING") for v in s.values())


def test_residuals_waiver_and_guild_exclusion_are_flagged(fixtures: Path) -> None:
    report = review_document(fixtures / "residuals_waiver.txt")
    s = {f.rule_id: f for f in report.findings}
    assert s["no-residuals-waiver"].status == "DEVIATION"
    assert any("waives any and all residuals" in e.text for e in s["no-residuals-waiver"].evidence)
    assert s["pension-health"].status == "DEVIATION"
    assert s["ai-training-consent"].status == "MISSING"  # silence on AI training is flagged (§7.6 check 6)
    assert s["exclusivity-holds-review"].status == "UNCLEAR"
    assert s["morals-clause-review"].status == "UNCLEAR"
    # No replica language at all: the replica rules do not apply rather than passing.
    assert "replica-consent-separate" in {r["rule_id"] for r in report.not_applicable}


def test_broad_likeness_grant_without_replica_clause(fixtures: Path) -> None:
    s = _statuses(fixtures / "likeness_grant.txt")
    assert s["likeness-grant-without-replica-carveout"] == "DEVIATION"
    assert s["options-term-review"] == "UNCLEAR"


def test_findings_carry_evidence_standard_and_language(fixtures: Path) -> None:
    report = review_document(fixtures / "blanket_replica.txt")
    text = report.text
    for f in report.findings:
        assert f.severity in ("high", "medium", "low", "info")
        assert f.standard and f.cites
        for e in f.evidence:
            assert text[e.start : e.end] == e.text and e.page == 1
        if f.status == "DEVIATION":
            assert f.evidence and f.suggested_language


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ("cites: [contract-review.md §5]", "cites: [my own idea]"),
        ("category: ai_training", "category: nonsense"),
        ("severity: high", "severity: catastrophic"),
    ],
)
def test_invalid_playbooks_are_refused(tmp_path: Path, patch: str, message: str) -> None:
    src = load_playbook().path.read_text(encoding="utf-8")
    assert patch in src
    bad = tmp_path / "bad.yaml"
    bad.write_text(src.replace(patch, message, 1), encoding="utf-8")
    with pytest.raises(PlaybookError, match="bad.yaml: rule"):
        load_playbook(bad)


def test_bad_regular_expression_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "categories:\n  x:\n    label: X\n    patterns: ['(unclosed']\nrules: []\n",
        encoding="utf-8",
    )
    with pytest.raises(PlaybookError, match=r"categories.x.patterns: bad regular expression"):
        load_playbook(bad)


def test_short_notice_transfer_post_mortem_synthetic_and_alteration(fixtures: Path) -> None:
    s = _statuses(fixtures / "synthetic_alteration.txt")
    assert s["replica-creation-notice"] == "DEVIATION"  # 24 hours, not 48
    assert s["replica-transfer-and-strike"] == "DEVIATION"  # freely assignable replica
    assert s["replica-post-mortem"] == "DEVIATION"  # use after death, no estate consent
    assert s["synthetic-performer-notice"] == "DEVIATION"  # no notice to the union
    assert s["digital-alteration-consent"] == "DEVIATION"  # any alteration without approval
    assert s["replica-consent-separate"] == "DEVIATION"  # no consent language at all
