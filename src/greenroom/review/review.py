"""Reviewing one contract: extract, segment, label clauses (CUAD model + union patterns), apply the playbook."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from greenroom.review.model import ClauseModel, ModelMissingError, load_model
from greenroom.review.playbook import Playbook, detect_categories, evaluate_rules, load_playbook
from greenroom.review.report import ClauseView, Evidence, Finding, LabelSpan, ReviewReport
from greenroom.review.segment import Segmentation, segment
from greenroom.review.text import DEFAULT_MAX_CHARS, DEFAULT_MAX_PAGES, ExtractedText, Page, extract_text

DEFAULT_THRESHOLD = 0.5
MAX_SPANS_PER_CATEGORY = 8


def review_document(
    path: Path,
    *,
    model: ClauseModel | None = None,
    playbook: Playbook | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> ReviewReport:
    """Review a PDF, DOCX or text contract; raises ReviewInputError when the file cannot be read at all."""
    t0 = time.perf_counter()
    extracted = extract_text(Path(path), max_pages=max_pages, max_chars=max_chars)
    return review_extracted(extracted, Path(path).name, model=model, playbook=playbook, threshold=threshold, t0=t0)


def review_text(
    text: str,
    name: str = "contract.txt",
    *,
    model: ClauseModel | None = None,
    playbook: Playbook | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> ReviewReport:
    """Review contract text already in memory (one page)."""
    extracted = ExtractedText(text, [Page(1, 0, len(text))], "text")
    return review_extracted(extracted, name, model=model, playbook=playbook, threshold=threshold)


def review_extracted(
    extracted: ExtractedText,
    name: str,
    *,
    model: ClauseModel | None = None,
    playbook: Playbook | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    t0: float | None = None,
) -> ReviewReport:
    """Review extracted text: the shared core of review_document and review_text."""
    t0 = time.perf_counter() if t0 is None else t0
    text = extracted.text
    warnings = list(extracted.warnings)
    skipped = list(extracted.skipped)
    playbook = playbook or load_playbook()
    seg = segment(text)
    page_at = extracted.page_at
    model_info: dict[str, object] = {}
    labels: list[LabelSpan] = []
    if model is None:
        try:
            model = load_model()
        except ModelMissingError as exc:
            model = None
            skipped.append(f"CUAD clause labels: {exc}")
    if model is not None:
        probs = model.probabilities(seg)
        labels = _cuad_spans(seg, probs, model.categories, threshold, page_at)
        cv = model.meta.get("cross_validation", {})
        model_info = {
            "n_contracts": model.meta.get("n_contracts"),
            "data_sha256": model.meta.get("data_sha256"),
            "trained_at": model.meta.get("trained_at"),
            "cv_overall": cv.get("overall") if isinstance(cv, dict) else None,
            "attribution": model.meta.get("attribution", ""),
            "threshold": threshold,
        }
    sentences = seg.sentences
    sent_texts = [re.sub(r"\s+", " ", text[s.start : s.end]) for s in sentences]
    # Rules look around a sentence within its top-level section ("4" holds 4.1, 4.2 ...).
    top = {c.index: (c.number.split(".")[0] if c.number else f"#{c.index}") for c in seg.clauses}
    section_ids = {key: i for i, key in enumerate(dict.fromkeys(top.values()))}
    clause_of = [section_ids[top[s.clause]] for s in sentences]
    cuad_hits: dict[str, set[int]] = {}
    starts = np.array([s.start for s in sentences], dtype=np.int64)
    ends = np.array([s.end for s in sentences], dtype=np.int64)
    for lab in labels:
        overlapping = np.nonzero((starts < lab.end) & (ends > lab.start))[0]
        cuad_hits.setdefault(lab.category, set()).update(int(i) for i in overlapping)
    found = detect_categories(playbook, sent_texts, cuad_hits)
    for key, idxs in found.items():
        for i in idxs:
            s = sentences[i]
            labels.append(LabelSpan(key, "union", 1.0, s.start, s.end, page_at(s.start)))
    outcomes, not_applicable = evaluate_rules(playbook, sent_texts, clause_of, found)
    clause_labels: dict[int, set[str]] = {}
    clause_starts = np.array([c.start for c in seg.clauses], dtype=np.int64)
    for lab in labels:
        ci = int(np.searchsorted(clause_starts, lab.start, side="right")) - 1
        name_ = playbook.categories[lab.category].label if lab.source == "union" else lab.category
        clause_labels.setdefault(max(ci, 0), set()).add(name_)
    clauses = [
        ClauseView(
            c.index, c.number, c.heading, c.start, c.end, page_at(c.start), sorted(clause_labels.get(c.index, ()))
        )
        for c in seg.clauses
    ]
    section = {c.index: " ".join(x for x in (c.number, c.heading) if x) for c in seg.clauses}
    findings = [
        Finding(
            rule_id=o.rule.id,
            title=o.rule.title,
            category=o.rule.category,
            category_label=playbook.categories[o.rule.category].label,
            status=o.status,
            severity=o.rule.severity,
            explanation=o.explanation,
            standard=o.rule.standard,
            cites=list(o.rule.cites),
            suggested_language=o.rule.suggested,
            evidence=[
                Evidence(
                    sentences[i].start,
                    sentences[i].end,
                    page_at(sentences[i].start),
                    section.get(sentences[i].clause, ""),
                    text[sentences[i].start : sentences[i].end],
                )
                for i in o.evidence
            ],
        )
        for o in outcomes
    ]
    return ReviewReport(
        source=name,
        kind=extracted.kind,
        n_pages=len(extracted.pages),
        n_chars=len(text),
        text=text,
        pages=extracted.pages,
        clauses=clauses,
        labels=sorted(labels, key=lambda lab: (lab.start, lab.category)),
        findings=findings,
        not_applicable=[{"rule_id": r.id, "title": r.title} for r in not_applicable],
        warnings=warnings,
        skipped=skipped,
        model=model_info,
        playbook=playbook.name,
        seconds=round(time.perf_counter() - t0, 3),
    )


def _cuad_spans(
    seg: Segmentation, probs: np.ndarray, categories: list[str], threshold: float, page_at: Callable[[int], int]
) -> list[LabelSpan]:
    """The confident spans of each CUAD category, best first, dropping ones that mostly overlap a better one."""
    out: list[LabelSpan] = []
    cands = seg.candidates
    for j, cat in enumerate(categories):
        col = probs[:, j]
        chosen: list[tuple[int, int]] = []
        for i in np.argsort(-col):
            if col[i] < threshold or len(chosen) >= MAX_SPANS_PER_CATEGORY:
                break
            c = cands[int(i)]
            if any(min(c.end, e) - max(c.start, s) > 0.5 * min(c.end - c.start, e - s) for s, e in chosen):
                continue
            chosen.append((c.start, c.end))
            out.append(LabelSpan(cat, "cuad", round(float(col[i]), 3), c.start, c.end, page_at(c.start)))
    return out
