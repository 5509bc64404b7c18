"""The command line end to end on a tiny union: load, compute, explain, and the refusals."""

from pathlib import Path

import duckdb
from typer.testing import CliRunner

from greenroom.cli import app
from greenroom.demo.generate import generate

runner = CliRunner()


def invoke(data_dir: Path, *args: str):
    return runner.invoke(app, ["--data-dir", str(data_dir), *args])


def test_load_compute_explain_and_summary(tmp_path):
    files = generate(tmp_path / "files", "tiny", 5)
    data = tmp_path / "data"
    loaded = invoke(data, "ingest", "load", str(files.titles), str(files.engagements), str(files.exhibitions))
    assert loaded.exit_code == 0, loaded.output
    computed = invoke(data, "residuals", "compute")
    assert computed.exit_code == 0, computed.output
    assert "priced" in computed.output and "Residuals by market" in computed.output
    listed = invoke(data, "residuals", "lines", "--limit", "3")
    assert listed.exit_code == 0, listed.output
    with duckdb.connect(str(data / "analytics.duckdb"), read_only=True) as con:
        line_id = con.execute("SELECT line_id FROM residual_lines WHERE amount_cents > 0 LIMIT 1").fetchone()[0]
        listed_ids = con.execute("SELECT line_id FROM residual_lines ORDER BY period_start, line_id LIMIT 3").fetchall()
    assert all(i in listed.output for (i,) in listed_ids)  # whole, to copy into `explain`
    explained = invoke(data, "residuals", "explain", line_id)
    assert explained.exit_code == 0, explained.output
    assert "Rule:" in explained.output and "Values used" in explained.output


def test_explaining_an_unknown_line_fails_clearly(tmp_path):
    invoke(tmp_path, "residuals", "compute")
    result = invoke(tmp_path, "residuals", "explain", "Lnope")
    assert result.exit_code == 1 and "no residual line" in result.output


def test_contracts_show_value_citation_and_refusals(tmp_path):
    shown = invoke(tmp_path, "contracts", "show", "minimums.day_performer", "--on", "2016-07-01")
    assert shown.exit_code == 0 and "$933.00" in shown.output and "2016" in shown.output
    unknown = invoke(tmp_path, "contracts", "show", "minimums.nope")
    assert unknown.exit_code == 1 and "unknown parameter" in unknown.output
    early = invoke(tmp_path, "contracts", "show", "minimums.day_performer", "--on", "2001-01-01")
    assert early.exit_code == 1 and "no value in force" in early.output


def test_cases_run_exits_non_zero_on_a_failing_case(tmp_path):
    case = tmp_path / "bad.yaml"
    case.write_text("""
- name: deliberately wrong expectation
  interest: {unpaid_cents: 100000, due_date: 2024-03-31, paid_date: 2024-04-01}
  expected: {months_late: 1, interest_cents: 999}
""")
    result = invoke(tmp_path, "cases", "run", str(case))
    assert result.exit_code == 1
    assert "FAIL" in result.output and "interest_cents expected 999, got 1000" in result.output
    good = invoke(tmp_path, "cases", "run", str(Path(__file__).parent / "cases" / "interest.yaml"))
    assert good.exit_code == 0 and "4 passed, 0 failed" in good.output
