"""The consent pages (added when greenroom.consent lands)."""

from __future__ import annotations

import importlib.util
from typing import Any

from fastapi import APIRouter

from greenroom.config import Settings

router = APIRouter(tags=["consent"])


def available() -> bool:
    """Whether the consent domain is installed."""
    return importlib.util.find_spec("greenroom.consent") is not None and False


def member_data(settings: Settings, performer_id: str) -> Any:
    """The member's consent records for the data export."""
    return None
