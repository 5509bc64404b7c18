"""JSON answers for the busiest API routes, written straight with json.dumps.

FastAPI's generic encoder costs several milliseconds on a page of lines; these rows hold only
strings, numbers, booleans, dates and None, which json.dumps handles with a small default.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from fastapi.responses import Response


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def json_response(data: Any, status_code: int = 200) -> Response:
    """A JSON response (dates as ISO 8601)."""
    return Response(json.dumps(data, default=_default, separators=(",", ":")), status_code=status_code,
                    media_type="application/json")
