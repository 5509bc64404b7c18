from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenroom.money import (
    apply_ppm,
    format_cents,
    mul_div_half_up,
    rate_to_ppm,
    round_half_up,
    split_largest_remainder,
)


@given(st.integers(0, 10**12), st.lists(st.integers(0, 75), min_size=1, max_size=40).filter(any))
def test_split_sums_to_the_pool_and_is_fair(total, weights):
    shares = split_largest_remainder(total, weights)
    assert sum(shares) == total
    weight_sum = sum(weights)
    for share, w in zip(shares, weights, strict=True):
        exact = Fraction(total * w, weight_sum)
        assert exact - 1 < share < exact + 1


@given(st.integers(0, 10**13), st.integers(0, 3 * 10**6))
def test_apply_ppm_matches_decimal_half_up(cents, ppm):
    oracle = (Decimal(cents) * Decimal(ppm) / Decimal(10**6)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert apply_ppm(cents, ppm) == int(oracle)


@given(st.integers(-10**12, 10**12), st.integers(0, 10**7), st.integers(1, 10**7))
def test_mul_div_half_up_is_symmetric_around_zero(a, b, d):
    assert mul_div_half_up(-a, b, d) == -mul_div_half_up(a, b, d)


def test_rounding_examples():
    assert round_half_up(Decimal("2.5")) == 3
    assert round_half_up(Decimal("-2.5")) == -3
    assert apply_ppm(279900, 175000) == 48983  # 48,982.5 rounds up
    assert format_cents(-123456) == "-$1,234.56"


def test_rate_to_ppm_refuses_inexact_rates():
    assert rate_to_ppm("0.036") == 36000
    with pytest.raises(ValueError):
        rate_to_ppm("0.0000001")


def test_split_refuses_zero_weights():
    with pytest.raises(ValueError):
        split_largest_remainder(100, [0, 0])
