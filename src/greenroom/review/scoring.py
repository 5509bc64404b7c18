"""CUAD's scoring, as TheAtticusProject/cuad evaluate.py computes it (contract-review.md §2.1).

Predictions are n-best lists of (text, probability) per question id `<title>__<Category>`; a prediction
counts at threshold t when its probability is above t. A gold span is matched by a prediction with word
Jaccard >= 0.5 (or, for Parties, by being a substring of it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

IOU_THRESH = 0.5
# The same floats as evaluate.py: np.arange(0.99, 0, -0.01), then 0.001 and 0.
THRESHOLDS: list[float] = [float(x) for x in np.arange(0.99, 0, -0.01)] + [0.001, 0.0]


def _words(text: str) -> frozenset[str]:
    """The word set evaluate.py compares: '.,;:' removed, lower-cased, '/' as a space."""
    for token in (".", ",", ";", ":"):
        text = text.replace(token, "")
    return frozenset(text.lower().replace("/", " ").split())


def jaccard(gold: str, pred: str) -> float:
    """Word-set Jaccard similarity of two strings, as evaluate.py's get_jaccard."""
    g, p = _words(gold), _words(pred)
    union = g | p
    return len(g & p) / len(union) if union else 0.0


def is_match(gold: str, pred: str, substr_ok: bool) -> bool:
    """Whether a prediction matches a gold span under CUAD's rule."""
    return jaccard(gold, pred) >= IOU_THRESH or (substr_ok and gold in pred)


@dataclass(frozen=True)
class Scores:
    """AUPR and precision at 80% / 90% recall (fractions, not percent), plus the gold count."""

    aupr: float
    p_at_80: float
    p_at_90: float
    n_gold: int


def score(
    gold: Mapping[str, Sequence[str]],
    nbest: Mapping[str, Sequence[tuple[str, float]]],
    category: str | None = None,
) -> Scores:
    """Score n-best predictions against gold answers exactly as evaluate.py (threshold sweep, monotone precision)."""
    # Precompute, per question, which predictions match which answers; the sweep then only compares probabilities.
    prepared = []
    n_gold = 0
    for key, answers in gold.items():
        if category and category not in key:
            continue
        substr_ok = "Parties" in key
        dedup: dict[str, float] = {}
        for text, prob in nbest.get(key, ()):
            if text != "":
                dedup[text] = prob  # evaluate.py keeps the last probability seen for a repeated text
        preds = list(dedup.items())
        gold_words = [_words(a) for a in answers]
        pred_words = [_words(t) for t, _ in preds]
        match = [
            [_jac(gw, pw) >= IOU_THRESH or (substr_ok and a in t) for (t, _), pw in zip(preds, pred_words, strict=True)]
            for a, gw in zip(answers, gold_words, strict=True)
        ]
        n_gold += len(answers)
        prepared.append((answers, preds, match))
    # A gold span is found at threshold t when its best-scoring matching prediction is above t; a prediction
    # that matches no gold span is a false positive whenever it is above t. This is evaluate.py's counting,
    # computed once per question instead of once per threshold.
    gold_best: list[float] = []
    false_probs: list[float] = []
    for _answers, preds, match in prepared:
        for row in match:
            gold_best.append(max((p for (_, p), m in zip(preds, row, strict=True) if m), default=-math.inf))
        for j, (_, p) in enumerate(preds):
            if not any(row[j] for row in match):
                false_probs.append(p)
    best = np.sort(np.asarray(gold_best, dtype=np.float64))
    false = np.sort(np.asarray(false_probs, dtype=np.float64))
    precisions: list[float] = [1.0]
    recalls: list[float] = [0.0]
    for conf in THRESHOLDS:
        tp = int(len(best) - np.searchsorted(best, conf, side="right"))
        fp = int(len(false) - np.searchsorted(false, conf, side="right"))
        fn = n_gold - tp
        precisions.append(tp / (tp + fp) if tp + fp else math.nan)
        recalls.append(tp / (tp + fn) if tp + fn else math.nan)
    return Scores(_aupr(precisions, recalls), _p_at(precisions, recalls, 0.8), _p_at(precisions, recalls, 0.9), n_gold)


def _jac(g: frozenset[str], p: frozenset[str]) -> float:
    union = g | p
    return len(g & p) / len(union) if union else 0.0


def _monotone(precisions: list[float]) -> list[float]:
    """evaluate.py's process_precisions: each precision becomes the best at any higher recall (NaN-propagating)."""
    best = precisions[::-1]
    for i in range(1, len(best)):
        best[i] = max(best[i - 1], best[i])  # Python max with NaN behaves as evaluate.py's does
    return best[::-1]


def _p_at(precisions: list[float], recalls: list[float], target: float) -> float:
    """Precision at the first threshold whose recall reaches the target; 0 if it is never reached.

    Like evaluate.py, which zips the curve with the 101 thresholds, the last point (threshold 0) is not looked at.
    """
    for prec, rec in zip(_monotone(precisions)[: len(THRESHOLDS)], recalls[: len(THRESHOLDS)], strict=True):
        if rec >= target:
            return prec
    return 0.0


def _aupr(precisions: list[float], recalls: list[float]) -> float:
    """Area under the monotone precision-recall curve (sklearn.metrics.auc); 0 when undefined."""
    from sklearn.metrics import auc

    try:
        value = float(auc(recalls, _monotone(precisions)))
    except ValueError:
        return 0.0
    return 0.0 if math.isnan(value) else value
