"""Where Greenroom keeps its data: one directory holding the embedded stores."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = "greenroom-data"


@dataclass(frozen=True)
class Settings:
    """Resolved locations of the data directory and its stores."""

    data_dir: Path
    database_url: str

    @property
    def duckdb_path(self) -> Path:
        """The DuckDB file holding the analytical tables."""
        return self.data_dir / "analytics.duckdb"


def load_settings(data_dir: str | Path | None = None) -> Settings:
    """Resolve settings from an explicit directory, then GREENROOM_DATA_DIR, then the default."""
    chosen = Path(data_dir or os.environ.get("GREENROOM_DATA_DIR") or DEFAULT_DATA_DIR).resolve()
    chosen.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("GREENROOM_DATABASE_URL") or f"sqlite:///{chosen / 'app.sqlite3'}"
    return Settings(data_dir=chosen, database_url=url)
