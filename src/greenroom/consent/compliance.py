"""Compliance findings over the registry: uses without a covering consent, uses after revocation or
during a suspension, late or missing notices, consents buried in standard terms, blanket consents,
consents signed by someone not entitled, conflicting duplicate reports, uses that cannot be priced,
Commercials uses without 48 hours' notice, and nude or sexual depictions by a minor's replica.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from greenroom.consent import rules
from greenroom.consent.compensation import compute
from greenroom.consent.policy import (
    Question,
    decide,
    judge_question,
    minor_problem,
    signer_problem,
    superseded_ids,
)
from greenroom.consent.registry import Snapshot
from greenroom.contracts.params import load_pack

USE_WITHOUT_CONSENT = "use_without_consent"
USE_BEFORE_CONSENT = "use_before_consent"
USE_AFTER_REVOCATION = "use_after_revocation"
USE_DURING_SUSPENSION = "use_during_suspension"
LATE_NOTICE = "late_notice"
MISSING_NOTICE = "missing_notice"
NOT_SEPARATE = "consent_not_separate"
BLANKET = "blanket_consent"
SIGNER = "signer_not_authorised"
DUPLICATE = "duplicate_report"
UNPRICED = "compensation_unknown"
USE_NOTICE = "use_notice"
MINOR = "minor_sexual_depiction"
TYPES = (USE_WITHOUT_CONSENT, USE_BEFORE_CONSENT, USE_AFTER_REVOCATION, USE_DURING_SUSPENSION, LATE_NOTICE,
         MISSING_NOTICE, NOT_SEPARATE, BLANKET, SIGNER, DUPLICATE, UNPRICED, USE_NOTICE, MINOR)
_BY_CODE = {"revoked": USE_AFTER_REVOCATION, "suspended": USE_DURING_SUSPENSION, "before_consent": USE_BEFORE_CONSENT}
# Refused because the performer is a minor: the minor_sexual_depiction finding says so, once.
_NOT_A_CONSENT_PROBLEM = ("minor_protected",)


@dataclass(frozen=True)
class Finding:
    """One compliance problem: its type, whom and what it concerns, the record it is about, and why."""

    type: str
    performer_id: str
    producer: str
    project: str
    subject_id: str
    on: dt.date | None
    reason: str
    agreement: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        d = asdict(self)
        d["on"] = self.on.isoformat() if self.on else None
        return d


def _agreement(snap: Snapshot, replica_id: str) -> str:
    r = snap.replicas.get(replica_id)
    return r.agreement if r else ""


def use_findings(snap: Snapshot) -> list[Finding]:
    """A finding for every reported use that no consent covers, with the reason of the closest consent."""
    gone = superseded_ids(snap)
    out = []
    for u in sorted(snap.uses, key=lambda x: (x.start_date, x.use_id)):
        best = decide(judge_question(snap, Question.of_use(u), gone))
        if best.allow or best.code in _NOT_A_CONSENT_PROBLEM:
            continue
        kind = _BY_CODE.get(best.code, USE_WITHOUT_CONSENT)
        out.append(Finding(kind, u.performer_id, u.producer, u.project, u.use_id, u.start_date, best.reason,
                           _agreement(snap, u.replica_id)))
    for u in snap.uses:
        first = snap.duplicate_of(u)
        if first:
            out.append(Finding(DUPLICATE, u.performer_id, u.producer, u.project, u.use_id, u.start_date,
                               f"the same use was reported before as {first} with different figures; withdraw "
                               f"the wrong report (`greenroom consent withdraw {u.use_id}` or {first})",
                               _agreement(snap, u.replica_id)))
    return out


def use_notice_findings(snap: Snapshot) -> list[Finding]:
    """Uses under an agreement that requires notice before use (Commercials) with no notice or too little."""
    out = []
    for u in sorted(snap.uses, key=lambda x: (x.start_date, x.use_id)):
        agreement = _agreement(snap, u.replica_id)
        pid = rules.USE_NOTICE_PARAM.get(agreement)
        dated = load_pack(agreement).dated(pid, u.start_date) if pid else None
        if dated is None:
            continue
        hours = int(dated.value)
        # Reports give the use's dates, not times: the use is taken to begin when its first day does.
        begins = dt.datetime.combine(u.start_date, dt.time())
        if u.notified_at is None:
            reason = f"no notice of this use was reported ({hours} hours before use required, {dated.ref_id})"
        elif u.notified_at > begins - dt.timedelta(hours=hours):
            minutes = int((begins - u.notified_at).total_seconds() // 60)
            # Whole minutes, so a notice a minute short never reads as the full period.
            when = "before" if minutes >= 0 else "after the start of"
            given = f"{abs(minutes) // 60} h {abs(minutes) % 60:02d} min"
            reason = (f"notice of the use given {given} {when} its first day ({u.start_date}); "
                      f"{hours} hours required ({dated.ref_id})")
        else:
            continue
        out.append(Finding(USE_NOTICE, u.performer_id, u.producer, u.project, u.use_id, u.start_date, reason,
                           agreement))
    return out


def minor_findings(snap: Snapshot) -> list[Finding]:
    """Nude or sexual depictions by the replica of a performer who was a minor when it was made or used."""
    out = []
    for u in sorted(snap.uses, key=lambda x: (x.start_date, x.use_id)):
        if not u.sexual_content:
            continue
        problem = minor_problem(snap, u.performer_id, u.replica_id, u.start_date)
        if problem:
            whose, refs, agreement = problem
            out.append(Finding(MINOR, u.performer_id, u.producer, u.project, u.use_id, u.start_date,
                               f"{whose} was used for a nude or sexual depiction, which is not allowed even with "
                               f"consent ({refs})", agreement))
    return out


def consent_findings(snap: Snapshot) -> list[Finding]:
    """Consents buried in standard terms, blanket consents and consents signed by someone not entitled."""
    out = []
    for c in sorted(snap.consents, key=lambda x: x.consent_id):
        project = ", ".join(c.projects)
        if not c.separate:
            out.append(Finding(NOT_SEPARATE, c.performer_id, c.producer, project, c.consent_id, c.signed_on,
                               "consent was buried in the standard terms, not given clearly and separately",
                               c.agreement))
        blanket = rules.blanket_reason(c.agreement, list(c.projects), c.description)
        if blanket:
            out.append(Finding(BLANKET, c.performer_id, c.producer, project, c.consent_id, c.signed_on,
                               f"blanket consent: {blanket}", c.agreement))
        signer = signer_problem(c, snap)
        if signer:
            out.append(Finding(SIGNER, c.performer_id, c.producer, project, c.consent_id, c.signed_on,
                               f"consent not validly given: {signer}", c.agreement))
    return out


def notice_hours(agreement: str, on: dt.date) -> tuple[int, str] | None:
    """Hours of notice the agreement requires on a date, with the value's reference (None: no rule known)."""
    pid = rules.NOTICE_PARAM.get(agreement)
    if pid is None:
        return None
    dated = load_pack(agreement).dated(pid, on)
    return (int(dated.value), dated.ref_id) if dated is not None else None


def notice_findings(snap: Snapshot) -> list[Finding]:
    """Creation sessions with no notice or too little; replicas made with the performer but no session on record."""
    out = []
    for n in sorted(snap.notices, key=lambda x: x.notice_id):
        need = notice_hours(n.agreement, n.session_at.date())
        if need is None:
            continue
        hours, ref = need
        if n.notified_at is None:
            out.append(Finding(MISSING_NOTICE, n.performer_id, n.producer, n.project, n.notice_id, n.session_at.date(),
                               f"no notice was given for the creation session on {n.session_at:%Y-%m-%d %H:%M} "
                               f"({hours} hours required, {ref})", n.agreement))
            continue
        deadline = n.session_at - dt.timedelta(hours=hours)
        short_engagement = n.engaged_at is not None and n.engaged_at > deadline
        if short_engagement and n.engaged_at is not None:
            deadline = n.engaged_at  # engaged with less than the notice period left: notice at engagement
        if n.notified_at > deadline:
            given = (n.session_at - n.notified_at).total_seconds() / 3600
            rule = "at engagement" if short_engagement else f"{hours} hours ahead"
            out.append(Finding(LATE_NOTICE, n.performer_id, n.producer, n.project, n.notice_id, n.session_at.date(),
                               f"notice given {given:.1f} hours before the session; required {rule} ({ref})",
                               n.agreement))
    with_session = {n.replica_id for n in snap.notices}
    for r in sorted(snap.replicas.values(), key=lambda x: x.replica_id):
        if r.kind in rules.WITH_PARTICIPATION and r.created_on is not None and r.replica_id not in with_session:
            if notice_hours(r.agreement, r.created_on) is None:
                continue
            out.append(Finding(MISSING_NOTICE, r.performer_id, r.producer, r.origin_project or "", r.replica_id,
                               r.created_on, f"replica {r.replica_id} ({r.kind}) was created on {r.created_on} with "
                               "the performer's participation but no creation session or notice is on record",
                               r.agreement))
    return out


def unpriced_findings(snap: Snapshot) -> list[Finding]:
    """Uses and sessions whose AI compensation cannot be worked out from the pack and the report."""
    out = []
    uses = {u.use_id: u for u in snap.uses}
    notices = {n.notice_id: n for n in snap.notices}
    for subject, performer, reason in compute(snap).unknown:
        if subject in uses and snap.duplicate_of(uses[subject]):
            continue  # already a duplicate_report finding
        u, n = uses.get(subject), notices.get(subject)
        producer = u.producer if u else n.producer if n else ""
        project = u.project if u else n.project if n else ""
        on = u.start_date if u else n.session_at.date() if n else None
        agreement = _agreement(snap, u.replica_id if u else n.replica_id if n else "")
        out.append(Finding(UNPRICED, performer, producer, project, subject, on, reason, agreement))
    return out


def all_findings(snap: Snapshot) -> list[Finding]:
    """Every compliance finding in the registry."""
    found = (use_findings(snap) + consent_findings(snap) + notice_findings(snap) + unpriced_findings(snap)
             + use_notice_findings(snap) + minor_findings(snap))
    return sorted(found, key=lambda f: (f.performer_id, f.type, f.subject_id))
