import datetime as dt
import textwrap

import pytest

from greenroom.contracts.params import PackError, load_pack, load_pack_from


def write(tmp_path, text):
    (tmp_path / "p.yaml").write_text(textwrap.dedent(text))
    return tmp_path


def test_value_in_force_by_date_and_citation():
    pack = load_pack()
    assert pack.value("minimums.day_performer", dt.date(2016, 6, 30)) == 88000
    assert pack.value("minimums.day_performer", dt.date(2016, 7, 1)) == 93300
    assert pack.value("minimums.day_performer", dt.date(2014, 6, 30)) is None
    dated = pack.dated("minimums.day_performer", dt.date(2016, 7, 1))
    assert dated is not None and "2016" in dated.reference and dated.verified


def test_every_shipped_value_is_cited_and_unpublished_ones_are_unverified():
    pack = load_pack()
    ids = {p.id for p in pack}
    # every topic of the reference §a1-§a13 is present, not just a handful of files
    for prefix in ("minimums.", "ph.", "reruns.", "foreign.", "basic_cable.", "theatrical.", "supplemental.",
                   "pay_tv.", "new_media.", "hbsvod.", "bonus.", "interest."):
        assert any(i.startswith(prefix) for i in ids), prefix
    for param in pack:
        for v in param.values:
            assert v.reference.strip(), f"{param.id} {v.start} lacks a citation"
            if all(t in ("S", "D") for t in v.source.replace("+", ",").split(",")):
                assert not v.verified


def test_unpublished_value_marked_verified_is_refused(tmp_path):
    folder = write(tmp_path, """
        x.rate:
          unit: rate
          values:
            - {from: 2020-01-01, value: "0.05", source: D, reference: "derived"}
    """)
    with pytest.raises(PackError, match="unverified"):
        load_pack_from(folder, "t")


@pytest.mark.parametrize("body, message", [
    ("x.a: {unit: furlongs, values: []}", "unit"),
    ("x.a: {unit: cents, values: [{from: 2020-01-01, value: 1, source: P}]}", "reference"),
    ("x.a: {unit: cents, values: [{from: 2021-01-01, value: 1, source: P, reference: r},"
     " {from: 2020-01-01, value: 2, source: P, reference: r}]}", "date order"),
    ("x.a: {unit: rate, values: [{from: 2020-01-01, value: '0.0000001', source: P, reference: r}]}", "rate"),
    ("x.a: {unit: cents, values: [{from: 2020-01-01, value: 1, source: Q, reference: r}]}", "source"),
])
def test_malformed_parameters_name_the_problem(tmp_path, body, message):
    folder = write(tmp_path, body)
    with pytest.raises(PackError, match=message):
        load_pack_from(folder, "t")


def test_table_parameters_pick_by_key(tmp_path):
    folder = write(tmp_path, """
        x.ceiling:
          unit: cents
          key: length_minutes
          match: upto
          values:
            - {from: 2020-01-01, value: {30: 100, 60: 200}, source: P, reference: r}
    """)
    pack = load_pack_from(folder, "t")
    assert pack.value("x.ceiling", dt.date(2021, 1, 1), 30) == 100
    assert pack.value("x.ceiling", dt.date(2021, 1, 1), 31) == 200
    assert pack.value("x.ceiling", dt.date(2021, 1, 1), 61) is None


def test_overrides_add_dated_values_without_touching_history():
    pack = load_pack()
    base = pack["minimums.day_performer"].values[-1]
    from dataclasses import replace
    new = replace(base, start=dt.date(2031, 1, 1), value=999999)
    patched = pack.with_overrides({"minimums.day_performer": [new]})
    assert patched.value("minimums.day_performer", dt.date(2031, 6, 1)) == 999999
    assert pack.value("minimums.day_performer", dt.date(2031, 6, 1)) == base.value
