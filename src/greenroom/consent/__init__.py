"""The digital-replica consent registry: consents, notices, uses, compliance findings and AI compensation.

The functions other domains and the web app call are re-exported here (see docs/consent.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from greenroom.lazy import lazy_exports

if TYPE_CHECKING:
    from greenroom.consent.api import (
        ask,
        compute_compensation,
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

__all__ = ["ConsentError", "ask", "compute_compensation", "explain_line", "export_member", "history", "list_findings",
           "member_record",
           "post_compensation", "record_consent", "record_notice", "record_performer", "record_replica",
           "report_use", "revoke", "seed_demo", "suspend", "verify", "withdraw_use"]

# Exported name -> the submodule defining it. The submodules pull in SQLAlchemy and DuckDB, so they are imported
# on first use of a name rather than with the package (which `greenroom consent --help` imports).
_EXPORTS = {
    **dict.fromkeys(["ask", "compute_compensation", "explain_line", "export_member", "history", "list_findings",
                     "member_record", "post_compensation"], "greenroom.consent.api"),
    "seed_demo": "greenroom.consent.demo",
    **dict.fromkeys(["ConsentError", "record_consent", "record_notice", "record_performer", "record_replica",
                     "report_use", "revoke", "suspend", "verify", "withdraw_use"], "greenroom.consent.registry"),
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
