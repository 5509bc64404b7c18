"""One policy function for both questions: "may producer X use performer Y's replica for Z on date D,
and why" and "which uses does this consent cover". Both return rows of (consent, use, allow, reason).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from greenroom.consent import rules
from greenroom.consent.models import Consent, StatusEvent, Use
from greenroom.consent.registry import SUSPENSION, Snapshot
from greenroom.contracts.params import load_pack

# How far a consent got before it failed to cover a use: the furthest failure is the best explanation.
RANK = {"other_replica": 0, "other_producer": 1, "other_project": 2, "medium_not_covered": 3,
        "real_time_not_consented": 4, "superseded": 5, "invalid_consent": 5, "before_consent": 6,
        "after_term": 6, "revoked": 7, "suspended": 8, "minor_protected": 8, "covered": 9, "no_consent": -1}


@dataclass(frozen=True)
class Question:
    """A use, asked about in advance or reported by a producer."""

    producer: str
    performer_id: str
    project: str
    start: dt.date
    end: dt.date
    medium: str = ""
    real_time: bool = False
    replica_id: str | None = None
    use_id: str | None = None
    sexual_content: bool = False  # a nude or sexual depiction

    @classmethod
    def of_use(cls, u: Use) -> Question:
        """The question a reported use asks."""
        return cls(u.producer, u.performer_id, u.project, u.start_date, u.end_date, u.medium, u.real_time,
                   u.replica_id, u.use_id, bool(u.sexual_content))


@dataclass(frozen=True)
class PolicyRow:
    """One consent judged against one use: allow, a machine code and a reason in plain words."""

    consent_id: str | None
    use_id: str | None
    performer_id: str
    producer: str
    project: str
    start: dt.date
    end: dt.date
    allow: bool
    code: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data."""
        d = asdict(self)
        d["start"], d["end"] = self.start.isoformat(), self.end.isoformat()
        return d


def invalid_reason(c: Consent, snap: Snapshot) -> str | None:
    """Why a consent cannot cover any use (not separate, blanket, signed by someone not entitled)."""
    if not c.separate:
        return "it was buried in the standard terms, not given clearly and separately"
    blanket = rules.blanket_reason(c.agreement, list(c.projects), c.description)
    if blanket:
        return "it is a blanket consent: " + blanket
    return signer_problem(c, snap)


def signer_problem(c: Consent, snap: Snapshot) -> str | None:
    """Why the person who signed could not give this consent, if they could not."""
    performer = snap.performers.get(c.performer_id)
    deceased = performer.deceased_on if performer else None
    if deceased is not None and c.signed_on >= deceased and c.signed_by == "performer":
        return f"it is dated {c.signed_on}, after the performer died ({deceased}); only the authorised " \
               "representative (or the union if none can be found) can consent"
    if c.signed_by == "union" and (deceased is None or (performer and performer.representative)):
        return "the union may consent only for a deceased performer with no authorised representative"
    if c.signed_by == "representative" and deceased is None:
        return "a representative signed for a living performer"
    on_record = performer.representative if performer else None
    if c.signed_by == "representative" and on_record and c.signer_name.strip() and \
            _norm(c.signer_name) != _norm(on_record):
        return f"it was signed by {c.signer_name.strip()}, not by the authorised representative on record ({on_record})"
    return None


def age_on(born: dt.date, on: dt.date) -> int:
    """Whole years of age on a date."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def minor_problem(snap: Snapshot, performer_id: str, replica_id: str | None, on: dt.date
                  ) -> tuple[str, str, str] | None:
    """(whose replica, cited rule, agreement) when a nude or sexual depiction by this replica on this date is
    barred because the performer was a minor when it was made or on the date; None when no rule applies."""
    performer = snap.performers.get(performer_id)
    replica = snap.replicas.get(replica_id) if replica_id else None
    if performer is None or performer.born_on is None:
        return None
    agreements = [replica.agreement] if replica else sorted({r.agreement for r in snap.replicas.values()
                                                            if r.performer_id == performer_id})
    for agreement in agreements:
        pack = load_pack(agreement)
        if "ai.minor_sexual_depiction_prohibited" not in pack.parameters:
            continue
        rule = pack.dated("ai.minor_sexual_depiction_prohibited", on)
        age = pack.dated("ai.minor_age", on)
        if rule is None or not rule.value or age is None:
            continue
        # A minor's replica stays a minor's when aged up later: the age when it was made counts too.
        when = [d for d in (replica.created_on if replica else None, on) if d is not None]
        young = [d for d in when if age_on(performer.born_on, d) < int(age.value)]
        if young:
            d = young[0]
            return (f"the replica of a performer aged {age_on(performer.born_on, d)} on {d} (born "
                    f"{performer.born_on}; a minor under {age.value})", f"{rule.ref_id}; {age.ref_id}", agreement)
    return None


def _suspensions(c: Consent, events: list[StatusEvent], start: dt.date, end: dt.date) -> list[StatusEvent]:
    out = []
    for e in events:
        if e.kind != SUSPENSION:
            continue
        applies = all(want is None or want == have for want, have in (
            (e.consent_id, c.consent_id), (e.performer_id, c.performer_id), (e.agreement, c.agreement)))
        applies = applies and (e.producer is None or _norm(e.producer) == _norm(c.producer))
        if applies and e.start <= end and (e.end is None or e.end >= start):
            out.append(e)
    return out


def _norm(name: str) -> str:
    """Names compare without regard to case or runs of spaces ("Northlight  pictures" is Northlight Pictures)."""
    return " ".join(name.split()).casefold()


def _event(e: StatusEvent) -> str:
    return f"{e.event_id}: {e.reason}" if e.reason else e.event_id


def judge(c: Consent, q: Question, snap: Snapshot, superseded: set[str]) -> tuple[bool, str, str]:
    """(allow, code, reason) for one consent and one use."""
    cid = c.consent_id
    if q.replica_id is not None and c.replica_id != q.replica_id:
        return False, "other_replica", f"consent {cid} is for replica {c.replica_id}, not {q.replica_id}"
    if _norm(c.producer) != _norm(q.producer):
        return False, "other_producer", f"consent {cid} was given to {c.producer}, not {q.producer}"
    projects = list(c.projects)
    if _norm(q.project) not in {_norm(p) for p in projects} and not any(rules.is_wildcard(p) for p in projects):
        return False, "other_project", f"consent {cid} covers {', '.join(projects)}, not {q.project}"
    media = [_norm(m) for m in c.media]
    if q.medium and media and _norm(q.medium) not in media and not any(rules.is_wildcard(m) for m in media):
        return False, "medium_not_covered", f"consent {cid} covers {', '.join(c.media)}, not {q.medium}"
    if q.real_time and not c.real_time:
        return False, "real_time_not_consented", f"consent {cid} does not state use for real-time generation"
    if q.sexual_content:
        minor = minor_problem(snap, q.performer_id, c.replica_id, q.start)
        if minor:
            return False, "minor_protected", (f"{minor[0]} may not be used for a nude or sexual depiction, even "
                                              f"with consent ({minor[1]})")
    if cid in superseded:
        return False, "superseded", f"consent {cid} was corrected by a later consent"
    invalid = invalid_reason(c, snap)
    if invalid:
        return False, "invalid_consent", f"consent {cid} is not valid: {invalid}"
    first = max(c.signed_on, c.term_start)
    if q.start < first:
        return False, "before_consent", f"the use starts {q.start}, before consent {cid} took effect ({first})"
    if c.term_end is not None and q.end > c.term_end:
        return False, "after_term", f"the use runs to {q.end}, after consent {cid} ended ({c.term_end})"
    revoked = [e for e in snap.revocations_of(cid) if e.start <= q.end]
    if revoked:
        e = min(revoked, key=lambda x: x.start)
        return False, "revoked", f"consent {cid} was revoked from {e.start} ({_event(e)})"
    held = _suspensions(c, snap.suspensions, q.start, q.end)
    if held:
        e = held[0]
        until = f" to {e.end}" if e.end else ""
        return False, "suspended", f"consent {cid} was suspended from {e.start}{until} ({_event(e)})"
    desc = c.description if len(c.description) <= 80 else c.description[:77] + "..."
    return True, "covered", f"covered by consent {cid} signed {c.signed_on} for {', '.join(projects)}: {desc}"


def superseded_ids(snap: Snapshot) -> set[str]:
    """Consents that a later consent corrected."""
    return {c.supersedes for c in snap.consents if c.supersedes}


def policy(snap: Snapshot, *, consent_id: str | None = None, producer: str | None = None,
           performer_id: str | None = None, project: str | None = None, on: dt.date | None = None,
           until: dt.date | None = None, medium: str = "", real_time: bool = False,
           replica_id: str | None = None, sexual_content: bool = False) -> list[PolicyRow]:
    """Rows of allow + reason: for a consent, one per reported use of its replica; for a question, one per
    consent of the performer (or one 'no consent' row). A use is allowed when any row allows it."""
    gone = superseded_ids(snap)
    if consent_id is not None:
        consent = next((c for c in snap.consents if c.consent_id == consent_id), None)
        if consent is None:
            raise LookupError(f"no consent {consent_id!r}")
        rows = []
        for u in sorted(snap.uses, key=lambda x: (x.start_date, x.use_id)):
            if u.performer_id == consent.performer_id and u.replica_id == consent.replica_id:
                rows.append(_row(consent, Question.of_use(u), snap, gone))
        return rows
    if producer is None or performer_id is None or project is None or on is None:
        raise ValueError("ask with a consent id, or with producer, performer, project and date")
    q = Question(producer, performer_id, project, on, until or on, medium, real_time, replica_id,
                 sexual_content=sexual_content)
    return judge_question(snap, q, gone)


def judge_question(snap: Snapshot, q: Question, gone: set[str] | None = None) -> list[PolicyRow]:
    """Every consent of the question's performer judged against it, best first."""
    gone = superseded_ids(snap) if gone is None else gone
    rows = [_row(c, q, snap, gone) for c in snap.consents_of(q.performer_id)]
    if not rows:
        reason = f"no consent of {q.performer_id} is on record"
        return [PolicyRow(None, q.use_id, q.performer_id, q.producer, q.project, q.start, q.end, False,
                          "no_consent", reason)]
    return sorted(rows, key=lambda r: (-RANK[r.code], r.consent_id or ""))


def _row(c: Consent, q: Question, snap: Snapshot, gone: set[str]) -> PolicyRow:
    allow, code, reason = judge(c, q, snap, gone)
    return PolicyRow(c.consent_id, q.use_id, q.performer_id, q.producer, q.project, q.start, q.end, allow, code,
                     reason)


def decide(rows: list[PolicyRow]) -> PolicyRow:
    """The answer the rows give: the allowing row, else the row that explains the refusal best."""
    return sorted(rows, key=lambda r: (-RANK[r.code], r.consent_id or ""))[0]
