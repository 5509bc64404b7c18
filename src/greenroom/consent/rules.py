"""The registry's vocabulary: agreements, replica kinds, signers, and what makes a consent blanket."""

from __future__ import annotations

import re

TV = "sag-aftra-tv-theatrical"
COMMERCIALS = "sag-aftra-commercials"
SOUND = "sag-aftra-sound-recordings"
INTERACTIVE = "sag-aftra-interactive-media"
AGREEMENTS = (TV, COMMERCIALS, SOUND, INTERACTIVE)

EMPLOYMENT_BASED = "employment_based"
INDEPENDENT = "independently_created"
BACKGROUND = "background"
VOICE = "voice"
VOCAL = "vocal"
VISUAL = "visual"
REPLICA_KINDS = (EMPLOYMENT_BASED, INDEPENDENT, BACKGROUND, VOICE, VOCAL, VISUAL)
# Replicas made with the performer's participation have a creation session that needs notice.
WITH_PARTICIPATION = (EMPLOYMENT_BASED, BACKGROUND, VOICE, VOCAL, VISUAL)

SIGNERS = ("performer", "representative", "union")
ROLES = ("principal", "background", "session_singer", "royalty_artist")

NOTICE_PARAM = {TV: "ai.notice_hours", COMMERCIALS: "commercials.ai.notice_hours", SOUND: "sound.ai.notice_hours"}
# Notice before *use* of a replica, not only before its creation (2025 Commercials, residuals-rules.md §a15).
USE_NOTICE_PARAM = {COMMERCIALS: "commercials.ai.notice_hours"}

# Consent is per project in these agreements; Commercials allow pre-consent across commercials of the
# same advertiser and product line (residuals-rules.md §a15), so naming several is not blanket there.
PER_PROJECT = (TV, SOUND, INTERACTIVE)

WILDCARDS = ("*", "all", "any", "all projects", "any project", "any and all")
_VAGUE = re.compile(r"\b(any and all|all (?:uses|purposes|media)|any (?:use|purpose|media)|in perpetuity|"
                    r"throughout the universe|now known or hereafter devised|without limitation)\b", re.I)


def is_wildcard(project: str) -> bool:
    """True for a project entry that names no project at all."""
    return project.strip().lower() in WILDCARDS


def vague_phrase(description: str) -> str | None:
    """The blanket phrase in a use description ("any and all uses", "in perpetuity"...), if any."""
    m = _VAGUE.search(description)
    return m.group(0) if m else None


def blanket_reason(agreement: str, projects: list[str], description: str) -> str | None:
    """Why a consent is blanket (across projects or uses), or None when it is specific."""
    if not projects or any(is_wildcard(p) for p in projects):
        return "it names no specific project"
    if agreement in PER_PROJECT and len(set(projects)) > 1:
        return f"it covers {len(set(projects))} projects at once; this agreement requires consent per project"
    phrase = vague_phrase(description)
    if phrase:
        return f"its description of use is not reasonably specific ('{phrase}')"
    return None
