"""Clause segmentation: blocks, sections with numbers and headings, sentences, and candidate spans.

Offsets are always into the extracted text, so every clause, sentence and candidate can be shown in
place and traced to its page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A section number at the start of a block: "1.", "1.1", "12.3.4", "Section 5", "ARTICLE IV", "(a)", "A."
SECTION_RE = re.compile(
    r"""^(?:
        (?P<word>(?:section|article|clause|paragraph|schedule|exhibit)\s+[0-9ivxlc]+(?:\.[0-9]+)*\.?)
      | (?P<num>\d{1,2}(?:\.\d{1,2}){0,3}\.?)(?=\s)
      | (?P<paren>\((?:[a-z]{1,2}|[ivx]{1,4}|\d{1,2})\))
      | (?P<letter>[A-Z]\.)(?=\s)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_HARD_BREAK = re.compile(r"\n[ \t]*\n+|[ \t]{3,}|\f")
_LINE = re.compile(r"[^\n]+")
# A possible sentence end: terminal punctuation, optional closing quote/bracket, whitespace.
_SENT_END = re.compile(r"[.?!][\"')\]]*\s+")
_ABBREV = {
    "inc",
    "corp",
    "co",
    "ltd",
    "llc",
    "no",
    "nos",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "sec",
    "secs",
    "art",
    "vs",
    "v",
    "e.g",
    "i.e",
    "etc",
    "u.s",
    "u.k",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "para",
    "cf",
    "approx",
    "dept",
    "p",
    "pp",
    "s.a",
    "n.v",
    "l.p",
    "b.v",
    "ph.d",
    "jr",
    "sr",
    "ave",
    "fig",
}
_DATE_RE = re.compile(
    r"""(?:
        (?:(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:day\s+)?(?:of\s+)?)?
        (?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|
           Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)
        \s*(?:\d{1,2}(?:st|nd|rd|th)?|\[[\s*_]*\]|_+)?,?\s*(?:\d{4}|\[[\s*_]*\]|_+)
      | \d{1,2}/\d{1,2}/\d{2,4}
      | \d{4}-\d{2}-\d{2}
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_PARTY_RE = re.compile(
    r"""(?:
        [A-Z0-9][\w&'.,\-]*(?:\s+(?:[A-Z0-9&][\w&'.\-]*|of|and|de|the|for))*?,?\s+
        (?:Inc|Incorporated|Corp|Corporation|Company|Co|LLC|L\.L\.C|Ltd|Limited|LP|L\.P|LLP|PLC|plc|GmbH|AG|S\.A|
           N\.V|B\.V|Trust|Bank|University|Association|Partners|Holdings|Group)\b\.?
      | \(\s*["“][^"”]{1,60}["”]\s*\)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Sentence:
    """A sentence (or sentence-like line) with its offsets and the clause it belongs to."""

    start: int
    end: int
    clause: int


@dataclass(frozen=True)
class Clause:
    """A numbered or headed section of the contract: its number, heading and character range."""

    index: int
    start: int
    end: int
    number: str
    heading: str


@dataclass(frozen=True)
class Candidate:
    """A span the clause model scores: a sentence, a paragraph, a part of a sentence, a date, a name or a title."""

    start: int
    end: int
    kind: str
    clause: int


@dataclass
class Segmentation:
    """The clauses, sentences and candidate spans of one text."""

    text: str
    clauses: list[Clause]
    sentences: list[Sentence]
    candidates: list[Candidate]


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraph-like blocks: hard breaks split, soft line wraps inside a paragraph are joined."""
    pieces: list[tuple[int, int]] = []
    pos = 0
    for m in _HARD_BREAK.finditer(text):
        if m.start() > pos:
            pieces.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        pieces.append((pos, len(text)))
    blocks: list[tuple[int, int]] = []
    for p_start, p_end in pieces:
        current: tuple[int, int] | None = None
        for lm in _LINE.finditer(text, p_start, p_end):
            line = lm.group()
            stripped = line.strip()
            if not stripped:
                continue
            s = lm.start() + (len(line) - len(line.lstrip()))
            e = lm.start() + len(line.rstrip())
            if current is None:
                current = (s, e)
                continue
            prev = text[current[0] : current[1]]
            join = not (
                prev.rstrip().endswith((".", ":", ";", "!", "?"))
                or _is_heading(prev)
                or SECTION_RE.match(stripped)
                or _is_heading(stripped)
                and len(stripped) < 60
            )
            if join:
                current = (current[0], e)
            else:
                blocks.append(current)
                current = (s, e)
        if current is not None:
            blocks.append(current)
    return blocks


def _is_heading(line: str) -> bool:
    """A short line that names a section rather than saying something: upper-case or title-case words."""
    s = line.strip()
    if not s or len(s) > 80:
        return False
    m = SECTION_RE.match(s)
    rest = s[m.end() :].strip() if m else s
    if not rest:
        return bool(m)
    if rest.endswith((",", ";")) or len(rest.split()) > 10:
        return False
    letters = [c for c in rest if c.isalpha()]
    if not letters:
        return False
    if sum(c.isupper() for c in letters) / len(letters) > 0.8:
        return True
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", rest) if w.lower() not in {"of", "and", "the", "to", "or", "in"}]
    return (
        bool(words)
        and all(w[0].isupper() for w in words)
        and not rest.endswith(".")
        or (bool(m) and bool(words) and all(w[0].isupper() for w in words))
    )


def _split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans within [start, end), keeping abbreviations, initials and section numbers intact."""
    out: list[tuple[int, int]] = []
    pos = start
    for m in _SENT_END.finditer(text, start, end):
        cut = m.start() + 1
        word_m = re.search(r"([\w.]+)$", text[max(pos, m.start() - 20) : m.start()])
        word = word_m.group(1).lower() if word_m else ""
        nxt = text[m.end() : m.end() + 1]
        if text[m.start()] == "." and (
            word in _ABBREV
            or (len(word) == 1 and word.isalpha())
            or re.fullmatch(r"\d{1,2}(\.\d{1,2})*", word) is not None
            and m.start() - pos < 12
        ):
            continue
        if nxt and not (nxt.isupper() or nxt.isdigit() or nxt in "\"'(“[•"):
            continue
        out.append((pos, cut if text[cut - 1] in ".?!" else m.end()))
        pos = m.end()
    if pos < end and text[pos:end].strip():
        out.append((pos, end))
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in out) if e > s]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span to exclude surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _inline_heading(text: str, start: int, end: int) -> str:
    """The heading of a block that opens with one, e.g. '5.2 Exclusivity. Talent shall ...' -> 'Exclusivity'."""
    block = text[start:end]
    m = SECTION_RE.match(block)
    rest = block[m.end() :] if m else block
    hm = re.match(r"\s*([A-Z][\w'/&-]*(?:[ \t]+(?:[A-Z][\w'/&-]*|of|and|or|to|the|in|for|on)){0,7})\s*[.:\-–—]\s", rest)
    if hm and len(hm.group(1)) <= 60:
        return hm.group(1).strip()
    return ""


def segment(text: str) -> Segmentation:
    """Split a contract into clauses (number + heading), sentences and the model's candidate spans."""
    clauses: list[Clause] = []
    sentences: list[Sentence] = []
    candidates: list[Candidate] = []
    blocks = _blocks(text)
    number, heading = "", ""
    clause_start = 0
    block_clause: list[int] = []
    n = len(text)
    early = max(3000, n // 20)
    for b_start, b_end in blocks:
        block = text[b_start:b_end]
        m = SECTION_RE.match(block)
        is_head = _is_heading(block)
        # A new clause starts at a numbered block or a stand-alone heading.
        if m or is_head:
            if clauses or b_start > 0:
                clauses.append(Clause(len(clauses), clause_start, b_start, number, heading))
            clause_start = b_start
            number = m.group().strip().rstrip(".") if m and (m.group("num") or m.group("word")) else ""
            if m and not number:
                number = m.group().strip()
            heading = block[m.end() :].strip() if is_head and m else (block.strip() if is_head else "")
            if not is_head:
                heading = _inline_heading(text, b_start, b_end)
            heading = re.sub(r"\s+", " ", heading).strip(" .:")[:80]
        block_clause.append(len(clauses))
        ci = len(clauses)
        spans = _split_sentences(text, b_start, b_end)
        for s, e in spans:
            sentences.append(Sentence(s, e, ci))
            candidates.append(Candidate(s, e, "sent", ci))
            if e - s > 250:
                # Long sentences often carry several provisions; parts let a label fit a provision.
                pos = s
                for pm in re.finditer(
                    r";\s+|:\s+(?=\(?[a-z0-9]{1,3}\)\s)|\s(?=\([a-z]{1,2}\)\s|\([ivx]{1,4}\)\s)", text[s:e]
                ):
                    cut = s + pm.start()
                    if cut - pos > 40:
                        candidates.append(Candidate(*_trim(text, pos, cut + 1), "part", ci))
                    pos = s + pm.end()
                if pos > s and e - pos > 40:
                    candidates.append(Candidate(*_trim(text, pos, e), "part", ci))
        if len(spans) > 1 and b_end - b_start <= 2500:
            candidates.append(Candidate(b_start, b_end, "para", ci))
        if b_start < early and b_end - b_start <= 120 and len(spans) <= 1:
            candidates.append(Candidate(b_start, b_end, "title", ci))
        for dm in _DATE_RE.finditer(text, b_start, b_end):
            candidates.append(Candidate(dm.start(), dm.end(), "date", ci))
        if b_start < early:
            for pm2 in _PARTY_RE.finditer(text, b_start, b_end):
                s2, e2 = _trim(text, pm2.start(), pm2.end())
                if text[s2] == "(":
                    q = re.search(r"[\"“]([^\"”]+)[\"”]", text[s2:e2])
                    if q:
                        s2, e2 = s2 + q.start(1), s2 + q.end(1)
                candidates.append(Candidate(s2, e2, "party", ci))
    clauses.append(Clause(len(clauses), clause_start, n, number, heading))
    # A span can be produced twice (a one-sentence block is also its own title); keep the first kind.
    seen: set[tuple[int, int]] = set()
    unique: list[Candidate] = []
    for c in candidates:
        key = (c.start, c.end)
        if key in seen or c.end - c.start < 2:
            continue
        seen.add(key)
        unique.append(c)
    return Segmentation(text, clauses, sentences, unique)
