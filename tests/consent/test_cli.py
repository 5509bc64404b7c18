"""The `greenroom consent` commands."""

from __future__ import annotations

from typer.testing import CliRunner

from greenroom.cli import app

runner = CliRunner()


def run(settings, *args):
    return runner.invoke(app, ["--data-dir", str(settings.data_dir), "consent", *args])


def test_record_ask_verify_and_findings(settings, tmp_path):
    assert run(settings, "performer", "P1", "--name", "Ada").exit_code == 0
    r = run(settings, "replica", "P1", "employment_based", "sag-aftra-tv-theatrical", "Studio",
            "--origin-project", "FILM", "--replica-id", "R1")
    assert r.exit_code == 0, r.output
    r = run(settings, "consent", "P1", "R1", "Studio", "--project", "FILM", "--description", "scene 4 double",
            "--signed-on", "2025-08-01", "--consent-id", "C1")
    assert r.exit_code == 0, r.output
    bad = run(settings, "consent", "P1", "R1", "Studio", "--project", "FILM", "--description", "",
              "--signed-on", "2025-08-01")
    assert bad.exit_code == 1 and "description of use" in bad.output
    assert run(settings, "may", "Studio", "P1", "FILM", "--on", "2025-08-03").exit_code == 0
    no = run(settings, "may", "Studio", "P1", "SEQUEL", "--on", "2025-08-03")
    assert no.exit_code == 1 and "SEQUEL" in no.output
    (tmp_path / "u.csv").write_text("performer_id,replica_id,producer,project,start_date,days\n"
                                    "P1,R1,Studio,SEQUEL,2025-08-03,1\n")
    assert run(settings, "load-uses", str(tmp_path / "u.csv")).exit_code == 0
    out = run(settings, "findings", "--json")
    assert out.exit_code == 0 and "use_without_consent" in out.output
    assert "other_project" in run(settings, "covers", "C1").output or "SEQUEL" in run(settings, "covers", "C1").output
    assert run(settings, "revoke", "C9", "--on", "2025-08-01").exit_code == 1
    hist = run(settings, "history", "C1")
    assert hist.exit_code == 0 and "consent" in hist.output
    assert "replica" in run(settings, "history", "P1", "--performer").output
    assert run(settings, "history", "NOPE").exit_code == 1
    v = run(settings, "verify")
    assert v.exit_code == 0 and "log verified" in v.output
    comp = run(settings, "compensation", "--post")
    assert comp.exit_code == 0 and "ai_compensation_lines" in comp.output
    from greenroom.consent import api

    line = api.compute_compensation(settings).lines[0]
    shown = run(settings, "explain", line.line_id)
    assert shown.exit_code == 0 and "minimums.day_performer@" in shown.output and "unverified" in shown.output
    assert run(settings, "explain", "AI-NOPE").exit_code == 1
    assert run(settings, "member", "P1", "--export", str(tmp_path / "m.json")).exit_code == 0
    assert (tmp_path / "m.json").read_text().startswith("{")


def test_demo_command(settings):
    r = run(settings, "demo", "--seed", "3")
    assert r.exit_code == 0, r.output
    assert "log verified" in r.output and "planted" in r.output
    assert "reports withdrawn by staff" in r.output and "cannot be worked out" in r.output
    again = run(settings, "demo", "--seed", "3")
    assert again.exit_code == 1 and "already" in again.output


def test_cases_command(settings, tmp_path):
    from pathlib import Path

    cases = Path(__file__).resolve().parents[1] / "cases"
    ok = run(settings, "cases", str(cases))
    assert ok.exit_code == 0 and "PASS" in ok.output and "FAIL" not in ok.output
    (tmp_path / "ai_wrong.yaml").write_text(
        "- name: wrong\n  ai_compensation:\n    replica: {kind: independently_created}\n"
        "    use: {project: F, start_date: 2025-08-01, agreed_cents: 100}\n  owed: {amount_cents: 101}\n")
    bad = run(settings, "cases", str(tmp_path))
    assert bad.exit_code == 1 and "FAIL" in bad.output and "expected 101" in bad.output
