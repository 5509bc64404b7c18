"""Netflix's public viewing data as usage rows, with an account of every row that could not be used.

Reads the "What We Watched" engagement reports (tidy CSV), the weekly global Top 10 (TSV) and the
quarterly paid memberships by region, as described in shared/data/README.md. Every row read ends up
either in the usage table or in the unmapped table with a reason: rows read = mapped + unmapped.
Figures are global (not U.S./Canada), so they illustrate the streaming bonus rather than price it.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ENGAGEMENT_GLOB = "engagement/netflix_engagement_*.csv"
TOP10_FILE = "top10/all-weeks-global.tsv"
MEMBERSHIP_FILE = "subscribers/netflix_revenue_updated.csv"

USAGE_SCHEMA = pa.schema([
    pa.field("source", pa.string(), nullable=False),  # engagement | top10
    pa.field("title", pa.string(), nullable=False),
    pa.field("content_type", pa.string()),  # show | movie | null (2023 H1 mixes both)
    pa.field("period_start", pa.date32(), nullable=False),
    pa.field("period_end", pa.date32(), nullable=False),
    pa.field("hours_viewed", pa.int64(), nullable=False),
    pa.field("runtime_minutes", pa.int64(), nullable=False),
    pa.field("views", pa.int64(), nullable=False),
    pa.field("available_globally", pa.bool_()),
    pa.field("origin", pa.string()),  # report workbook and sheet, or Top 10 list
    pa.field("source_file", pa.string(), nullable=False),
    pa.field("source_row", pa.int64(), nullable=False),  # 1-based data row, header not counted
])

UNMAPPED_SCHEMA = pa.schema([
    pa.field("source_file", pa.string(), nullable=False),
    pa.field("source_row", pa.int64(), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
    pa.field("detail", pa.string()),
    pa.field("title", pa.string()),
])

MEMBERSHIP_SCHEMA = pa.schema([
    pa.field("quarter", pa.string(), nullable=False),  # e.g. 2019Q1
    pa.field("quarter_end", pa.date32(), nullable=False),
    pa.field("ucan_paid_memberships", pa.int64(), nullable=False),
    pa.field("source_row", pa.int64(), nullable=False),
])

REASONS = {
    "missing_title": "no title",
    "bad_period": "period dates missing or not dates",
    "missing_hours": "no hours viewed",
    "bad_hours": "hours viewed not a whole non-negative number",
    "missing_runtime": "no runtime (2023 H1 reports none; '*' or N/A elsewhere)",
    "bad_runtime": "runtime not a positive number",
    "missing_views": "no views",
    "bad_views": "views not a whole non-negative number",
}
"""Why a row could not be mapped, by reason code."""


class _Skip(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass
class LoadResult:
    """Usage rows, the rows that could not be mapped and how many rows each file had."""

    usage: pa.Table
    unmapped: pa.Table
    rows_read: dict[str, int] = field(default_factory=dict)
    missing_files: list[str] = field(default_factory=list)

    @property
    def read(self) -> int:
        """Data rows read from all files."""
        return sum(self.rows_read.values())

    @property
    def mapped(self) -> int:
        """Rows turned into usage rows."""
        return self.usage.num_rows

    def reasons(self) -> dict[str, int]:
        """Unmapped rows by reason code, most frequent first."""
        counts = Counter(self.unmapped.column("reason").to_pylist())
        return dict(counts.most_common())

    def by_file(self) -> dict[str, tuple[int, int, int]]:
        """Per source file: (read, mapped, unmapped)."""
        mapped = Counter(self.usage.column("source_file").to_pylist())
        unmapped = Counter(self.unmapped.column("source_file").to_pylist())
        return {f: (n, mapped.get(f, 0), unmapped.get(f, 0)) for f, n in self.rows_read.items()}


def project_root() -> Path:
    """The directory holding this checkout's pyproject.toml (src layout)."""
    return Path(__file__).resolve().parents[3]


def find_source(cwd: Path | None = None) -> Path | None:
    """The Netflix data folder: ../shared/data/netflix from the current directory or the project root."""
    bases = [Path.cwd() if cwd is None else cwd, project_root()]
    for base in bases:
        candidate = (base / ".." / "shared" / "data" / "netflix").resolve()
        if candidate.is_dir():
            return candidate
    return None


def _int(raw: str | None, missing: str, bad: str) -> int:
    text = (raw or "").strip().replace(",", "")
    if text in ("", "N/A", "*"):
        raise _Skip(missing, raw or "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Skip(bad, text) from None
    if value != value.to_integral_value() or value < 0:
        raise _Skip(bad, text)
    return int(value)


def _date(raw: str | None) -> date:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        raise _Skip("bad_period", raw or "") from None


def _runtime_from_minutes(raw: str | None, note: str | None) -> int:
    text = (raw or "").strip()
    if text == "":
        raise _Skip("missing_runtime", f"runtime {note!r}" if note else "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Skip("bad_runtime", text) from None
    if value <= 0:
        raise _Skip("bad_runtime", text)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _runtime_from_hours(raw: str | None) -> int:
    text = (raw or "").strip()
    if text in ("", "N/A"):
        raise _Skip("missing_runtime", text)
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise _Skip("bad_runtime", text) from None
    minutes = (hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if minutes <= 0:
        raise _Skip("bad_runtime", text)
    return int(minutes)


class _Collector:
    def __init__(self) -> None:
        self.usage: dict[str, list[object]] = {name: [] for name in USAGE_SCHEMA.names}
        self.unmapped: dict[str, list[object]] = {name: [] for name in UNMAPPED_SCHEMA.names}

    def add(self, **row: object) -> None:
        for name in USAGE_SCHEMA.names:
            self.usage[name].append(row.get(name))

    def skip(self, source_file: str, source_row: int, why: _Skip, title: str | None) -> None:
        self.unmapped["source_file"].append(source_file)
        self.unmapped["source_row"].append(source_row)
        self.unmapped["reason"].append(why.reason)
        self.unmapped["detail"].append(why.detail or None)
        self.unmapped["title"].append(title or None)

    def tables(self) -> tuple[pa.Table, pa.Table]:
        return (pa.table(self.usage, schema=USAGE_SCHEMA), pa.table(self.unmapped, schema=UNMAPPED_SCHEMA))


def _read_engagement(path: Path, name: str, out: _Collector) -> int:
    rows = 0
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for i, rec in enumerate(csv.DictReader(fh), start=1):
            rows += 1
            title = (rec.get("title") or "").strip()
            try:
                if not title:
                    raise _Skip("missing_title", "")
                start, end = _date(rec.get("period_start")), _date(rec.get("period_end"))
                hours = _int(rec.get("hours_viewed"), "missing_hours", "bad_hours")
                runtime = _runtime_from_minutes(rec.get("runtime_minutes"), rec.get("runtime"))
                views = _int(rec.get("views"), "missing_views", "bad_views")
            except _Skip as why:
                out.skip(name, i, why, title)
                continue
            glob = (rec.get("available_globally") or "").strip().lower()
            origin = "#".join(x for x in ((rec.get("source_file") or "").strip(),
                                          (rec.get("sheet") or "").strip()) if x)
            out.add(source="engagement", title=title, content_type=(rec.get("content_type") or "").strip() or None,
                    period_start=start, period_end=end, hours_viewed=hours, runtime_minutes=runtime,
                    views=views, available_globally={"yes": True, "no": False}.get(glob),
                    origin=origin or None, source_file=name, source_row=i)
    return rows


def _read_top10(path: Path, name: str, out: _Collector) -> int:
    rows = 0
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for i, rec in enumerate(csv.DictReader(fh, delimiter="\t"), start=1):
            rows += 1
            season = (rec.get("season_title") or "").strip()
            title = season if season and season != "N/A" else (rec.get("show_title") or "").strip()
            try:
                if not title:
                    raise _Skip("missing_title", "")
                # The Top 10 week runs Monday to Sunday and is labelled by its Sunday.
                end = _date(rec.get("week"))
                hours = _int(rec.get("weekly_hours_viewed"), "missing_hours", "bad_hours")
                runtime = _runtime_from_hours(rec.get("runtime"))
                views = _int(rec.get("weekly_views"), "missing_views", "bad_views")
            except _Skip as why:
                out.skip(name, i, why, title)
                continue
            category = (rec.get("category") or "").strip()
            out.add(source="top10", title=title, content_type="movie" if category.startswith("Film") else "show",
                    period_start=end - timedelta(days=6), period_end=end, hours_viewed=hours,
                    runtime_minutes=runtime, views=views, available_globally=None, origin=category or None,
                    source_file=name, source_row=i)
    return rows


def load_netflix(source: Path) -> LoadResult:
    """Read the engagement reports and the weekly Top 10 under source into usage rows."""
    source = Path(source)
    out = _Collector()
    rows_read: dict[str, int] = {}
    missing: list[str] = []
    engagement = sorted(source.glob(ENGAGEMENT_GLOB))
    if not engagement:
        missing.append(ENGAGEMENT_GLOB)
    for path in engagement:
        name = path.relative_to(source).as_posix()
        rows_read[name] = _read_engagement(path, name, out)
    top10 = source / TOP10_FILE
    if top10.is_file():
        rows_read[TOP10_FILE] = _read_top10(top10, TOP10_FILE, out)
    else:
        missing.append(TOP10_FILE)
    usage, unmapped = out.tables()
    result = LoadResult(usage, unmapped, rows_read, missing)
    if result.read != result.mapped + unmapped.num_rows:
        raise AssertionError("rows read do not equal mapped + unmapped")  # guards the promise above
    return result


def _quarter_end(raw: str) -> date:
    text = raw.strip()
    for fmt in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a quarter-end date: {raw!r}")


def ucan_paid_memberships(path: Path) -> pa.Table:
    """UCAN (U.S. and Canada) paid memberships by quarter from the revenue-and-members CSV.

    path may be the CSV or the Netflix folder. Raises ValueError naming the row it cannot read.
    """
    path = Path(path)
    if path.is_dir():
        path = path / MEMBERSHIP_FILE
    cols: dict[str, list[object]] = {name: [] for name in MEMBERSHIP_SCHEMA.names}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader)]
        try:
            date_col, members_col = header.index("Date"), header.index("UCAN Members")
        except ValueError:
            raise ValueError(f"{path.name}: needs Date and UCAN Members columns, has {header}") from None
        for i, rec in enumerate(reader, start=1):
            if not any(cell.strip() for cell in rec):
                continue
            try:
                end = _quarter_end(rec[date_col])
                members = int(Decimal(rec[members_col].strip()))
            except (ValueError, IndexError, InvalidOperation) as exc:
                raise ValueError(f"{path.name} row {i}: {exc}") from None
            cols["quarter"].append(f"{end.year}Q{(end.month - 1) // 3 + 1}")
            cols["quarter_end"].append(end)
            cols["ucan_paid_memberships"].append(members)
            cols["source_row"].append(i)
    return pa.table(cols, schema=MEMBERSHIP_SCHEMA).sort_by("quarter_end")


def write_outputs(result: LoadResult, out_dir: Path, memberships: pa.Table | None = None) -> dict[str, Path]:
    """Write usage.parquet, unmapped.parquet (and ucan_memberships.parquet) into out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"usage": out_dir / "usage.parquet", "unmapped": out_dir / "unmapped.parquet"}
    pq.write_table(result.usage, paths["usage"])
    pq.write_table(result.unmapped, paths["unmapped"])
    if memberships is not None:
        paths["memberships"] = out_dir / "ucan_memberships.parquet"
        pq.write_table(memberships, paths["memberships"])
    return paths
