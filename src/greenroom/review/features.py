"""Features of a candidate span: its words and word pairs, its section heading, the words around it, its kind,
length and position. Pure Python, so the shipped model needs no pickled vectoriser."""

from __future__ import annotations

import math
import re

import numpy as np
from scipy import sparse

from greenroom.review.segment import Segmentation

_TOKEN = re.compile(r"[a-z]+|\d+")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens with every number folded to '0' (amounts and dates vary, their presence matters)."""
    return ["0" if t[0].isdigit() else t for t in _TOKEN.findall(text.lower())]


def candidate_features(seg: Segmentation) -> list[list[str]]:
    """The feature strings of every candidate of a segmented text, in candidate order."""
    text = seg.text
    n = max(len(text), 1)
    heading_feats: dict[int, list[str]] = {}
    for clause in seg.clauses:
        heading_feats[clause.index] = ["h=" + w for w in tokens(clause.heading)]
    out: list[list[str]] = []
    for cand in seg.candidates:
        words = tokens(text[cand.start : cand.end])
        if len(words) > 400:
            words = words[:200] + words[-200:]
        feats = words + [a + " " + b for a, b in zip(words, words[1:], strict=False)]
        prev = tokens(text[max(0, cand.start - 60) : cand.start])[-5:]
        nxt = tokens(text[cand.end : cand.end + 40])[:3]
        feats += ["p=" + w for w in prev] + ["n=" + w for w in nxt]
        if prev:
            feats.append("p1=" + prev[-1])
        feats += heading_feats.get(cand.clause, [])
        k = cand.kind
        length = min(int(math.log2(len(words) + 1)), 9)
        pos = cand.start / n
        feats += [
            "k=" + k,
            f"kl={k}{length}",
            f"pos={min(int(pos * 10), 9)}",
            f"kpos={k}{min(int(pos * 10), 9)}",
        ]
        if cand.start < 1500:
            feats.append(f"early={k}")
        if cand.start < 300:
            feats.append(f"top={k}")
        out.append(feats)
    return out


def vectorize(feature_lists: list[list[str]], vocab: dict[str, int], idf: np.ndarray) -> sparse.csr_matrix:
    """TF-IDF rows (sublinear tf, L2-normalised) over a fixed vocabulary; unknown features are ignored."""
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for feats in feature_lists:
        counts: dict[int, int] = {}
        for f in feats:
            j = vocab.get(f)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        for j, c in counts.items():
            indices.append(j)
            data.append((1.0 + math.log(c)) * float(idf[j]))
        indptr.append(len(indices))
    x = sparse.csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
        shape=(len(feature_lists), len(vocab)),
    )
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms).dot(x), dtype=np.float32)


def fit_vocabulary(feature_lists: list[list[str]], min_df: int, max_features: int) -> tuple[dict[str, int], np.ndarray]:
    """Choose the vocabulary (most frequent by document frequency, at least min_df) and its smoothed idf."""
    df: dict[str, int] = {}
    for feats in feature_lists:
        for f in set(feats):
            df[f] = df.get(f, 0) + 1
    kept = [f for f, c in df.items() if c >= min_df]
    kept.sort(key=lambda f: (-df[f], f))
    kept = sorted(kept[:max_features])
    n = len(feature_lists)
    idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in kept], dtype=np.float32)
    return {f: i for i, f in enumerate(kept)}, idf
