"""The demo-data and netflix commands."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from greenroom.cli import app

from .test_netflix import ENGAGEMENT, TOP10

runner = CliRunner()


def test_demo_data_writes_to_the_data_dir(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "demo-data", "--scale", "tiny",
                                 "--bad-fraction", "0.02"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "demo-files"
    assert pq.read_metadata(out / "exhibitions.parquet").num_rows == 400
    assert (out / "titles.parquet").is_file() and (out / "engagements.parquet").is_file()
    assert "Deliberately bad" in result.output


def test_demo_data_csv_to_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "files"
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "demo-data", "--scale", "500", "--format", "csv",
                                 "--out", str(out), "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert len((out / "exhibitions.csv").read_text().splitlines()) == 501


def test_demo_data_rejects_an_unknown_scale(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "demo-data", "--scale", "gigantic"])
    assert result.exit_code == 1


def test_netflix_load_without_data_exits_cleanly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "netflix", "load", "--source",
                                 str(tmp_path / "nowhere")])
    assert result.exit_code == 0
    assert "nothing to load" in " ".join(result.output.split())


def test_netflix_load_writes_usage(tmp_path: Path) -> None:
    source = tmp_path / "netflix"
    (source / "engagement").mkdir(parents=True)
    (source / "top10").mkdir()
    (source / "engagement" / "netflix_engagement_x.csv").write_bytes(ENGAGEMENT.encode())
    (source / "top10" / "all-weeks-global.tsv").write_text(TOP10, encoding="utf-8")
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "data"), "netflix", "load", "--source", str(source)])
    assert result.exit_code == 0, result.output
    usage = pq.read_table(tmp_path / "data" / "netflix" / "usage.parquet")
    assert usage.num_rows == 5
    assert "missing_runtime" in result.output
