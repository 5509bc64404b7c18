"""The union playbook: YAML categories and rules, validated on load and evaluated against a segmented contract."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PLAYBOOK_DIR = Path(__file__).parent / "playbook"
STATUSES = ("MATCH", "DEVIATION", "MISSING", "UNCLEAR")
SEVERITIES = ("high", "medium", "low", "info")
KINDS = ("require", "forbid", "absent", "review")
# A standard may only come from the union material in the references, never from nowhere.
_CITATION = re.compile(r"^(contract-review\.md §(7(\.\d)?|5)|residuals-rules\.md a\d+)\b")


class PlaybookError(ValueError):
    """A playbook file that does not follow the format; the message names the file, rule and field."""


@dataclass(frozen=True)
class UnionCategory:
    """A union category: regular expressions over sentences plus CUAD categories that also count."""

    key: str
    label: str
    patterns: tuple[re.Pattern[str], ...]
    cuad: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """One playbook rule: which category it checks, how, and the standard it cites."""

    id: str
    title: str
    category: str
    kind: str
    severity: str
    standard: str
    cites: tuple[str, ...]
    suggested: str
    match: tuple[re.Pattern[str], ...] = ()
    deviate: tuple[re.Pattern[str], ...] = ()
    unless: tuple[re.Pattern[str], ...] = ()
    if_present: tuple[re.Pattern[str], ...] = ()
    otherwise: str = "UNCLEAR"
    precedence: str = "deviate"
    scope: str = "clause"
    missing_when_absent: bool = False


@dataclass
class Playbook:
    """The union categories and rules of one playbook file."""

    name: str
    path: Path
    categories: dict[str, UnionCategory]
    rules: list[Rule]
    sources: dict[str, str] = field(default_factory=dict)


def _compile(where: str, patterns: Any) -> tuple[re.Pattern[str], ...]:
    if patterns is None:
        return ()
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise PlaybookError(f"{where}: expected a list of regular expressions")
    out = []
    for p in patterns:
        try:
            out.append(re.compile(p, re.IGNORECASE))
        except re.error as exc:
            raise PlaybookError(f"{where}: bad regular expression {p!r} ({exc})") from exc
    return tuple(out)


def load_playbook(path: Path | None = None) -> Playbook:
    """Load and validate a playbook YAML (default: the union playbook shipped in the package)."""
    path = Path(path) if path else PLAYBOOK_DIR / "union.yaml"
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PlaybookError(f"{path}: cannot be read as YAML ({exc})") from exc
    if (
        not isinstance(doc, dict)
        or not isinstance(doc.get("categories"), dict)
        or not isinstance(doc.get("rules"), list)
    ):
        raise PlaybookError(f"{path}: needs 'categories' (a mapping) and 'rules' (a list)")
    categories: dict[str, UnionCategory] = {}
    for key, spec in doc["categories"].items():
        where = f"{path}: categories.{key}"
        if not isinstance(spec, dict) or "label" not in spec:
            raise PlaybookError(f"{where}: needs a label")
        categories[key] = UnionCategory(
            key, str(spec["label"]), _compile(f"{where}.patterns", spec.get("patterns")), tuple(spec.get("cuad") or ())
        )
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, spec in enumerate(doc["rules"]):
        where = f"{path}: rules[{i}]"
        if not isinstance(spec, dict):
            raise PlaybookError(f"{where}: a rule is a mapping")
        for needed in ("id", "title", "category", "kind", "severity", "standard", "cites"):
            if needed not in spec:
                raise PlaybookError(f"{where}: missing {needed!r}")
        rid = str(spec["id"])
        where = f"{path}: rule {rid}"
        if rid in seen:
            raise PlaybookError(f"{where}: duplicate id")
        seen.add(rid)
        if spec["category"] not in categories:
            raise PlaybookError(f"{where}: unknown category {spec['category']!r}")
        if spec.get("precedence", "deviate") not in ("deviate", "match"):
            raise PlaybookError(f"{where}: precedence must be 'deviate' or 'match'")
        if spec.get("scope", "clause") not in ("clause", "contract"):
            raise PlaybookError(f"{where}: scope must be 'clause' or 'contract'")
        if spec["kind"] not in KINDS:
            raise PlaybookError(f"{where}: kind must be one of {', '.join(KINDS)}")
        if spec["severity"] not in SEVERITIES:
            raise PlaybookError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
        otherwise = spec.get("otherwise", "UNCLEAR")
        if otherwise not in STATUSES:
            raise PlaybookError(f"{where}: otherwise must be one of {', '.join(STATUSES)}")
        cites = spec["cites"]
        if not isinstance(cites, list) or not cites:
            raise PlaybookError(f"{where}: cites must be a non-empty list")
        for c in cites:
            if not _CITATION.match(str(c)):
                raise PlaybookError(
                    f"{where}: citation {c!r} is not to contract-review.md §7/§5 or residuals-rules.md; "
                    "every standard must come from the union's reference material"
                )
        rules.append(
            Rule(
                id=rid,
                title=str(spec["title"]),
                category=str(spec["category"]),
                kind=str(spec["kind"]),
                severity=str(spec["severity"]),
                standard=" ".join(str(spec["standard"]).split()),
                cites=tuple(str(c) for c in cites),
                suggested=" ".join(str(spec.get("suggested") or "").split()),
                match=_compile(f"{where}.match", spec.get("match")),
                deviate=_compile(f"{where}.deviate", spec.get("deviate")),
                unless=_compile(f"{where}.unless", spec.get("unless")),
                if_present=_compile(f"{where}.if_present", spec.get("if_present")),
                otherwise=otherwise,
                precedence=str(spec.get("precedence", "deviate")),
                scope=str(spec.get("scope", "clause")),
                missing_when_absent=bool(spec.get("missing_when_absent", False)),
            )
        )
    return Playbook(str(doc.get("name", path.stem)), path, categories, rules, dict(doc.get("sources") or {}))


@dataclass(frozen=True)
class RuleOutcome:
    """What a rule found: a status and the sentences (indices into the sentence list) that are its evidence."""

    rule: Rule
    status: str
    evidence: tuple[int, ...]
    explanation: str


def detect_categories(
    playbook: Playbook, sentences: Sequence[str], cuad_hits: dict[str, set[int]]
) -> dict[str, list[int]]:
    """Sentence indices of each union category: its patterns, plus sentences labelled with its CUAD categories."""
    found: dict[str, list[int]] = {}
    for key, cat in playbook.categories.items():
        hits = {i for i, s in enumerate(sentences) if any(p.search(s) for p in cat.patterns)}
        for c in cat.cuad:
            hits |= cuad_hits.get(c, set())
        if hits:
            found[key] = sorted(hits)
    return found


def evaluate_rules(
    playbook: Playbook, sentences: Sequence[str], clause_of: Sequence[int], found: dict[str, list[int]]
) -> tuple[list[RuleOutcome], list[Rule]]:
    """Evaluate every rule; returns the outcomes and the rules that did not apply to this contract."""
    outcomes: list[RuleOutcome] = []
    not_applicable: list[Rule] = []
    # Evidence reads better as a full sentence than as a bare heading such as "4. Digital Replica."
    substantive = {i for i, s in enumerate(sentences) if len(s.split()) >= 6}
    for rule in playbook.rules:
        trigger = sorted(found.get(rule.category, []), key=lambda i: (i not in substantive, i))
        label = playbook.categories[rule.category].label.lower()
        if rule.kind == "absent":
            if trigger:
                not_applicable.append(rule)
                continue
            hits = [i for i, s in enumerate(sentences) if any(p.search(s) for p in rule.if_present)]
            if hits:
                outcomes.append(
                    RuleOutcome(
                        rule,
                        "DEVIATION",
                        tuple(hits[:5]),
                        f"no {label} clause, yet the contract grants {_quote(rule.if_present, sentences[hits[0]])}",
                    )
                )
            else:
                not_applicable.append(rule)
            continue
        if not trigger:
            if rule.missing_when_absent:
                outcomes.append(RuleOutcome(rule, "MISSING", (), f"the contract says nothing about {label}"))
            else:
                not_applicable.append(rule)
            continue
        if rule.kind == "review":
            why = f"{len(trigger)} sentence(s) on {label}; no union standard in the reference, review"
            outcomes.append(RuleOutcome(rule, "UNCLEAR", tuple(trigger[:5]), why))
            continue
        if rule.kind == "forbid":
            scope = trigger
        elif rule.scope == "contract":
            scope = list(range(len(sentences)))
        else:
            scope = _neighbourhood(trigger, clause_of, len(sentences))
        deviations = sorted(
            [
                i
                for i in scope
                if any(p.search(sentences[i]) for p in rule.deviate)
                and not any(p.search(sentences[i]) for p in rule.unless)
            ],
            key=lambda i: (i not in substantive, i),
        )
        if rule.kind == "forbid":
            if deviations:
                outcomes.append(
                    RuleOutcome(
                        rule,
                        "DEVIATION",
                        tuple(deviations[:5]),
                        f"the {label} terms say {_quote(rule.deviate, sentences[deviations[0]])}",
                    )
                )
            else:
                outcomes.append(RuleOutcome(rule, "MATCH", tuple(trigger[:3]), "nothing contrary found"))
            continue
        matches = [i for i in scope if any(p.search(sentences[i]) for p in rule.match)]
        if deviations and (rule.precedence == "deviate" or not matches):
            why = f"contrary language: {_quote(rule.deviate, sentences[deviations[0]])}"
            outcomes.append(RuleOutcome(rule, "DEVIATION", tuple(deviations[:5]), why))
        elif matches:
            why = f"the standard's language is present: {_quote(rule.match, sentences[matches[0]])}"
            outcomes.append(RuleOutcome(rule, "MATCH", tuple(matches[:3]), why))
        else:
            why = {
                "MISSING": "the protection is absent from the " + label + " terms",
                "DEVIATION": "the " + label + " terms lack the required protection",
                "UNCLEAR": "the " + label + " terms neither meet nor contradict the standard; review",
                "MATCH": "",
            }[rule.otherwise]
            outcomes.append(RuleOutcome(rule, rule.otherwise, tuple(trigger[:3]), why))
    return outcomes, not_applicable


def _quote(patterns: Sequence[re.Pattern[str]], sentence: str) -> str:
    """The words of a sentence that a rule's pattern matched, quoted (clipped to a readable length)."""
    for p in patterns:
        m = p.search(sentence)
        if m:
            words = m.group(0)
            return "“" + (words if len(words) <= 90 else words[:87] + "…") + "”"
    return ""


def _neighbourhood(indices: Sequence[int], clause_of: Sequence[int], n: int, width: int = 2) -> list[int]:
    """The trigger sentences and up to `width` sentences either side within the same section."""
    out: set[int] = set()
    for i in indices:
        for j in range(max(0, i - width), min(n, i + width + 1)):
            if clause_of[j] == clause_of[i]:
                out.add(j)
    return sorted(out)
