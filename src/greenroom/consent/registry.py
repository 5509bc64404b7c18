"""Writing to the registry: every record is validated, stored, and appended to the hash-chained log
in the same transaction. Records are never edited or deleted; a correction is a new record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from greenroom.config import Settings
from greenroom.consent import rules
from greenroom.consent.log import Entry, Verification, canonical, make_entry, verify_entries
from greenroom.consent.models import Consent, LogEntry, Notice, Performer, Reject, Replica, StatusEvent, Use
from greenroom.store.db import Base, session_factory

T = TypeVar("T")
RECORD_TABLES: dict[str, type[Base]] = {
    "performer": Performer, "replica": Replica, "consent": Consent, "notice": Notice, "use": Use,
    "revocation": StatusEvent, "suspension": StatusEvent, "withdrawal": StatusEvent,
}
REVOCATION = "revocation"
SUSPENSION = "suspension"
WITHDRAWAL = "withdrawal"
# Columns added after records were first logged (migration 0007): a log entry written before then has
# no such key, and the stored row holds the column's default.
ADDED_LATER: dict[str, dict[str, Any]] = {
    "consent_performers": {"born_on": None},
    "consent_uses": {"notified_at": None, "sexual_content": False},
    "consent_status_events": {"use_id": None},
}


class ConsentError(ValueError):
    """Input the registry refuses; the message says what and why, column names the field at fault if one is."""

    def __init__(self, message: str, column: str = "") -> None:
        super().__init__(message)
        self.column = column


def new_id(prefix: str) -> str:
    """A fresh record id."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def as_dict(record: Base) -> dict[str, Any]:
    """A record's columns (without its recorded_at timestamp) as plain data."""
    return {c.key: getattr(record, c.key) for c in inspect(record).mapper.column_attrs if c.key != "recorded_at"}


def _normalised(data: Mapping[str, Any]) -> dict[str, Any]:
    """Data as it reads back from the log (dates as ISO text), so stored rows and log entries compare."""
    import json

    parsed: dict[str, Any] = json.loads(canonical(data))
    return parsed


def _last_entry(s: Session) -> Entry | None:
    row = s.execute(select(LogEntry).order_by(LogEntry.seq.desc()).limit(1)).scalar_one_or_none()
    if row is None:
        return None
    return Entry(row.seq, row.kind, row.subject, row.body, row.prev_hash, row.hash)


def append(s: Session, kind: str, subject: str, data: Mapping[str, Any]) -> Entry:
    """Append one entry after the current head (inside the caller's transaction)."""
    entry = make_entry(_last_entry(s), kind, subject, data, dt.datetime.now(dt.UTC))
    s.add(LogEntry(seq=entry.seq, kind=entry.kind, subject=entry.subject, body=entry.body,
                   prev_hash=entry.prev_hash, hash=entry.hash))
    s.flush()
    return entry


def _store(s: Session, kind: str, record: Base, subject: str) -> None:
    s.add(record)
    s.flush()
    append(s, kind, subject, as_dict(record))


def write(settings: Settings, action: Callable[[Session], T]) -> T:
    """Run action in one transaction; retry when another writer took the same log position."""
    sessions = session_factory(settings)
    for attempt in range(6):
        try:
            with sessions.begin() as s:
                return action(s)
        except IntegrityError:
            if attempt == 5:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _performer(s: Session, settings: Settings, performer_id: str, known: dict[str, bool] | None = None
               ) -> Performer:
    """The registry's performer, adopting one the residuals data knows; refuse an unknown one."""
    found = s.get(Performer, performer_id)
    if found is not None:
        return found
    if known is None:
        known = {}
    if performer_id not in known:
        known[performer_id] = _in_residuals_data(settings, performer_id)
    if known[performer_id]:
        p = Performer(performer_id=performer_id, name="", deceased_on=None, representative=None)
        _store(s, "performer", p, performer_id)
        return p
    raise ConsentError(f"unknown performer {performer_id!r}: record the performer first "
                       "(`greenroom consent performer`) or load their engagements", "performer_id")


def _in_residuals_data(settings: Settings, performer_id: str) -> bool:
    """True when the residuals data (DuckDB engagements) has this performer."""
    path = settings.duckdb_path
    if not path.exists():
        return False
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        row = con.execute("SELECT count(*) FROM engagements WHERE performer_id = ?", [performer_id]).fetchone()
        return bool(row and row[0])
    except duckdb.Error:
        return False
    finally:
        con.close()


def _replica(s: Session, replica_id: str, performer_id: str) -> Replica:
    replica = s.get(Replica, replica_id)
    if replica is None:
        raise ConsentError(f"unknown replica {replica_id!r}: record it first (`greenroom consent replica`)",
                           "replica_id")
    if replica.performer_id != performer_id:
        raise ConsentError(f"replica {replica_id} is a replica of {replica.performer_id}, not of {performer_id}",
                           "replica_id")
    return replica


def record_performer(settings: Settings, performer_id: str, name: str = "", deceased_on: dt.date | None = None,
                     representative: str | None = None, born_on: dt.date | None = None) -> Performer:
    """Record a performer in the registry (refused if already recorded)."""
    if not performer_id.strip():
        raise ConsentError("a performer needs an id")
    if born_on is not None and deceased_on is not None and deceased_on < born_on:
        raise ConsentError(f"the performer died ({deceased_on}) before they were born ({born_on})", "born_on")

    def act(s: Session) -> Performer:
        if s.get(Performer, performer_id) is not None:
            raise ConsentError(f"performer {performer_id} is already recorded")
        p = Performer(performer_id=performer_id, name=name, deceased_on=deceased_on, representative=representative,
                      born_on=born_on)
        _store(s, "performer", p, performer_id)
        return p

    return write(settings, act)


def replica_in(s: Session, settings: Settings, *, performer_id: str, kind: str, agreement: str, producer: str,
               origin_project: str | None = None, created_on: dt.date | None = None, description: str = "",
               replica_id: str | None = None, known: dict[str, bool] | None = None) -> Replica:
    """Record a replica inside the caller's transaction (see record_replica)."""
    if kind not in rules.REPLICA_KINDS:
        raise ConsentError(f"replica kind must be one of {', '.join(rules.REPLICA_KINDS)}; got {kind!r}",
                           "replica_kind")
    if agreement not in rules.AGREEMENTS:
        raise ConsentError(f"agreement must be one of {', '.join(rules.AGREEMENTS)}; got {agreement!r}",
                           "agreement")
    if not producer.strip():
        raise ConsentError("a replica needs the producer that holds it", "producer")
    _performer(s, settings, performer_id, known)
    rid = replica_id or new_id("R")
    if s.get(Replica, rid) is not None:
        raise ConsentError(f"replica {rid} is already recorded", "replica_id")
    r = Replica(replica_id=rid, performer_id=performer_id, kind=kind, agreement=agreement, producer=producer,
                origin_project=origin_project, created_on=created_on, description=description)
    _store(s, "replica", r, rid)
    return r


def record_replica(settings: Settings, **fields: Any) -> Replica:
    """Record a replica of a performer: its kind, agreement, producer and the project it was made on."""
    return write(settings, lambda s: replica_in(s, settings, **fields))


def consent_values(*, performer_id: str, replica_id: str, producer: str, projects: list[str], description: str,
                   signed_on: dt.date, term_start: dt.date | None = None, term_end: dt.date | None = None,
                   media: list[str] | None = None, separate: bool = True, signed_by: str = "performer",
                   signer_name: str = "", document: str = "", real_time: bool = False, agreement: str | None = None,
                   supersedes: str | None = None) -> dict[str, Any]:
    """A consent's fields, checked: refused without a description of use or projects (the error names the field)."""
    # A lone string would otherwise be read as a list of one-letter projects.
    projects = [projects] if isinstance(projects, str) else projects
    media = [media] if isinstance(media, str) else media
    if not description or not description.strip():
        raise ConsentError("a consent needs a reasonably specific description of use; none was given", "description")
    if not projects or not all(p.strip() for p in projects):
        raise ConsentError("a consent needs the project or projects it covers", "projects")
    if signed_by not in rules.SIGNERS:
        raise ConsentError(f"signed_by must be one of {', '.join(rules.SIGNERS)}; got {signed_by!r}", "signed_by")
    start = term_start or signed_on
    if term_end is not None and term_end < start:
        raise ConsentError(f"the consent's term ends ({term_end}) before it starts ({start})", "term_end")
    if not producer.strip():
        raise ConsentError("a consent needs the producer it is given to", "producer")
    if agreement is not None and agreement not in rules.AGREEMENTS:
        raise ConsentError(f"agreement must be one of {', '.join(rules.AGREEMENTS)}; got {agreement!r}",
                           "agreement")
    return {"performer_id": performer_id, "replica_id": replica_id, "producer": producer, "agreement": agreement,
            "projects": list(projects), "description": description, "media": list(media or []),
            "real_time": real_time, "term_start": start, "term_end": term_end, "separate": separate,
            "signed_on": signed_on, "signed_by": signed_by, "signer_name": signer_name, "document": document,
            "supersedes": supersedes}


def consent_in(s: Session, settings: Settings, values: Mapping[str, Any], consent_id: str | None = None,
               known: dict[str, bool] | None = None, same_is_recorded: bool = False) -> tuple[Consent, str]:
    """Record a checked consent inside the caller's transaction: (consent, 'recorded' or 'already_recorded').

    An id already recorded is refused (a correction is a new consent), unless same_is_recorded and the
    consent on record is the same in every field: then nothing changes (re-loading a file).
    """
    performer_id = str(values["performer_id"])
    _performer(s, settings, performer_id, known)
    replica = _replica(s, str(values["replica_id"]), performer_id)
    fields = dict(values)
    fields["agreement"] = fields.get("agreement") or replica.agreement
    supersedes = fields.get("supersedes")
    if supersedes is not None:
        old = s.get(Consent, supersedes)
        if old is None or old.performer_id != performer_id:
            raise ConsentError(f"consent {supersedes!r} to correct is not a consent of {performer_id}", "supersedes")
    cid = consent_id or new_id("C")
    prior = s.get(Consent, cid)
    if prior is not None:
        if same_is_recorded and _normalised({k: getattr(prior, k) for k in fields}) == _normalised(fields):
            return prior, "already_recorded"
        raise ConsentError(f"consent {cid} is already recorded; a correction is a new consent (--supersedes)",
                           "consent_id")
    c = Consent(consent_id=cid, **fields)
    _store(s, "consent" if supersedes is None else "correction", c, cid)
    return c, "recorded"


def record_consent(settings: Settings, *, consent_id: str | None = None, **fields: Any) -> Consent:
    """Record a consent (fields as consent_values); refused without a description of use, projects, a known
    performer and replica of theirs."""
    values = consent_values(**fields)
    return write(settings, lambda s: consent_in(s, settings, values, consent_id)[0])


def _utc_naive(when: dt.datetime | None) -> dt.datetime | None:
    """Times with a zone are stored as UTC without one, so every stored time compares with every other."""
    if when is None or when.tzinfo is None:
        return when
    return when.astimezone(dt.UTC).replace(tzinfo=None)


def record_notice(settings: Settings, *, performer_id: str, replica_id: str, producer: str, project: str,
                  session_at: dt.datetime, notified_at: dt.datetime | None, engaged_at: dt.datetime | None = None,
                  minutes: int = 0, rate_cents: int | None = None, scan_only: bool = False,
                  notice_id: str | None = None) -> Notice:
    """Record a replica-creation session and the notice given for it (notified_at None: none was given)."""
    if minutes < 0:
        raise ConsentError("a session's length in minutes cannot be negative")
    session = _utc_naive(session_at)
    notified_at, engaged_at = _utc_naive(notified_at), _utc_naive(engaged_at)
    if session is None:
        raise ConsentError("a notice needs the date and time of the creation session", "session_at")
    if rate_cents is not None and rate_cents < 0:
        raise ConsentError("a session's rate cannot be negative")

    def act(s: Session) -> Notice:
        _performer(s, settings, performer_id)
        replica = _replica(s, replica_id, performer_id)
        nid = notice_id or new_id("N")
        if s.get(Notice, nid) is not None:
            raise ConsentError(f"notice {nid} is already recorded")
        n = Notice(notice_id=nid, performer_id=performer_id, replica_id=replica_id, producer=producer,
                   project=project, agreement=replica.agreement, session_at=session, notified_at=notified_at,
                   engaged_at=engaged_at, minutes=minutes, rate_cents=rate_cents, scan_only=scan_only)
        _store(s, "notice", n, nid)
        return n

    return write(settings, act)


USE_IDENTITY = ("producer", "project", "replica_id", "start_date", "end_date", "medium", "real_time")
USE_CONTENT = USE_IDENTITY + ("days", "scenes", "lines_generated", "role", "rate_cents", "agreed_cents", "sides",
                              "description", "notified_at", "sexual_content")


@dataclass
class UseReport:
    """What reporting one use did: recorded, already recorded (identical), or recorded as a conflicting duplicate."""

    use: Use
    status: str
    messages: list[str] = field(default_factory=list)


def use_key(values: Mapping[str, Any]) -> str:
    """The identity of a reported use: same producer, project, replica, dates, medium and real-time flag."""
    return hashlib.sha256(canonical({k: values.get(k) for k in USE_IDENTITY}).encode()).hexdigest()


def use_values(*, producer: str, project: str, replica_id: str, start_date: dt.date, end_date: dt.date | None = None,
               days: int = 0, medium: str = "", description: str = "", scenes: str = "", lines_generated: int = 0,
               real_time: bool = False, role: str = "principal", rate_cents: int | None = None,
               agreed_cents: int | None = None, sides: int | None = None, notified_at: dt.datetime | None = None,
               sexual_content: bool = False) -> dict[str, Any]:
    """A reported use's fields, checked (ConsentError names the bad field)."""
    end = end_date or start_date
    if end < start_date:
        raise ConsentError(f"the use ends ({end}) before it starts ({start_date})", "end_date")
    if role not in rules.ROLES:
        raise ConsentError(f"role must be one of {', '.join(rules.ROLES)}; got {role!r}", "role")
    for name, value in (("days", days), ("lines_generated", lines_generated), ("rate_cents", rate_cents),
                        ("agreed_cents", agreed_cents), ("sides", sides)):
        if value is not None and value < 0:
            raise ConsentError(f"{name} cannot be negative", name)
    if not project.strip() or not producer.strip():
        raise ConsentError("a use needs the producer and the project", "project" if producer.strip() else "producer")
    return {"producer": producer, "project": project, "replica_id": replica_id, "start_date": start_date,
            "end_date": end, "medium": medium, "real_time": real_time, "days": days, "scenes": scenes,
            "lines_generated": lines_generated, "role": role, "rate_cents": rate_cents,
            "agreed_cents": agreed_cents, "sides": sides, "description": description,
            "notified_at": _utc_naive(notified_at), "sexual_content": bool(sexual_content)}


def record_use_in(s: Session, settings: Settings, performer_id: str, values: Mapping[str, Any], source: str = "",
                  use_id: str | None = None, known: dict[str, bool] | None = None) -> UseReport:
    """Record a checked use inside the caller's transaction (see report_use)."""
    _performer(s, settings, performer_id, known)
    _replica(s, str(values["replica_id"]), performer_id)
    key = use_key(values)
    same_key = s.execute(select(Use).where(Use.use_key == key).order_by(Use.recorded_at)).scalars().all()
    content = _normalised({k: values[k] for k in USE_CONTENT})
    for prior in same_key:
        if _normalised({k: getattr(prior, k) for k in USE_CONTENT}) == content:
            # A withdrawn report sent again (a file re-loaded) stays withdrawn: loading stays idempotent.
            withdrawn = _withdrawal_of(s, prior.use_id)
            said = f"; it was withdrawn ({withdrawn.event_id})" if withdrawn is not None else ""
            return UseReport(prior, "already_recorded",
                             [f"use already recorded as {prior.use_id}{said}; nothing changed"])
    uid = use_id or new_id("U")
    if s.get(Use, uid) is not None:
        raise ConsentError(f"use {uid} is already recorded with different figures", "use_id")
    first = same_key[0].use_id if same_key else None
    u = Use(use_id=uid, use_key=key, performer_id=performer_id, duplicate_of=first, source=source, **values)
    _store(s, "use", u, uid)
    if first:
        return UseReport(u, "conflicting_duplicate",
                         [f"the same use was reported before as {first} with different figures; flagged"])
    return UseReport(u, "recorded")


def report_use(settings: Settings, *, performer_id: str, source: str = "", use_id: str | None = None,
               **fields: Any) -> UseReport:
    """Record a use reported by a producer (fields as use_values); the same report twice changes nothing,
    the same use with different figures is kept and flagged."""
    values = use_values(**fields)
    return write(settings, lambda s: record_use_in(s, settings, performer_id, values, source, use_id))


def _withdrawal_of(s: Session, use_id: str) -> StatusEvent | None:
    return s.execute(select(StatusEvent).where(StatusEvent.kind == WITHDRAWAL, StatusEvent.use_id == use_id)
                     ).scalars().first()


def withdraw_use(settings: Settings, use_id: str, reason: str, on: dt.date | None = None,
                 event_id: str | None = None) -> StatusEvent:
    """Withdraw one reported use (e.g. the wrong one of two conflicting reports): a new event, the use is kept."""
    if not reason.strip():
        raise ConsentError("say why the report is withdrawn (e.g. which report is right)", "reason")

    def act(s: Session) -> StatusEvent:
        use = s.get(Use, use_id)
        if use is None:
            raise ConsentError(f"no use {use_id!r} to withdraw", "use_id")
        prior = _withdrawal_of(s, use_id)
        if prior is not None:
            raise ConsentError(f"use {use_id} was already withdrawn ({prior.event_id})", "use_id")
        e = StatusEvent(event_id=event_id or new_id("W"), kind=WITHDRAWAL, consent_id=None, use_id=use_id,
                        performer_id=use.performer_id, producer=use.producer, agreement=None,
                        start=on or dt.date.today(), end=None, reason=reason)
        _store(s, WITHDRAWAL, e, e.event_id)
        return e

    return write(settings, act)


def revoke(settings: Settings, consent_id: str, on: dt.date, reason: str = "", event_id: str | None = None
           ) -> StatusEvent:
    """Revoke a consent from a date (a new event; the consent itself is kept)."""

    def act(s: Session) -> StatusEvent:
        consent = s.get(Consent, consent_id)
        if consent is None:
            raise ConsentError(f"no consent {consent_id!r} to revoke")
        e = StatusEvent(event_id=event_id or new_id("V"), kind=REVOCATION, consent_id=consent_id,
                        performer_id=consent.performer_id, producer=consent.producer, agreement=consent.agreement,
                        start=on, end=None, reason=reason)
        _store(s, REVOCATION, e, e.event_id)
        return e

    return write(settings, act)


def suspend(settings: Settings, start: dt.date, end: dt.date | None = None, *, consent_id: str | None = None,
            performer_id: str | None = None, producer: str | None = None, agreement: str | None = None,
            reason: str = "", event_id: str | None = None) -> StatusEvent:
    """Suspend the consents matching every given field (e.g. all of an agreement's during a strike)."""
    if end is not None and end < start:
        raise ConsentError(f"the suspension ends ({end}) before it starts ({start})")
    if agreement is not None and agreement not in rules.AGREEMENTS:
        raise ConsentError(f"agreement must be one of {', '.join(rules.AGREEMENTS)}; got {agreement!r}")
    if not any((consent_id, performer_id, producer, agreement)):
        raise ConsentError("a suspension needs a consent, performer, producer or agreement to apply to")

    def act(s: Session) -> StatusEvent:
        if consent_id is not None and s.get(Consent, consent_id) is None:
            raise ConsentError(f"no consent {consent_id!r} to suspend")
        if performer_id is not None and s.get(Performer, performer_id) is None:
            raise ConsentError(f"unknown performer {performer_id!r}")
        e = StatusEvent(event_id=event_id or new_id("S"), kind=SUSPENSION, consent_id=consent_id,
                        performer_id=performer_id, producer=producer, agreement=agreement, start=start, end=end,
                        reason=reason)
        _store(s, SUSPENSION, e, e.event_id)
        return e

    return write(settings, act)


def record_reject(settings: Settings, source_file: str, row_number: int, column: str, reason: str,
                  original: Mapping[str, Any]) -> None:
    """Keep a refused input row whole, with where and why (it is not a change to the registry)."""
    def act(s: Session) -> None:
        s.add(Reject(source_file=source_file, row_number=row_number, column=column, reason=reason,
                     original=dict(original)))

    write(settings, act)


@dataclass
class Snapshot:
    """Everything the registry holds, read at one moment (for policy, findings and compensation)."""

    performers: dict[str, Performer]
    replicas: dict[str, Replica]
    consents: list[Consent]
    notices: list[Notice]
    uses: list[Use]
    status: list[StatusEvent]
    rejects: list[Reject] = field(default_factory=list)
    withdrawn: list[Use] = field(default_factory=list)  # reports withdrawn by staff: not uses any more
    _by_performer: dict[str, list[Consent]] | None = field(default=None, repr=False)
    _revocations: dict[str, list[StatusEvent]] | None = field(default=None, repr=False)
    _duplicates: dict[str, str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        gone = {e.use_id for e in self.status if e.kind == WITHDRAWAL and e.use_id}
        if gone:
            self.withdrawn = [*self.withdrawn, *(u for u in self.uses if u.use_id in gone)]
            self.uses = [u for u in self.uses if u.use_id not in gone]

    def duplicate_of(self, use: Use) -> str | None:
        """The report this use conflicts with, among reports not withdrawn (the earliest of the same use)."""
        if self._duplicates is None:
            by_key: dict[str, list[Use]] = {}
            for u in self.uses:
                by_key.setdefault(u.use_key, []).append(u)
            self._duplicates = {}
            for same in by_key.values():
                # The first report of a use has no duplicate_of; later ones in the order they were recorded.
                same.sort(key=lambda u: (u.duplicate_of is not None, str(u.recorded_at or ""), u.use_id))
                for later in same[1:]:
                    self._duplicates[later.use_id] = same[0].use_id
        return self._duplicates.get(use.use_id)

    def consents_of(self, performer_id: str) -> list[Consent]:
        """The performer's consents (indexed on first use)."""
        if self._by_performer is None:
            self._by_performer = {}
            for c in self.consents:
                self._by_performer.setdefault(c.performer_id, []).append(c)
        return self._by_performer.get(performer_id, [])

    def revocations_of(self, consent_id: str) -> list[StatusEvent]:
        """The revocations of one consent (indexed on first use)."""
        if self._revocations is None:
            self._revocations = {}
            for e in self.status:
                if e.kind == REVOCATION and e.consent_id:
                    self._revocations.setdefault(e.consent_id, []).append(e)
        return self._revocations.get(consent_id, [])

    @property
    def suspensions(self) -> list[StatusEvent]:
        """Every suspension."""
        return [e for e in self.status if e.kind == SUSPENSION]


def snapshot(settings: Settings, performer_id: str | None = None) -> Snapshot:
    """Read the registry (one performer's records, or all)."""
    sessions = session_factory(settings)
    with sessions() as s:
        def rows(model: Any) -> list[Any]:
            q = select(model)
            if performer_id is not None and model is StatusEvent:
                # Suspensions that name no performer (a strike across an agreement) bear on everyone.
                q = q.where((model.performer_id == performer_id) | model.performer_id.is_(None))
            elif performer_id is not None:
                q = q.where(model.performer_id == performer_id)
            return list(s.execute(q).scalars().all())

        return Snapshot({p.performer_id: p for p in rows(Performer)}, {r.replica_id: r for r in rows(Replica)},
                        rows(Consent), rows(Notice), rows(Use), rows(StatusEvent),
                        list(s.execute(select(Reject)).scalars().all()) if performer_id is None else [])


def log_entries(settings: Settings) -> list[Entry]:
    """Every stored log entry in order."""
    sessions = session_factory(settings)
    with sessions() as s:
        return [Entry(r.seq, r.kind, r.subject, r.body, r.prev_hash, r.hash)
                for r in s.execute(select(LogEntry).order_by(LogEntry.seq)).scalars()]


def verify(settings: Settings) -> Verification:
    """Check the hash chain, then that every stored record is what the log says it is."""
    entries = log_entries(settings)
    result = verify_entries(entries)
    if not result.ok:
        return result
    # Later entries for the same subject replace earlier ones only for status events; records never change.
    logged: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    for e in entries:
        table = RECORD_TABLES.get("consent" if e.kind == "correction" else e.kind)
        if table is not None:
            logged[(table.__tablename__, e.subject)] = (e.seq, e.data())
    sessions = session_factory(settings)
    with sessions() as s:
        stored = 0
        for model in {m.__tablename__: m for m in RECORD_TABLES.values()}.values():
            for record in s.execute(select(model)).scalars():
                stored += 1
                pk = str(inspect(record).identity[0])  # type: ignore[index]
                found = logged.get((model.__tablename__, pk))
                if found is None:
                    return Verification(False, len(entries), None,
                                        f"{model.__tablename__} row {pk} is not in the log")
                if _normalised(as_dict(record)) != {**ADDED_LATER.get(model.__tablename__, {}), **found[1]}:
                    return Verification(False, len(entries), found[0],
                                        f"{model.__tablename__} row {pk} differs from what the log recorded")
        if stored != len(logged):
            return Verification(False, len(entries), None,
                                f"the log records {len(logged)} records but the tables hold {stored}")
    return result
