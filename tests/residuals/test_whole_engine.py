"""Every formula together, on whole generated unions: the SQL engine equals the reference to the cent,
and every exhibition is priced or excepted."""

import pyarrow.parquet as pq
import pytest

from greenroom.demo.generate import generate
from greenroom.residuals.situation import situation_inputs
from tests.residuals.engine_check import assert_engine_matches_reference


def _rows(path):
    return [{k: v for k, v in row.items() if k != "load_id"} for row in pq.read_table(path).to_pylist()]


@pytest.mark.parametrize("seed", [3, 11])
def test_generated_union_engine_equals_reference(tmp_path, seed):
    files = generate(tmp_path, "tiny", seed)
    inputs = situation_inputs(_rows(files.titles), _rows(files.engagements), _rows(files.exhibitions))
    lines = assert_engine_matches_reference(inputs)
    markets = {ln["market"] for ln in lines}
    assert len(markets) >= 8, markets
    assert sum(ln["amount_cents"] for ln in lines) > 0
