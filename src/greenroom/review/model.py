"""The clause model: one linear classifier per CUAD category over candidate spans, stored as plain arrays.

The artifact is a compressed .npz (vocabulary, idf, float16 coefficients, intercepts) plus a JSON file of
training metadata; nothing is pickled, so it loads under any NumPy/scikit-learn version and cannot run code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from greenroom.review.features import candidate_features, vectorize
from greenroom.review.segment import Segmentation

MODEL_DIR = Path(__file__).parent / "model"
MODEL_FILE = "clause_model.npz"
META_FILE = "clause_model.json"


class ModelMissingError(RuntimeError):
    """The packaged model is absent or unreadable; `greenroom review train --cuad DIR` rebuilds it."""


@dataclass
class ClauseModel:
    """Per-category logistic regressions sharing one TF-IDF vocabulary."""

    categories: list[str]
    vocab: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # (n_categories, n_features)
    intercept: np.ndarray  # (n_categories,)
    meta: dict[str, Any]

    def probabilities(self, seg: Segmentation) -> np.ndarray:
        """P(candidate is a clause of category c) for every candidate (rows) and category (columns)."""
        if not seg.candidates:
            return np.zeros((0, len(self.categories)), dtype=np.float32)
        x = vectorize(candidate_features(seg), self.vocab, self.idf)
        logits = np.asarray(x @ self.coef.T.astype(np.float32)) + self.intercept
        return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)

    def save(self, folder: Path) -> Path:
        """Write the .npz and its metadata JSON into a folder; returns the .npz path."""
        folder.mkdir(parents=True, exist_ok=True)
        words = sorted(self.vocab, key=self.vocab.__getitem__)
        path = folder / MODEL_FILE
        np.savez_compressed(
            path,
            vocab=np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
            categories=np.frombuffer("\n".join(self.categories).encode("utf-8"), dtype=np.uint8),
            idf=self.idf.astype(np.float32),
            coef=self.coef.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
        )
        (folder / META_FILE).write_text(json.dumps(self.meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return path


def load_model(folder: Path | None = None) -> ClauseModel:
    """Load a clause model from a folder (default: the one shipped in the package)."""
    if folder is None:
        return _packaged()
    return _load(Path(folder))


@lru_cache(maxsize=1)
def _packaged() -> ClauseModel:
    return _load(MODEL_DIR)


def _load(folder: Path) -> ClauseModel:
    path = folder / MODEL_FILE
    if not path.is_file():
        raise ModelMissingError(f"{path}: no clause model; build one with `greenroom review train --cuad DIR`")
    try:
        with np.load(path, allow_pickle=False) as z:
            words = bytes(z["vocab"]).decode("utf-8").split("\n")
            cats = bytes(z["categories"]).decode("utf-8").split("\n")
            model = ClauseModel(
                categories=cats,
                vocab={w: i for i, w in enumerate(words)},
                idf=z["idf"].astype(np.float32),
                coef=z["coef"].astype(np.float32),
                intercept=z["intercept"].astype(np.float32),
                meta={},
            )
    except (OSError, ValueError, KeyError) as exc:
        raise ModelMissingError(f"{path}: the clause model cannot be read ({exc})") from exc
    meta_path = folder / META_FILE
    if meta_path.is_file():
        model.meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if model.coef.shape != (len(cats), len(words)):
        raise ModelMissingError(f"{path}: coefficient shape {model.coef.shape} does not fit the vocabulary")
    return model
