"""The review pages (added when greenroom.review lands)."""

from __future__ import annotations

import importlib.util
from typing import Any

from fastapi import APIRouter

from greenroom.config import Settings

router = APIRouter(tags=["review"])


def available() -> bool:
    """Whether the review domain is installed."""
    return importlib.util.find_spec("greenroom.review") is not None and False


def member_data(settings: Settings, performer_id: str) -> Any:
    """The member's review records for the data export."""
    return None
