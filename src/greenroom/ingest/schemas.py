"""The exchange formats (version 1) for titles, engagements and exhibitions.

These column definitions are the single source of truth: the readers validate against them,
the demo generator writes them, the engine reads the loaded tables, and docs/formats.md
documents them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "integer", "cents", "date", "boolean", "minutes"]

AGREEMENTS = ("sag-aftra-tv-theatrical",)

TITLE_KINDS = (
    "network_series",  # episode of a series made for network prime time
    "network_nonprime",  # episode made for network daytime or late night
    "syndicated_series",  # episode made for first-run syndication
    "tv_movie",  # long-form television motion picture
    "made_for_pay",  # program made for pay TV or videodisc (§78)
    "new_media_derivative",  # derivative new-media program (Sideletter H)
    "new_media_original",  # original new-media program (Sideletter H)
    "hbsvod",  # high-budget SVOD program (Sideletter H)
    "theatrical_feature",  # theatrical motion picture
)

GENRES = ("drama", "comedy", "variety", "documentary", "animation", "children", "other")

ENGAGEMENT_CATEGORIES = (
    "day",  # day performer
    "three_day",  # three-day performer
    "weekly",  # weekly freelance performer
    "series",  # series regular
    "background",  # background actor: no residuals under the TV agreement
    "announcer",  # off-camera announcer (§78 special share)
)

TERRITORIES = ("US", "CA", "US-CA", "FOREIGN", "WORLD")


@dataclass(frozen=True)
class Column:
    """One column of an exchange format."""

    name: str
    type: ColumnType
    required: bool
    description: str
    allowed: tuple[str, ...] = ()
    minimum: int | None = None


@dataclass(frozen=True)
class Schema:
    """A versioned exchange format with its key column."""

    kind: str
    version: int
    key: str
    columns: tuple[Column, ...]
    description: str = ""
    table: str = field(default="")

    @property
    def names(self) -> list[str]:
        """Column names in order."""
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        """Names of required columns."""
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        """The column called name."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


TITLES = Schema(
    kind="titles",
    version=1,
    key="title_id",
    table="titles",
    description="One row per picture: an episode, a TV movie, a new-media program or a feature.",
    columns=(
        Column("title_id", "text", True, "Unique id of the picture (episode or film)."),
        Column("name", "text", True, "Title as credited."),
        Column("agreement", "text", True, "Agreement the picture was produced under.", AGREEMENTS),
        Column("kind", "text", True, "What the picture was made for.", TITLE_KINDS),
        Column("length_minutes", "minutes", True, "Program length as initially exhibited.", minimum=1),
        Column("pp_date", "date", True, "Date principal photography began."),
        Column("initial_release_date", "date", True, "Date of first exhibition in its initial market."),
        Column("genre", "text", False, "Genre; Sideletter B applies to one-hour dramas.", GENRES),
        Column("series_id", "text", False, "Series the episode belongs to."),
        Column("season", "integer", False, "Season number within the series.", minimum=0),
        Column("episode", "integer", False, "Episode number within the season.", minimum=0),
        Column("platform", "text", False, "Streaming service of initial exhibition (HBSVOD)."),
        Column("budget_cents", "cents", False, "Production budget in cents.", minimum=0),
    ),
)

ENGAGEMENTS = Schema(
    kind="engagements",
    version=1,
    key="engagement_id",
    table="engagements",
    description="One row per performer per picture: who worked, how, and what they were paid.",
    columns=(
        Column("engagement_id", "text", True, "Unique id of the engagement."),
        Column("performer_id", "text", True, "Union id of the performer."),
        Column("title_id", "text", True, "Picture worked on (a title_id)."),
        Column("category", "text", True, "Contract type.", ENGAGEMENT_CATEGORIES),
        Column("days_worked", "integer", True, "Days engaged by the day (not days inside weeks worked).",
               minimum=0),
        Column("weeks_worked", "integer", True, "Weeks engaged by the week (worked or guaranteed).", minimum=0),
        Column("tac_cents", "cents", True, "Total actual compensation (straight time) in cents.", minimum=0),
        Column("performer_name", "text", False, "Performer's professional name."),
    ),
)

EXHIBITIONS = Schema(
    kind="exhibitions",
    version=1,
    key="exhibition_id",
    table="exhibitions",
    description="One row per reuse or usage event: a rerun, a license period, a quarter of receipts.",
    columns=(
        Column("exhibition_id", "text", True, "Unique id of the event."),
        Column("title_id", "text", True, "Picture exhibited (a title_id)."),
        Column("market", "text", True, "Market of the reuse; see docs/markets.md for allowed values."),
        Column("start_date", "date", True, "First day of the telecast, run or reporting period."),
        Column("end_date", "date", False, "Last day of the period (inclusive), when it is a period."),
        Column("run_number", "integer", False, "Run number (the initial telecast is run 1).", minimum=1),
        Column("territory", "text", False, "Where it was exhibited.", TERRITORIES),
        Column("gross_receipts_cents", "cents", False, "Distributor's gross receipts in cents.", minimum=0),
        Column("units_sold", "integer", False, "Units sold (sell-through, videodisc).", minimum=0),
        Column("minutes_streamed", "integer", False, "Total minutes streamed in the period.", minimum=0),
        Column("subscribers", "integer", False, "Subscribers of the service (July 1 count).", minimum=0),
        Column("exhibition_days", "integer", False, "Days of exhibition in the period (pay TV).", minimum=0),
        Column("coverage_pct", "integer", False, "Percent of U.S. TV households reached (Sideletter B-2).",
               minimum=0),
        Column("platform", "text", False, "Service or network that exhibited it."),
    ),
)

SCHEMAS: dict[str, Schema] = {s.kind: s for s in (TITLES, ENGAGEMENTS, EXHIBITIONS)}
