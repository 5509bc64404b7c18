"""Title matching for remittance rows: exact title_id, else exact name, else fuzzy with a confidence score.

Fuzzy matching only considers titles whose numbers (season, episode, year) are the numbers the
payer wrote, so "Episode 2" never fuzzes into "Episode 3"; it prefers the titles the performer
worked on, and it auto-accepts only a clear winner above the threshold. Everything else waits
in the review queue with the best suggestions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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


def _best(query: str, choices: Mapping[str, str], options: MatchOptions) -> tuple[str | None, float]:
    """The clear winner among choices at or above the threshold, with its score (else None)."""
    if not choices:
        return None, 0.0
    top = process.extract(query, choices, scorer=fuzz.token_sort_ratio, limit=2)
    if not top:
        return None, 0.0
    _, score, tid = top[0]
    runner_up = top[1][1] if len(top) > 1 else 0.0
    if score >= options.threshold and score - runner_up >= options.margin:
        return str(tid), float(score)
    return None, float(score)


def fuzzy_match(catalog: TitleCatalog, written: str, performer_id: str | None,
                options: MatchOptions | None = None) -> TitleMatch:
    """Match a written title no exact rule matched; unmatched results carry the top suggestions."""
    options = options or MatchOptions()
    query = normalize_title(written)
    mine, same = catalog.candidates(written, performer_id)
    for choices in (mine, same):
        tid, score = _best(query, choices, options)
        if tid is not None:
            return TitleMatch(tid, "fuzzy", round(score, 1))
    everything = {t: normalize_title(n) for t, n in catalog.names.items()}
    top = process.extract(query, everything, scorer=fuzz.token_sort_ratio, limit=3)
    suggestions = [{"title_id": str(t), "name": catalog.names[str(t)], "score": round(float(s), 1)}
                   for _, s, t in top]
    close = [s for s in suggestions if float(str(s["score"])) >= options.threshold]
    reason = "ambiguous" if len(close) > 1 else "unmatched"
    return TitleMatch(None, "review", float(str(suggestions[0]["score"])) if suggestions else 0.0, reason, suggestions)
