"""Title matching for remittance rows: exact title_id, else exact name, else fuzzy with a confidence score.

Fuzzy matching only considers titles whose numbers (season, episode, year) are the numbers the
payer wrote, so "Episode 2" never fuzzes into "Episode 3"; it prefers the titles the performer
worked on, and it auto-accepts only a clear winner above the threshold. Everything else waits
in the review queue with the best suggestions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

DEFAULT_THRESHOLD = 90.0
DEFAULT_MARGIN = 3.0
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_NUMBERS = re.compile(r"[0-9]+")


def normalize_title(text: str) -> str:
    """Lower case, runs of anything but letters and digits turned into one space."""
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def title_numbers(text: str) -> tuple[int, ...]:
    """The numbers in a title, in order, as integers (so '01' equals '1')."""
    return tuple(int(n) for n in _NUMBERS.findall(text))


@dataclass(frozen=True)
class MatchOptions:
    """Fuzzy matching settings: accept at or above threshold (0-100) when ahead of the next title by margin."""

    threshold: float = DEFAULT_THRESHOLD
    margin: float = DEFAULT_MARGIN


@dataclass(frozen=True)
class TitleMatch:
    """The outcome for one written title: a title_id (or None), how, the score, and suggestions when queued."""

    title_id: str | None
    method: str
    score: float
    reason: str = ""
    suggestions: list[dict[str, object]] = field(default_factory=list)


@dataclass
class TitleCatalog:
    """Loaded titles by id and normalized name, and which titles each performer worked on."""

    names: dict[str, str]
    performer_titles: dict[str, set[str]]
    _by_numbers: dict[tuple[int, ...], dict[str, str]] = field(default_factory=dict)

    @classmethod
    def build(cls, titles: Iterable[tuple[str, str]], engagements: Iterable[tuple[str, str]]) -> TitleCatalog:
        """From (title_id, name) and (performer_id, title_id) pairs."""
        catalog = cls(names=dict(titles), performer_titles={})
        for performer, title in engagements:
            catalog.performer_titles.setdefault(performer, set()).add(title)
        for tid, name in catalog.names.items():
            catalog._by_numbers.setdefault(title_numbers(name), {})[tid] = normalize_title(name)
        return catalog

    def candidates(self, written: str, performer_id: str | None) -> tuple[dict[str, str], dict[str, str]]:
        """(titles of the performer, all titles) whose numbers are the numbers written, as id -> normalized name."""
        same = self._by_numbers.get(title_numbers(written), {})
        mine = self.performer_titles.get(performer_id or "", set())
        return {t: n for t, n in same.items() if t in mine}, same


_BLOCK = 2_000
"""Written titles scored against their candidates at once: bounds the score matrix at 2,000 x candidates."""


def _top(scores: np.ndarray, cols: Sequence[int] | None, k: int) -> list[tuple[int, float]]:
    """The k best (column, score) among cols (all columns when None), highest first, ties in column order."""
    if cols is not None:
        idx = np.asarray(sorted(cols), dtype=np.int64)
        picked = scores[idx]
    else:
        idx = np.arange(len(scores))
        picked = scores
    if len(picked) > 4 * k:
        # Only the k best need sorting; argpartition keeps this linear in the candidates.
        part = np.argpartition(-picked, k - 1)[:k]
        cut = picked[part].min()
        keep = np.flatnonzero(picked >= cut)
        idx, picked = idx[keep], picked[keep]
    order = np.lexsort((idx, -picked))[:k]
    return [(int(idx[i]), float(picked[i])) for i in order]


def _winner(top: list[tuple[int, float]], ids: Sequence[str], options: MatchOptions) -> tuple[str | None, float]:
    """The clear winner of a top-2 at or above the threshold, with its score (else None)."""
    if not top:
        return None, 0.0
    col, score = top[0]
    runner_up = top[1][1] if len(top) > 1 else 0.0
    if score >= options.threshold and score - runner_up >= options.margin:
        return ids[col], score
    return None, score


def _scores(queries: list[str], names: list[str]) -> Iterator[tuple[int, np.ndarray]]:
    """Each query's token-sorted similarity to every name, a block of queries at a time: (query index, row)."""
    for start in range(0, len(queries), _BLOCK):
        block = queries[start:start + _BLOCK]
        matrix = process.cdist(block, names, scorer=fuzz.token_sort_ratio, dtype=np.float64)
        for i in range(len(block)):
            yield start + i, matrix[i]


def match_titles(catalog: TitleCatalog, pairs: Iterable[tuple[str, str | None]],
                 options: MatchOptions | None = None) -> dict[tuple[str, str | None], TitleMatch]:
    """Fuzzy-match many (written title, performer) pairs at once; each written title is scored only once.

    The performer's titles with the same numbers first (unless another title scores better by the margin
    or more), then every title with the same numbers; a written title matching neither gets the best three
    suggestions overall.
    """
    options = options or MatchOptions()
    wanted: dict[str, list[str | None]] = {}
    for written, performer in pairs:
        wanted.setdefault(written, []).append(performer)
    out: dict[tuple[str, str | None], TitleMatch] = {}
    unmatched: dict[str, list[str | None]] = {}
    by_numbers: dict[tuple[int, ...], list[str]] = {}
    for written in sorted(wanted):
        by_numbers.setdefault(title_numbers(written), []).append(written)
    for numbers, group in by_numbers.items():
        same = catalog._by_numbers.get(numbers, {})
        ids, names = list(same), list(same.values())
        col = {t: j for j, t in enumerate(ids)}
        if not ids:
            for written in group:
                unmatched[written] = wanted[written]
            continue
        for i, row in _scores([normalize_title(w) for w in group], names):
            written = group[i]
            every = _top(row, None, 2)
            for performer in wanted[written]:
                mine = [col[t] for t in catalog.performer_titles.get(performer or "", ()) if t in col]
                tid, score = _winner(_top(row, mine, 2), ids, options) if mine else (None, 0.0)
                if tid is not None and every[0][1] - score >= options.margin:
                    # The performer's own title settles near-ties only: "Summit: Season 2, Episode 18, The" is
                    # The Summit's episode even for a performer who worked on "The Shift: Season 2, Episode 18".
                    tid = None
                if tid is None:
                    tid, score = _winner(every, ids, options)
                if tid is not None:
                    out[(written, performer)] = TitleMatch(tid, "fuzzy", round(score, 1))
                else:
                    unmatched.setdefault(written, []).append(performer)
    if unmatched:
        all_ids = list(catalog.names)
        all_names = [normalize_title(n) for n in catalog.names.values()]
        queued = list(unmatched)
        for i, row in _scores([normalize_title(w) for w in queued], all_names):
            suggestions: list[dict[str, object]] = [
                {"title_id": all_ids[j], "name": catalog.names[all_ids[j]], "score": round(score, 1)}
                for j, score in _top(row, None, 3)]
            close = [x for x in suggestions if float(str(x["score"])) >= options.threshold]
            reason = "ambiguous" if len(close) > 1 else "unmatched"
            best = float(str(suggestions[0]["score"])) if suggestions else 0.0
            for performer in unmatched[queued[i]]:
                out[(queued[i], performer)] = TitleMatch(None, "review", best, reason, list(suggestions))
    return out


def fuzzy_match(catalog: TitleCatalog, written: str, performer_id: str | None,
                options: MatchOptions | None = None) -> TitleMatch:
    """Match a written title no exact rule matched; unmatched results carry the top suggestions."""
    return match_titles(catalog, [(written, performer_id)], options)[(written, performer_id)]
