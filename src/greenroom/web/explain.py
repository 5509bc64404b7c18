"""A residual line's explanation for the web: the plain-words text and the structured parts."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import duckdb

from greenroom.residuals.explain import explain_line, plain_words
from greenroom.web.queries import paid_for_line


def explanation(con: duckdb.DuckDBPyConnection, line_id: str) -> dict[str, Any]:
    """The line, its rule and clause, the cited values and the plain-words text (KeyError if unknown)."""
    ex = explain_line(con, line_id)
    return {"line": dict(ex.line), "title": dict(ex.title) if ex.title else None,
            "paid": paid_for_line(con, dict(ex.line)),
            "rule": ex.formula_title, "clause": ex.clause, "rule_in_plain_words": ex.plain,
            "values": [asdict(v) for v in ex.values], "plain_words": plain_words(ex)}
