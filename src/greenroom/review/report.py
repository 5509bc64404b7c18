"""The review report: typed records, JSON, and a self-contained HTML page (contract, highlights, flag panel)."""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from greenroom.review.text import Page

STATUS_ORDER = {"DEVIATION": 0, "MISSING": 1, "UNCLEAR": 2, "MATCH": 3}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}


@dataclass(frozen=True)
class Evidence:
    """A span of the contract supporting a finding: offsets into the text, page, section and the words."""

    start: int
    end: int
    page: int
    section: str
    text: str


@dataclass(frozen=True)
class LabelSpan:
    """A labelled span: a CUAD category (with the model's confidence) or a union category (pattern or CUAD)."""

    category: str
    source: str  # "cuad" or "union"
    confidence: float
    start: int
    end: int
    page: int


@dataclass(frozen=True)
class ClauseView:
    """A clause (section) of the contract with its number, heading, page and the labels found in it."""

    index: int
    number: str
    heading: str
    start: int
    end: int
    page: int
    labels: list[str]


@dataclass(frozen=True)
class Finding:
    """A playbook rule's result: status, severity, evidence, the standard cited and suggested language."""

    rule_id: str
    title: str
    category: str
    category_label: str
    status: str
    severity: str
    explanation: str
    standard: str
    cites: list[str]
    suggested_language: str
    evidence: list[Evidence]


@dataclass
class ReviewReport:
    """Everything a review found in one document; `to_json` and `render_html` present it."""

    source: str
    kind: str
    n_pages: int
    n_chars: int
    text: str
    pages: list[Page]
    clauses: list[ClauseView]
    labels: list[LabelSpan]
    findings: list[Finding]
    not_applicable: list[dict[str, str]]
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    model: dict[str, Any] = field(default_factory=dict)
    playbook: str = ""
    seconds: float = 0.0

    @property
    def partial(self) -> bool:
        """True when part of the document was not reviewed (see `skipped`)."""
        return bool(self.skipped)

    def counts(self) -> dict[str, int]:
        """Number of findings per status."""
        out = dict.fromkeys(STATUS_ORDER, 0)
        for f in self.findings:
            out[f.status] += 1
        return out

    def flags(self) -> list[Finding]:
        """Findings that need attention (not MATCH), most serious first."""
        return sorted(
            (f for f in self.findings if f.status != "MATCH"),
            key=lambda f: (SEVERITY_ORDER[f.severity], STATUS_ORDER[f.status], f.rule_id),
        )


def to_dict(report: ReviewReport, include_text: bool = False) -> dict[str, Any]:
    """The report as plain data (the contract text itself only on request)."""
    data = asdict(report)
    if not include_text:
        data.pop("text")
    data["partial"] = report.partial
    data["counts"] = report.counts()
    return data


def to_json(report: ReviewReport, include_text: bool = False) -> str:
    """The report as JSON (UTF-8 text, stable key order)."""
    return json.dumps(to_dict(report, include_text), indent=2, ensure_ascii=False)


_CSS = """
body{font-family:system-ui,sans-serif;margin:0;display:flex;height:100vh;color:#1d1d1f}
#doc{flex:3;overflow:auto;padding:1.5rem 2rem;white-space:pre-wrap;font-family:Georgia,serif;line-height:1.5}
#panel{flex:2;overflow:auto;padding:1rem 1.25rem;background:#f6f6f8;border-left:1px solid #ddd}
mark{background:#e8f0fe;padding:0 1px}
mark.u{background:#fff1c1}
mark.flag{background:#ffd6d6;outline:1px solid #d33}
mark.unclear{background:#fff1c1;outline:1px dashed #ef6c00}
.page{display:block;color:#888;font:12px system-ui;border-top:1px dashed #bbb;margin:1rem 0 .5rem}
.badge{display:inline-block;font:600 11px system-ui;padding:1px 6px;border-radius:8px;color:#fff}
.DEVIATION{background:#c62828}.MISSING{background:#ef6c00}.UNCLEAR{background:#6d6d6d}.MATCH{background:#2e7d32}
.sev{font-size:11px;color:#555;text-transform:uppercase}
.finding{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6rem .8rem;margin:.6rem 0}
.finding h3{font-size:14px;margin:.2rem 0}
.finding p{font-size:13px;margin:.3rem 0}
.cite{font-size:12px;color:#555}
.suggest{font-size:13px;background:#eef7ee;border-left:3px solid #2e7d32;padding:.3rem .5rem}
.warn{background:#fff4e5;border:1px solid #f0c36d;padding:.5rem;font-size:13px;border-radius:6px}
table{font-size:12px;border-collapse:collapse;width:100%}
td{border-bottom:1px solid #e3e3e3;padding:2px 4px;vertical-align:top}
a{color:#1a56db}
"""


def render_html(report: ReviewReport) -> str:
    """A self-contained HTML page: the contract with highlighted clauses, and a side panel of flags with jump links."""
    text = report.text
    # Each highlight: (start, end, css class, title, anchor id or "").
    marks: list[tuple[int, int, str, str, str]] = []
    for k, lab in enumerate(report.labels):
        css = "u" if lab.source == "union" else ""
        marks.append((lab.start, lab.end, css, f"{lab.category} ({lab.confidence:.2f})", f"l-{k}"))
    for i, f in enumerate(report.findings):
        if f.status == "MATCH":
            continue
        # Red for deviations and missing protections, an outline for open questions, plain for information.
        css = "flag" if f.status in ("DEVIATION", "MISSING") else ("unclear" if f.severity != "info" else "u")
        for j, ev in enumerate(f.evidence):
            marks.append((ev.start, ev.end, css, f"{f.status}: {f.title}", f"f-{i}-{j}"))
    anchors: dict[int, list[str]] = {}
    for c in report.clauses:
        anchors.setdefault(c.start, []).append(f"c-{c.index}")
    for p in report.pages:
        anchors.setdefault(p.start, []).append(f"p-{p.number}")
    for s, _e, _css, _t, aid in marks:
        anchors.setdefault(s, []).append(aid)
    page_starts = {p.start: p.number for p in report.pages}
    bounds = sorted({0, len(text)} | {m[0] for m in marks} | {m[1] for m in marks} | set(anchors))
    out: list[str] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        if a in page_starts and len(report.pages) > 1:
            out.append(f'<span class="page">page {page_starts[a]}</span>')
        for aid in anchors.get(a, []):
            out.append(f'<a id="{aid}"></a>')
        covering = [m for m in marks if m[0] <= a and m[1] >= b]
        chunk = html.escape(text[a:b])
        if covering:
            kinds = {m[2] for m in covering}
            css = next((k for k in ("flag", "unclear") if k in kinds), "u" if kinds == {"u"} else "")
            title = html.escape("; ".join(dict.fromkeys(m[3] for m in covering)))
            out.append(f'<mark class="{css}" title="{title}">{chunk}</mark>')
        else:
            out.append(chunk)
    counts = report.counts()
    panel: list[str] = [
        f"<h2>{html.escape(report.source)}</h2>",
        f"<p>{report.n_pages} page(s), {len(report.clauses)} clauses, {len(report.labels)} labelled spans. "
        + ", ".join(f'<span class="badge {s}">{s} {n}</span>' for s, n in counts.items())
        + "</p>",
    ]
    if report.skipped or report.warnings:
        items = "".join(f"<li>Skipped: {html.escape(s)}</li>" for s in report.skipped)
        items += "".join(f"<li>{html.escape(w)}</li>" for w in report.warnings)
        label = "Partial review" if report.partial else "Notes"
        panel.append(f'<div class="warn"><b>{label}</b><ul>{items}</ul></div>')
    panel.append("<h3>Flags</h3>")
    ordered = sorted(
        enumerate(report.findings),
        key=lambda t: (STATUS_ORDER[t[1].status] == 3, SEVERITY_ORDER[t[1].severity], STATUS_ORDER[t[1].status]),
    )
    for i, f in ordered:
        links = " ".join(
            f'<a href="#f-{i}-{j}">p.{ev.page}{" §" + html.escape(ev.section) if ev.section else ""}</a>'
            if f.status != "MATCH"
            else f'<a href="#c-{_clause_at(report, ev.start)}">p.{ev.page}</a>'
            for j, ev in enumerate(f.evidence)
        )
        quote = (
            f"<p><i>“{html.escape(_clip(f.evidence[0].text, 240))}”</i></p>"
            if f.evidence and f.status != "MATCH"
            else ""
        )
        suggest = (
            f'<p class="suggest"><b>Suggested:</b> {html.escape(f.suggested_language)}</p>'
            if f.suggested_language and f.status != "MATCH"
            else ""
        )
        panel.append(
            f'<div class="finding"><span class="badge {f.status}">{f.status}</span> '
            f'<span class="sev">{f.severity}</span><h3>{html.escape(f.title)}</h3>'
            f"<p>{html.escape(f.explanation)}. {links}</p>{quote}"
            f"<p>{html.escape(f.standard)}</p>"
            f"<p class=cite>Source: {html.escape('; '.join(f.cites))}</p>{suggest}</div>"
        )
    if report.not_applicable:
        na = ", ".join(html.escape(r["title"]) for r in report.not_applicable)
        panel.append(f"<p class=cite>Not applicable to this contract: {na}.</p>")
    panel.append("<h3>Clauses</h3><table>")
    for c in report.clauses:
        name = html.escape(" ".join(x for x in (c.number, c.heading) if x) or f"(clause {c.index + 1})")
        panel.append(
            f'<tr><td><a href="#c-{c.index}">{name}</a></td><td>p.{c.page}</td>'
            f"<td>{html.escape(', '.join(c.labels))}</td></tr>"
        )
    panel.append("</table>")
    attribution = html.escape(str(report.model.get("attribution", "")))
    panel.append(f"<p class=cite>Clause labels: CUAD categories; model trained on {attribution}</p>")
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>Contract review: {html.escape(report.source)}</title><style>{_CSS}</style></head>"
        f'<body><main id="doc">{"".join(out)}</main><aside id="panel">{"".join(panel)}</aside></body></html>'
    )


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _clause_at(report: ReviewReport, offset: int) -> int:
    for c in report.clauses:
        if c.start <= offset < c.end:
            return c.index
    return 0
