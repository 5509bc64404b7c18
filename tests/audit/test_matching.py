"""Title matching rules: normalisation, numbers must agree, the performer's titles first, clear winners only."""

from __future__ import annotations

from greenroom.audit.matching import MatchOptions, TitleCatalog, fuzzy_match, normalize_title, title_numbers

CATALOG = TitleCatalog.build(
    [("T1", "The Island: Season 1, Episode 1"), ("T2", "The Island: Season 1, Episode 2"),
     ("T3", "The Islands"), ("T4", "The Island"), ("T5", "Verdict of Lakeside")],
    [("P1", "T1"), ("P1", "T2"), ("P2", "T4")])


def test_normalize_and_numbers() -> None:
    assert normalize_title("  The ISLAND: Season 1,  Episode 01 ") == "the island season 1 episode 01"
    assert title_numbers("The Island: Season 1, Episode 01") == (1, 1)


def test_a_misspelling_matches_with_its_score() -> None:
    m = fuzzy_match(CATALOG, "Verdict of Laekside", None)
    assert (m.title_id, m.method) == ("T5", "fuzzy") and 90 <= m.score < 100


def test_episode_numbers_must_agree() -> None:
    m = fuzzy_match(CATALOG, "The Islnad: Season 1, Episode 2", "P1")
    assert m.title_id == "T2"
    assert fuzzy_match(CATALOG, "The Island: Season 1, Episode 3", "P1").title_id is None


def test_close_rivals_are_queued_as_ambiguous_with_suggestions() -> None:
    # 'the islandz' scores 95.2 against 'the island' and 90.9 against 'the islands': not a clear winner.
    m = fuzzy_match(CATALOG, "The Islandz", None, MatchOptions(margin=5))
    assert m.title_id is None and m.reason == "ambiguous"
    assert [s["title_id"] for s in m.suggestions[:2]] == ["T4", "T3"]


def test_the_performers_own_titles_settle_a_tie() -> None:
    assert fuzzy_match(CATALOG, "The Islandz", "P2", MatchOptions(margin=5)).title_id == "T4"


def test_threshold_is_configurable() -> None:
    assert fuzzy_match(CATALOG, "Verdikt of Lakesde", None).title_id == "T5"  # 91.9
    assert fuzzy_match(CATALOG, "Verdikt of Lakesde", None, MatchOptions(threshold=95)).title_id is None


def test_the_performers_own_title_does_not_beat_a_clearly_better_one() -> None:
    catalog = TitleCatalog.build(
        [("T1", "The Shift: Season 2, Episode 18"), ("T2", "The Summit: Season 2, Episode 18")], [("P1", "T1")])
    # 91.5 against the performer's own title, 100 against the other: a payment to the wrong performer
    # must land on the title the payer wrote, or it could not be found as one.
    assert fuzzy_match(catalog, "Summit: Season 2, Episode 18, The", "P1").title_id == "T2"
    assert fuzzy_match(catalog, "Shfit: Season 2, Episode 18, The", "P1").title_id == "T1"
