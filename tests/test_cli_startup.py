"""The command line starts without the heavy libraries: only the command that needs one imports it."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from greenroom.cli import app

# Each costs a noticeable part of a second to import; none is needed to parse arguments or print help.
HEAVY = ("matplotlib", "fastapi", "uvicorn", "weasyprint", "pandas", "argon2")


# What the consent and review domains import (the registry's database, the analytics store, the clause model):
# their packages and --help must not, or every start pays for them again.
DOMAIN = ("sqlalchemy", "duckdb", "numpy")


def _heavy_loaded(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """Run code in a fresh interpreter and return the heavy top-level modules it left in sys.modules."""
    probe = (f"{code}\nimport json, sys\n"
             f"print(json.dumps(sorted({{m.partition('.')[0] for m in sys.modules}} & {set(heavy)!r})))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert _heavy_loaded("import greenroom.cli") == []


@pytest.mark.parametrize("args", [["--help"], ["residuals", "--help"], ["audit", "--help"], ["consent", "--help"],
                                  ["review", "--help"], ["accounts", "--help"], ["serve", "--help"]])
def test_help_loads_no_heavy_library(args: list[str]) -> None:
    code = ("from greenroom.cli import app\n"
            f"try:\n    app({args!r})\nexcept SystemExit as exc:\n    assert exc.code == 0, exc.code")
    assert _heavy_loaded(code) == []


def test_the_probe_sees_a_heavy_import() -> None:
    # Guards the test above against passing because the probe cannot see anything.
    assert _heavy_loaded("import greenroom.cli\nimport greenroom.audit.charts as c\nc._figure(1, 1)") == [
        "matplotlib"]


def test_consent_and_review_are_listed_and_answer_help() -> None:
    runner = CliRunner()
    top = runner.invoke(app, ["--help"], terminal_width=120)
    assert top.exit_code == 0, top.output
    assert "Digital-replica consents, notices, uses, findings and AI pay." in top.output
    assert "Review a contract: clause labels and union playbook flags." in top.output
    consent = runner.invoke(app, ["consent", "--help"], terminal_width=120)
    assert consent.exit_code == 0, consent.output
    assert "load-consents" in consent.output and "compensation" in consent.output
    review = runner.invoke(app, ["review", "--help"], terminal_width=120)
    assert review.exit_code == 0, review.output
    assert "train" in review.output and "eval" in review.output


@pytest.mark.parametrize("args", [["consent", "--help"], ["review", "--help"], ["consent", "compensation", "--help"],
                                  ["review", "file", "--help"]])
def test_consent_and_review_help_load_neither_domain(args: list[str]) -> None:
    code = ("from greenroom.cli import app\n"
            f"try:\n    app({args!r})\nexcept SystemExit as exc:\n    assert exc.code == 0, exc.code")
    assert _heavy_loaded(code, DOMAIN) == []


def test_the_packages_export_lazily() -> None:
    assert _heavy_loaded("import greenroom.consent, greenroom.review", DOMAIN) == []
    # Using an exported name does import its domain (and the probe sees it).
    assert "sqlalchemy" in _heavy_loaded("from greenroom.consent import record_consent", DOMAIN)
    assert "numpy" in _heavy_loaded("from greenroom.review import review_document", DOMAIN)


@pytest.mark.parametrize("package", ["greenroom.consent", "greenroom.review"])
def test_exported_names_are_the_submodules_objects(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        assert value.__module__.startswith(f"{package}."), name
        assert getattr(sys.modules[value.__module__], name) is value, name
    assert set(module.__all__) <= set(dir(module))
    assert set(module.__all__) == set(module._EXPORTS)  # the one list mypy reads and the one the hook uses


@pytest.mark.parametrize("package", ["greenroom.consent", "greenroom.review"])
def test_a_misspelt_export_raises_attribute_error(package: str) -> None:
    module = importlib.import_module(package)
    with pytest.raises(AttributeError, match="record_consnet"):
        module.record_consnet  # noqa: B018


def test_values_spelt_out_for_the_help_match_their_sources() -> None:
    from greenroom.audit import commands, matching, models

    assert commands.DEFAULT_THRESHOLD == matching.DEFAULT_THRESHOLD
    assert [s.value for s in commands.Status] == [models.OPEN, models.CLAIMED, models.RESOLVED, "all"]


def test_passwords_hash_and_verify_after_a_lazy_start() -> None:
    from greenroom.accounts import passwords

    stored = passwords.hash_password("correct horse battery")
    assert passwords.verify_password(stored, "correct horse battery")
    assert not passwords.verify_password(stored, "wrong horse battery")
    assert not passwords.verify_password(None, "correct horse battery")
    assert not passwords.needs_rehash(stored)
