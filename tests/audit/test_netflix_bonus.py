"""The Netflix success-bonus estimate on a tiny fixture whose answers are worked out by hand."""

from __future__ import annotations

import datetime as dt
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from greenroom.audit.netflix_bonus import ENGAGEMENT, TOP10, NetflixDataError, Options, estimate, estimate_html

FIXTURE = Path(__file__).parent / "fixtures" / "netflix"


def test_titles_judged_with_the_hand_worked_numbers() -> None:
    e = estimate(FIXTURE)
    by = {t.title: t for t in e.titles}
    assert set(by) == {"Big Show: Limited Series", "Small Film"}
    big = by["Big Show: Limited Series"]
    # Two Top 10 weeks inside Jan 1 - Mar 30 (the April week is not): 200M hours x 80M/200M members = 80M hours
    # = 4.8bn minutes; / 300 minutes = 16M views; / 80M subscribers = exactly 20%: qualifies (at or above).
    assert (big.method, big.top10_weeks, big.global_hours, big.runtime_minutes) == (TOP10, 2, 200_000_000, 300)
    assert big.domestic_share == Fraction(2, 5) and big.views == 16_000_000 and big.metric == Fraction(1, 5)
    assert big.qualifies and big.subscriber_quarter == "2024Q1"
    assert big.engagement_hours == Fraction(400_000_000 * 90, 182)  # 90 of the half-year's 182 days
    small = by["Small Film"]
    # Not in the Top 10: its half-year's 150M hours, 90 of the 137 days it was available in the half-year.
    assert small.method == ENGAGEMENT and small.global_hours == Fraction(150_000_000 * 90, 137)
    assert small.domestic_minutes == int(Fraction(150_000_000 * 90, 137) * Fraction(2, 5) * 60)
    assert small.qualifies and [t.title for t in e.qualifying] == ["Small Film", "Big Show: Limited Series"]
    skipped = {title: why for why, titles in e.skipped.items() for title in titles}
    assert skipped["Old Licensed Show: Season 4"].startswith("no Netflix release date")
    assert skipped["La Casa: Temporada 1"].startswith("non-English")
    assert skipped["Late Release"].startswith("90-day window not over")
    assert "Before The Bonus" not in skipped and "Before The Bonus" not in by  # released before the bonus applies


def test_options_change_the_answer() -> None:
    lower = estimate(FIXTURE, Options(domestic_share=Fraction("0.39")))
    assert [t.title for t in lower.qualifying] == ["Small Film"]
    assert any("39.0% (given)" in a for a in lower.assumptions)
    wider = estimate(FIXTURE, Options(include_non_english=True))
    casa = next(t for t in wider.titles if t.title == "La Casa: Temporada 1")
    assert casa.method == TOP10 and casa.global_hours == 30_000_000  # released Friday: Fri-Sun all in its window
    january = estimate(FIXTURE, Options(released_to=dt.date(2024, 1, 31)))
    assert [t.title for t in january.titles] == ["Big Show: Limited Series"]


def test_the_report_states_assumptions_and_lists_qualifiers(cli, tmp_path) -> None:
    html = estimate_html(estimate(FIXTURE))
    for words in ("Domestic share of global hours", "Made for streaming", "Runtime", "Domestic subscribers",
                  "bonus.success_threshold", "Big Show: Limited Series", "Small Film", "Old Licensed Show"):
        assert words in html
    out = cli("netflix-bonus", "--source", str(FIXTURE), "--html", str(tmp_path / "nb.html"))
    assert out.exit_code == 0, out.output
    assert "2 of 2" in out.output and (tmp_path / "nb.html").exists()
    out = cli("netflix-bonus", "--source", str(FIXTURE), "--domestic-share", "1.5")
    assert out.exit_code == 1 and "--domestic-share" in out.output


def test_bad_or_missing_data_is_named(tmp_path) -> None:
    with pytest.raises(NetflixDataError, match="no Netflix data folder"):
        estimate(tmp_path / "nowhere")
    copy = tmp_path / "netflix"
    shutil.copytree(FIXTURE, copy)
    members = copy / "subscribers" / "netflix_revenue_updated.csv"
    members.write_text(members.read_text().replace("31-03-2024", "2024-03-31"))
    with pytest.raises(NetflixDataError, match="row 2"):
        estimate(copy)
    (copy / "top10" / "all-weeks-global.tsv").unlink()
    with pytest.raises(NetflixDataError, match="all-weeks-global.tsv"):
        estimate(copy)
