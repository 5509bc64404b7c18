"""Every agreement case under tests/cases passes through the engine and the reference."""

from pathlib import Path

import pytest

from greenroom.residuals.cases import case_files, load_cases, run_case

CASES = Path(__file__).resolve().parents[1] / "cases"
ALL = [(path, case) for path in case_files([CASES]) for case in load_cases(path)]


@pytest.mark.parametrize("path, case", ALL, ids=[f"{p.stem}: {c['name']}" for p, c in ALL])
def test_case(path, case):
    result = run_case(case, str(path))
    assert result.passed, "\n".join(result.problems)


def test_there_are_enough_cases():
    assert len(ALL) >= 40, "the issue asks for at least 40 worked cases"
