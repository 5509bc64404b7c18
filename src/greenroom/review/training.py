"""Training and cross-validating the clause model on a CUAD-layout folder.

Every candidate span of a training contract is labelled positive for a category when it would count as a
match for one of that category's gold spans under CUAD's own rule (Jaccard >= 0.5; substring for Parties),
so the classifiers learn exactly what the evaluation rewards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from greenroom.review.cuad import CUAD_ATTRIBUTION, CuadContract, data_hash
from greenroom.review.features import candidate_features, fit_vocabulary, vectorize
from greenroom.review.model import ClauseModel
from greenroom.review.scoring import IOU_THRESH, Scores, _words, score
from greenroom.review.segment import Segmentation, segment

# top_k: spans per question in the n-best lists that are scored; Parties gets CUAD's n_best_size of 20 because
# its sentence-level predictions match many short gold names and crowd the pooled curve (chosen on CV fold 1).
DEFAULT_PARAMS: dict[str, float | int] = {
    "C": 4.0,
    "min_df": 3,
    "max_features": 60000,
    "top_k": 40,
    "top_k_parties": 20,
}


@dataclass
class Prepared:
    """A contract segmented, featurised and labelled."""

    contract: CuadContract
    seg: Segmentation
    features: list[list[str]]
    labels: np.ndarray  # (n_candidates, n_categories) bool


def prepare(contract: CuadContract, categories: Sequence[str]) -> Prepared:
    """Segment a contract, compute candidate features and CUAD-rule labels."""
    seg = segment(contract.text)
    feats = candidate_features(seg)
    texts = [contract.text[c.start : c.end] for c in seg.candidates]
    words = [_words(t) for t in texts]
    labels = np.zeros((len(texts), len(categories)), dtype=bool)
    for j, cat in enumerate(categories):
        substr_ok = cat == "Parties"
        for gold in contract.answers.get(cat, []):
            gw = _words(gold)
            n_g = len(gw)
            for i, pw in enumerate(words):
                if labels[i, j]:
                    continue
                inter = len(gw & pw)
                # Jaccard >= 0.5 needs the intersection to be at least half the union; skip the set union when hopeless.
                if inter * 2 >= n_g and inter / (n_g + len(pw) - inter) >= IOU_THRESH or substr_ok and gold in texts[i]:
                    labels[i, j] = True
    return Prepared(contract, seg, feats, labels)


def fit(
    prepared: Sequence[Prepared],
    categories: Sequence[str],
    params: dict[str, float | int] | None = None,
    log: Callable[[str], None] | None = None,
) -> ClauseModel:
    """Fit one L2 logistic regression per category on all candidates of the given contracts."""
    from sklearn.linear_model import LogisticRegression

    p = {**DEFAULT_PARAMS, **(params or {})}
    all_feats = [f for pr in prepared for f in pr.features]
    vocab, idf = fit_vocabulary(all_feats, int(p["min_df"]), int(p["max_features"]))
    x = vectorize(all_feats, vocab, idf)
    y_all = np.vstack([pr.labels for pr in prepared])
    coef = np.zeros((len(categories), len(vocab)), dtype=np.float32)
    intercept = np.full(len(categories), -12.0, dtype=np.float32)
    for j, cat in enumerate(categories):
        y = y_all[:, j]
        if y.sum() == 0:
            continue  # no example: the category is never predicted (logit -12)
        t0 = time.perf_counter()
        clf = LogisticRegression(C=float(p["C"]), solver="liblinear", dual=True, max_iter=500)
        clf.fit(x, y)
        coef[j] = clf.coef_[0]
        intercept[j] = clf.intercept_[0]
        if log:
            log(f"  {cat}: {int(y.sum())} positive candidates, {time.perf_counter() - t0:.1f}s")
    return ClauseModel(list(categories), vocab, idf, coef, intercept, {"params": p})


def nbest(
    model: ClauseModel, pr: Prepared, top_k: int, top_k_parties: int | None = None
) -> dict[str, list[tuple[str, float]]]:
    """The top-k candidate texts with probabilities for each of the contract's questions (`<title>__<Category>`)."""
    probs = model.probabilities(pr.seg)
    return nbest_from_probs(pr.contract.title, pr.contract.text, pr.seg, probs, model.categories, top_k, top_k_parties)


def nbest_from_probs(
    title: str,
    text: str,
    seg: Segmentation,
    probs: np.ndarray,
    categories: Sequence[str],
    top_k: int,
    top_k_parties: int | None = None,
) -> dict[str, list[tuple[str, float]]]:
    """Turn a candidate-by-category probability matrix into CUAD n-best lists."""
    out: dict[str, list[tuple[str, float]]] = {}
    for j, cat in enumerate(categories):
        col = probs[:, j] if len(probs) else np.zeros(0)
        k = top_k_parties if cat == "Parties" and top_k_parties is not None else top_k
        order = np.argsort(-col)[:k]
        out[f"{title}__{cat}"] = [(text[seg.candidates[i].start : seg.candidates[i].end], float(col[i])) for i in order]
    return out


def gold_dict(contracts: Sequence[CuadContract], categories: Sequence[str]) -> dict[str, list[str]]:
    """CUAD's gold answers per question id."""
    return {f"{c.title}__{cat}": list(c.answers.get(cat, [])) for c in contracts for cat in categories}


def folds_by_contract(contracts: Sequence[CuadContract], n_folds: int, seed: int = 0) -> list[int]:
    """Fold number of each contract: grouped by contract, stratified by contract type, deterministic."""
    rng = np.random.default_rng(seed)
    by_type: dict[str, list[int]] = {}
    for i, c in enumerate(contracts):
        by_type.setdefault(c.contract_type, []).append(i)
    fold = [0] * len(contracts)
    offset = 0
    for ctype in sorted(by_type):
        idx = by_type[ctype]
        rng.shuffle(idx)
        for k, i in enumerate(idx):
            fold[i] = (offset + k) % n_folds
        offset += len(idx)
    return fold


@dataclass
class EvalResult:
    """Overall and per-category CUAD scores."""

    overall: Scores
    overall_without_parties: Scores
    per_category: dict[str, Scores]
    seconds: float


def evaluate_nbest(
    gold: dict[str, list[str]], preds: dict[str, list[tuple[str, float]]], categories: Sequence[str], seconds: float
) -> EvalResult:
    """Score pooled predictions overall, overall without Parties, and per category."""
    without = {k: v for k, v in gold.items() if not k.endswith("__Parties")}
    return EvalResult(
        overall=score(gold, preds),
        overall_without_parties=score(without, preds),
        per_category={
            cat: score({k: v for k, v in gold.items() if k.endswith("__" + cat)}, preds) for cat in categories
        },
        seconds=seconds,
    )


def cross_validate(
    prepared: Sequence[Prepared],
    categories: Sequence[str],
    n_folds: int = 5,
    params: dict[str, float | int] | None = None,
    log: Callable[[str], None] | None = None,
) -> EvalResult:
    """k-fold cross-validation grouped by contract; predictions of every held-out fold are pooled and scored."""
    p = {**DEFAULT_PARAMS, **(params or {})}
    t0 = time.perf_counter()
    fold = folds_by_contract([pr.contract for pr in prepared], n_folds)
    preds: dict[str, list[tuple[str, float]]] = {}
    for k in range(n_folds):
        train = [pr for pr, f in zip(prepared, fold, strict=True) if f != k]
        test = [pr for pr, f in zip(prepared, fold, strict=True) if f == k]
        model = fit(train, categories, p)
        for pr in test:
            preds.update(nbest(model, pr, int(p["top_k"]), int(p["top_k_parties"])))
        if log:
            log(
                f"fold {k + 1}/{n_folds}: trained on {len(train)}, predicted {len(test)} "
                f"({time.perf_counter() - t0:.0f}s)"
            )
    gold = gold_dict([pr.contract for pr in prepared], categories)
    return evaluate_nbest(gold, preds, categories, time.perf_counter() - t0)


def train_model(
    contracts: Sequence[CuadContract],
    categories: Sequence[str],
    params: dict[str, float | int] | None = None,
    cv: EvalResult | None = None,
    log: Callable[[str], None] | None = None,
) -> ClauseModel:
    """Train on all contracts and attach the metadata (data hash, parameters, CV scores, attribution)."""
    t0 = time.perf_counter()
    prepared = [prepare(c, categories) for c in contracts]
    model = fit(prepared, categories, params, log)
    model.meta.update(
        {
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "n_contracts": len(contracts),
            # Titles let `review eval` leave the model's own training contracts out of a held-out score.
            "training_titles": sorted(c.title for c in contracts),
            "n_candidates": int(sum(len(pr.seg.candidates) for pr in prepared)),
            "n_features": len(model.vocab),
            "data_sha256": data_hash(list(contracts)),
            "train_seconds": round(time.perf_counter() - t0, 1),
            "attribution": CUAD_ATTRIBUTION,
        }
    )
    if cv is not None:
        model.meta["cross_validation"] = eval_to_dict(cv)
    return model


def eval_to_dict(result: EvalResult) -> dict[str, object]:
    """Scores as a JSON-ready dict, in percent as the CUAD paper reports them."""

    def pct(s: Scores) -> dict[str, float | int]:
        return {
            "aupr": round(100 * s.aupr, 1),
            "p_at_80_recall": round(100 * s.p_at_80, 1),
            "p_at_90_recall": round(100 * s.p_at_90, 1),
            "n_gold": s.n_gold,
        }

    return {
        "overall": pct(result.overall),
        "overall_without_parties": pct(result.overall_without_parties),
        "per_category": {c: pct(s) for c, s in result.per_category.items()},
        "seconds": round(result.seconds, 1),
    }
