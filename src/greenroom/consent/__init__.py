"""The digital-replica consent registry: consents, notices, uses, compliance findings and AI compensation.

The functions other domains and the web app call are re-exported here (see docs/consent.md).
"""

from greenroom.consent.api import (
    ask,
    compensation,
    explain_line,
    export_member,
    history,
    list_findings,
    member_record,
    post_compensation,
)
from greenroom.consent.demo import seed_demo
from greenroom.consent.registry import (
    ConsentError,
    record_consent,
    record_notice,
    record_performer,
    record_replica,
    report_use,
    revoke,
    suspend,
    verify,
    withdraw_use,
)

__all__ = ["ConsentError", "ask", "compensation", "explain_line", "export_member", "history", "list_findings",
           "member_record",
           "post_compensation", "record_consent", "record_notice", "record_performer", "record_replica",
           "report_use", "revoke", "seed_demo", "suspend", "verify", "withdraw_use"]
