"""Where lines are kept: contexts stored once, amounts per line, and residual_lines a view over both."""

import dataclasses

import duckdb
import pytest

from greenroom.contracts.params import load_pack
from greenroom.residuals.engine import compute, ensure_output_tables
from greenroom.residuals.formulas import formula_by_id
from greenroom.residuals.formulas.base import FormulaSql
from greenroom.residuals.situation import load_situation, situation_inputs
from greenroom.residuals.store import AMOUNTS, CONTEXTS, LINES_DDL, VIEW_SQL, store_lines

TITLE = {"title_id": "T1", "name": "Harbor Lights", "kind": "network_series", "length_minutes": 30,
         "pp_date": "2016-08-01", "initial_release_date": "2016-10-01"}
CAST = [{"engagement_id": f"E{i}", "performer_id": f"P{i}", "title_id": "T1", "category": c, "days_worked": 1,
         "weeks_worked": 0 if c == "day" else 1, "tac_cents": 150000} for i, c in enumerate(
             ("series", "weekly", "day", "day", "background"), start=1)]
EXHIBITIONS = [
    {"exhibition_id": "X1", "title_id": "T1", "market": "basic_cable", "start_date": "2019-01-01",
     "end_date": "2019-03-31", "gross_receipts_cents": 10_000_001},
    {"exhibition_id": "X2", "title_id": "T1", "market": "syndication", "run_number": 2, "coverage_pct": 80,
     "start_date": "2019-02-01"},
]


def _engine_con() -> duckdb.DuckDBPyConnection:
    con = load_situation(situation_inputs([TITLE], CAST, EXHIBITIONS))
    compute(con, packs=[load_pack()])
    return con


def test_a_pool_is_stored_once_and_its_lines_read_back_whole() -> None:
    con = _engine_con()
    contexts = con.execute(f"SELECT formula_id, exhibition_id, params <> '' FROM {CONTEXTS} ORDER BY 2").fetchall()
    assert contexts == [("tv.basic_cable", "X1", True), ("tv.syndication_rerun", "X2", True)]
    lines = con.execute("SELECT exhibition_id, performer_id, gross_cents, pool_cents, note, params, line_id "
                        "FROM residual_lines ORDER BY exhibition_id, performer_id").fetchall()
    cable = [ln for ln in lines if ln[0] == "X1"]
    # 6% of $100,000.01 = $6,000.00 shared 3:2:1:1 by §18.2 units; the background performer has none
    assert [ln[1] for ln in cable] == ["P1", "P2", "P3", "P4"]
    assert sum(ln[2] for ln in cable) == cable[0][3] == 600_000
    assert {ln[4] for ln in cable} == {"plus P&H"} and all(ln[5] for ln in cable)
    ids = [ln[6] for ln in lines]
    assert len(set(ids)) == len(ids) == con.execute(f"SELECT count(*) FROM {AMOUNTS}").fetchone()[0]
    assert all(i.startswith("L") and i.endswith(f"-E{p[1:]}") for i, p in zip(ids, (ln[1] for ln in lines),
                                                                               strict=True))


def test_line_ids_survive_a_recompute_and_find_their_line() -> None:
    con = _engine_con()
    before = con.execute("SELECT line_id, amount_cents FROM residual_lines ORDER BY 1").fetchall()
    compute(con, packs=[load_pack()])
    assert con.execute("SELECT line_id, amount_cents FROM residual_lines ORDER BY 1").fetchall() == before
    one = before[0][0]
    assert con.execute("SELECT count(*) FROM residual_lines WHERE line_id = ?", [one]).fetchone() == (1,)


def test_a_formula_yielding_two_rows_for_one_exhibition_is_refused() -> None:
    cable = formula_by_id("tv.basic_cable")

    def doubled(ctx, f):  # type: ignore[no-untyped-def]
        part = cable.sql(ctx, f)
        assert isinstance(part, FormulaSql)
        return FormulaSql(f"SELECT * FROM ({part.rows}) UNION ALL SELECT * FROM ({part.rows})", part.lines)

    con = load_situation(situation_inputs([TITLE], CAST, EXHIBITIONS))
    with pytest.raises(ValueError, match="two rows for exhibition X1"):
        compute(con, packs=[load_pack()], formulas=[dataclasses.replace(cable, sql=doubled)])
    # The failed run left nothing half-stored.
    assert con.execute(f"SELECT count(*) FROM {CONTEXTS}").fetchone() == (0,)


def test_lines_given_whole_keep_their_ids_and_missing_columns_are_null() -> None:
    con = duckdb.connect()
    ensure_output_tables(con)
    assert store_lines(con, "SELECT 'L-mine' AS line_id, 'P9' AS performer_id, 250 AS amount_cents") == 1
    assert con.execute("SELECT line_id, performer_id, amount_cents, ph_cents, params FROM residual_lines"
                       ).fetchall() == [("L-mine", "P9", 250, None, None)]


def test_a_store_from_before_the_split_moves_its_lines_across_unchanged() -> None:
    con = duckdb.connect()
    con.execute(LINES_DDL)
    con.execute("""INSERT INTO residual_lines (line_id, run_id, performer_id, title_id, market, amount_cents,
        ph_cents, note, params, unverified) VALUES ('L0123456789abcdef', 3, 'P1', 'T1', 'syndication', 1234, 216,
        'paid as run 3', 'reruns.syndication_rate@2014-07-01#3', true)""")
    before = con.execute("SELECT * FROM residual_lines").fetchall()
    ensure_output_tables(con)
    assert con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = 'residual_lines'"
                       ).fetchone() == ("VIEW",)
    assert con.execute("SELECT * FROM residual_lines").fetchall() == before
    ensure_output_tables(con)  # idempotent
    assert con.execute("SELECT count(*) FROM residual_lines").fetchone() == (1,)


def test_every_line_column_belongs_to_the_row_or_to_the_performer() -> None:
    from greenroom.residuals.formulas.base import LINE_DEFAULTS, PERFORMER_COLUMNS, ROW_COLUMNS

    assert set(ROW_COLUMNS) | set(PERFORMER_COLUMNS) == set(LINE_DEFAULTS)
    assert not set(ROW_COLUMNS) & set(PERFORMER_COLUMNS)


def test_a_retained_run_is_moved_aside_whole_by_the_next_run_and_cannot_change() -> None:
    from greenroom.residuals.store import FrozenRunError, retain_run

    con = _engine_con()
    run = con.execute("SELECT max(run_id) FROM residual_lines").fetchone()[0]
    before = con.execute("SELECT * FROM residual_lines ORDER BY line_id").fetchall()
    view = retain_run(con, run)
    with pytest.raises(FrozenRunError, match=f"lines of run {run} were posted"):
        store_lines(con, f"SELECT 'L-late' AS line_id, {run} AS run_id, 5 AS amount_cents")
    compute(con, packs=[load_pack()])
    compute(con, packs=[load_pack()])  # a run nobody retained is replaced, not kept
    assert con.execute(f"SELECT * FROM {view} ORDER BY line_id").fetchall() == before
    now = con.execute("SELECT DISTINCT run_id FROM residual_lines").fetchall()
    assert now == [(run + 2,)]
    assert con.execute(f"SELECT count(*) FROM {AMOUNTS}").fetchone()[0] == len(before)
    assert retain_run(con, run) == view  # retaining again changes nothing
    assert con.execute(f"SELECT count(*) FROM {view}").fetchone()[0] == len(before)


def test_lines_are_parquet_files_beside_the_database_and_follow_it_when_moved(tmp_path) -> None:
    import shutil

    from greenroom.residuals.store import current_files, lines_root

    first = tmp_path / "a" / "analytics.duckdb"
    first.parent.mkdir()
    con = duckdb.connect(str(first))
    ensure_output_tables(con)
    store_lines(con, "SELECT 'L1' AS line_id, 1 AS run_id, 'P1' AS performer_id, 250 AS amount_cents")
    files = current_files(con, "amounts")
    assert files and all(f.is_file() and f.is_relative_to(lines_root(con)) for f in files)
    assert lines_root(con) == tmp_path / "a" / "analytics.duckdb.lines"
    con.close()
    shutil.move(tmp_path / "a", tmp_path / "b")
    con = duckdb.connect(str(tmp_path / "b" / "analytics.duckdb"))
    ensure_output_tables(con)
    assert con.execute("SELECT line_id, amount_cents FROM residual_lines").fetchall() == [("L1", 250)]


def test_a_replaced_run_leaves_no_files_and_a_failed_run_none_either(tmp_path) -> None:
    from greenroom.residuals.store import lines_root

    con = load_situation(situation_inputs([TITLE], CAST, EXHIBITIONS))
    compute(con, packs=[load_pack()])
    root = lines_root(con)
    compute(con, packs=[load_pack()])
    assert len(list(root.glob("set-*"))) == 1  # the replaced run's files went after the commit
    before = con.execute("SELECT * FROM residual_lines ORDER BY line_id").fetchall()
    cable = formula_by_id("tv.basic_cable")

    def broken(ctx, f):  # type: ignore[no-untyped-def]
        part = cable.sql(ctx, f)
        assert isinstance(part, FormulaSql)
        return FormulaSql(part.rows, "SELECT * FROM no_such_table")

    with pytest.raises(duckdb.Error):
        compute(con, packs=[load_pack()], formulas=[dataclasses.replace(cable, sql=broken)])
    assert len(list(root.glob("set-*"))) == 1
    assert con.execute("SELECT * FROM residual_lines ORDER BY line_id").fetchall() == before


def test_a_store_of_duckdb_tables_moves_its_lines_into_files_unchanged() -> None:
    from greenroom.residuals.store import AMOUNT_SPEC, CONTEXT_SPEC, current_files

    con = duckdb.connect()
    con.execute(f"CREATE TABLE {CONTEXTS} ({', '.join(f'{n} {t}' for n, t in CONTEXT_SPEC)})")
    con.execute(f"CREATE TABLE {AMOUNTS} ({', '.join(f'{n} {t}' for n, t in AMOUNT_SPEC if n != 'unpriced')})")
    con.execute(f"""INSERT INTO {CONTEXTS} (context_no, line_key, run_id, formula_id, exhibition_id, component, params)
        VALUES (0, 3735928559, 4, 'tv.basic_cable', 'X1', 'pool', 'cable.rate@2014-07-01')""")
    con.execute(f"""INSERT INTO {AMOUNTS} (context_no, performer_id, engagement_id, amount_cents, ph_cents)
        VALUES (0, 'P1', 'E1', 600, 105)""")
    con.execute(VIEW_SQL)
    before = con.execute("SELECT * FROM residual_lines").fetchall()
    ensure_output_tables(con)
    assert con.execute("SELECT * FROM residual_lines").fetchall() == before
    assert before[0][0] == "L00000000deadbeef-E1"
    assert con.execute(f"SELECT table_type FROM information_schema.tables WHERE table_name = '{AMOUNTS}'"
                       ).fetchone() == ("VIEW",)
    assert len(current_files(con, "amounts")) == 1


def test_read_only_commands_find_the_lines_of_a_moved_data_directory(tmp_path) -> None:
    import shutil

    from typer.testing import CliRunner

    from greenroom.cli import app

    first = tmp_path / "before"
    first.mkdir()
    con = duckdb.connect(str(first / "analytics.duckdb"))
    ensure_output_tables(con)
    store_lines(con, "SELECT 'L-moved' AS line_id, 1 AS run_id, 'P1' AS performer_id, 'T1' AS title_id, "
                     "'syndication' AS market, 250 AS amount_cents, 44 AS ph_cents")
    con.close()
    shutil.move(first, tmp_path / "after")
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "after"), "residuals", "lines"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "L-moved" in result.output
