"""CUAD scoring as evaluate.py defines it: Jaccard matching, the threshold sweep, monotone precision."""

from __future__ import annotations

import pytest

from greenroom.review.scoring import THRESHOLDS, is_match, jaccard, score


def test_jaccard_normalises_like_evaluate_py() -> None:
    assert jaccard("The Laws of Delaware.", "the laws of delaware") == 1.0
    assert jaccard("a/b c", "a b c") == 1.0
    assert jaccard("one two three four", "one two") == 0.5
    assert jaccard("one two three four five", "one two") == pytest.approx(0.4)


def test_parties_substring_rule() -> None:
    assert not is_match("Acme", "Acme Widgets Inc. and Beta Retail LLC", substr_ok=False)
    assert is_match("Acme", "Acme Widgets Inc. and Beta Retail LLC", substr_ok=True)


def test_thresholds_are_evaluate_py_sweep() -> None:
    assert len(THRESHOLDS) == 101 and THRESHOLDS[0] == pytest.approx(0.99) and THRESHOLDS[-2:] == [0.001, 0.0]


def test_perfect_confident_predictions() -> None:
    gold = {"c__Governing Law": ["governed by the laws of Texas"], "c__Exclusivity": []}
    preds = {"c__Governing Law": [("governed by the laws of Texas", 0.995)], "c__Exclusivity": []}
    s = score(gold, preds)
    assert s.aupr == pytest.approx(1.0) and s.p_at_80 == 1.0 and s.p_at_90 == 1.0 and s.n_gold == 1


def test_hand_computed_curve() -> None:
    # Two gold spans. A wrong prediction at 0.9, the first gold at 0.6, the second gold at 0.3, and an
    # extra prediction on a question without answers at 0.2.
    gold = {"a__X": ["alpha beta gamma"], "b__X": ["delta epsilon"], "c__X": []}
    preds = {
        "a__X": [("zeta eta theta", 0.9), ("alpha beta gamma", 0.6)],
        "b__X": [("delta epsilon", 0.3)],
        "c__X": [("iota", 0.2)],
    }
    s = score(gold, preds)
    # Above 0.6: P=0/1, R=0; 0.3-0.6: P=1/2, R=.5; 0.2-0.3: P=2/3, R=1; below 0.2: P=2/4, R=1.
    # Monotone precision (best precision at any higher recall) makes every point from R=0 on 2/3; the leading
    # (R=0, P=1) point adds no area, so the area is 2/3 over recall 0..1.
    assert s.p_at_80 == pytest.approx(2 / 3)
    assert s.p_at_90 == pytest.approx(2 / 3)
    assert s.aupr == pytest.approx(2 / 3)


def test_recall_never_reached_gives_zero_precision_at_recall() -> None:
    gold = {"a__X": ["alpha beta"], "b__X": ["gamma delta"]}
    preds = {"a__X": [("alpha beta", 0.8)], "b__X": [("something else", 0.7)]}
    s = score(gold, preds)
    assert s.p_at_80 == 0.0 and s.p_at_90 == 0.0


def test_empty_prediction_text_is_ignored_and_category_filter() -> None:
    gold = {"a__X": ["alpha"], "a__Y": ["beta"]}
    preds = {"a__X": [("", 0.99), ("alpha", 0.5)], "a__Y": [("nothing", 0.9)]}
    x = score(gold, preds, category="X")
    assert x.p_at_90 == 1.0 and x.n_gold == 1
    y = score(gold, preds, category="Y")
    assert y.aupr == 0.0 and y.p_at_80 == 0.0


def test_duplicate_prediction_texts_count_once_with_the_last_probability() -> None:
    gold = {"a__X": ["alpha"]}
    once = score(gold, {"a__X": [("wrong", 0.9), ("alpha", 0.5)]})
    twice = score(gold, {"a__X": [("wrong", 0.2), ("alpha", 0.5), ("wrong", 0.9)]})
    assert once == twice
