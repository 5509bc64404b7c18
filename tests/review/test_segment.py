"""Clause segmentation: section numbers and headings kept, offsets exact, never a crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from greenroom.review.segment import segment

CONTRACT = """PERFORMER AGREEMENT

This Agreement is made on March 3, 2026 between Northwind Pictures LLC ("Producer") and Jamie Rivera ("Performer").

1. Services. Performer shall render services in the Picture. Services start on April 1, 2026.

2. Compensation
2.1 Fee. Producer shall pay Performer $12,000 per week, i.e. $2,400 per day. Payment is due within 10 days.
2.2 Expenses. Producer shall reimburse reasonable expenses of Mr. Rivera, Inc. staff excluded.

ARTICLE III
GOVERNING LAW
This Agreement shall be governed by the laws of California.
"""


def test_sections_keep_numbers_and_headings() -> None:
    seg = segment(CONTRACT)
    heads = [(c.number, c.heading) for c in seg.clauses]
    assert ("1", "Services") in heads
    assert ("2", "Compensation") in heads
    assert ("2.1", "Fee") in heads
    assert ("2.2", "Expenses") in heads
    assert any(h == "GOVERNING LAW" for _, h in heads)
    law = next(c for c in seg.clauses if c.heading == "GOVERNING LAW")
    assert "laws of California" in CONTRACT[law.start : law.end]


def test_sentences_respect_abbreviations_and_offsets() -> None:
    seg = segment(CONTRACT)
    texts = [CONTRACT[s.start : s.end] for s in seg.sentences]
    assert "Producer shall pay Performer $12,000 per week, i.e. $2,400 per day." in " ".join(texts)
    assert "Producer shall reimburse reasonable expenses of Mr. Rivera, Inc. staff excluded." in texts
    assert "2.2 Expenses." in texts  # an inline heading stands apart from the provision it names
    assert "Payment is due within 10 days." in texts
    for s in seg.sentences:
        assert CONTRACT[s.start : s.end] == CONTRACT[s.start : s.end].strip()
    assert all(a.end <= b.start for a, b in zip(seg.sentences, seg.sentences[1:], strict=False))


def test_candidates_include_dates_parties_and_title() -> None:
    seg = segment(CONTRACT)
    by_kind: dict[str, list[str]] = {}
    for c in seg.candidates:
        by_kind.setdefault(c.kind, []).append(CONTRACT[c.start : c.end])
    assert "March 3, 2026" in by_kind["date"]
    assert "Northwind Pictures LLC" in by_kind["party"] and "Producer" in by_kind["party"]
    assert any(t == "PERFORMER AGREEMENT" for t in by_kind["sent"] + by_kind.get("title", []))


def test_text_without_newlines_is_split_on_space_runs() -> None:
    text = "SUPPLY AGREEMENT     1. Term. The term is two years.   2. Law. The laws of Texas govern this Agreement."
    seg = segment(text)
    assert [c.number for c in seg.clauses if c.number] == ["1", "2"]
    assert "The laws of Texas govern this Agreement." in [text[s.start : s.end] for s in seg.sentences]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab .;:\n\t1()"ABC§,')), max_size=400))
def test_segment_never_crashes_and_spans_stay_in_bounds(text: str) -> None:
    seg = segment(text)
    for c in seg.candidates:
        assert 0 <= c.start < c.end <= len(text)
    for s in seg.sentences:
        assert 0 <= s.start < s.end <= len(text)
    assert seg.clauses and seg.clauses[-1].end == len(text)
