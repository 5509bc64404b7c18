"""The server-drawn SVG charts: round gridlines, one bar per value, nothing from the data unescaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from greenroom.web.charts import bar_chart, nice_step, owed_paid_chart


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_nice_step_is_round_and_covers_the_peak_in_a_few_lines(peak: int) -> None:
    step = nice_step(peak)
    digits = str(step).rstrip("0")
    assert digits in ("1", "2", "25", "5")
    assert 1 <= -(-max(peak, 1) // step) <= 8


def test_owed_paid_chart_draws_both_series_and_a_legend() -> None:
    svg = owed_paid_chart([("2024-Q1", 10_000, 9_000), ("2024-Q2", 25_000, None), ("2024-Q3", 0, 0)])
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    bars = [r for r in root.iter() if r.tag.endswith("rect") and r.find("{*}title") is not None]
    assert len(bars) == 5  # three owed, two paid (the second quarter was not audited)
    assert "$250" in svg and "paid" in svg
    assert owed_paid_chart([]) == ""


def test_labels_are_escaped() -> None:
    svg = bar_chart([("<script>alert(1)</script>", 3), ("ok", 1)], "A & B")
    ET.fromstring(svg)
    assert "<script>" not in svg and "A &amp; B" in svg
    assert re.search(r">3<", svg)
