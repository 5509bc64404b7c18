"""Why a whole file was refused: nothing from it is loaded, and the message says what to fix."""

from __future__ import annotations


class IngestRefused(Exception):
    """A file was refused as a whole; the message names the file and the problem."""
