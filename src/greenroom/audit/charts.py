"""The audit report's charts: their data as plain rows, and each drawn as inline SVG (HTML) or PNG (PDF).

Charts are drawn with matplotlib's object API (Figure, no pyplot): no global state, safe in a web server,
and no display needed (the Agg canvas).
"""

from __future__ import annotations

import functools
import io
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from greenroom.audit.findings import TYPES
from greenroom.audit.models import CLAIMED, OPEN
from greenroom.audit.reports import NO_PAYER, finding_groups, has_balances, query_rows
from greenroom.config import Settings
from greenroom.ledger.balance import BALANCES_TABLE
from greenroom.store import analytics

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

OWED_COLOR, PAID_COLOR, SHORT_COLOR = "#1f4e79", "#70ad47", "#c00000"
TYPE_COLORS = dict(zip(TYPES, ("#c00000", "#7f6000", "#ff7f0e", "#8064a2", "#4bacc6", "#9bbb59", "#f79646",
                               "#2c4d75", "#a5a5a5"), strict=True))


def _payer_filter(payer: str | None, alias: str = "") -> tuple[str, list[Any]]:
    if payer is None:
        return "", []
    col = f"{alias}payer"
    if payer == NO_PAYER:
        return f"WHERE {col} IS NULL", []
    return f"WHERE {col} = ?", [payer]


def owed_paid_by_month(settings: Settings, payer: str | None = None) -> list[dict[str, Any]]:
    """Per month of the period paid for: owed and paid (performer + P&H), in cents, oldest first."""
    where, params = _payer_filter(payer)
    with analytics.connect(settings) as con:
        if not has_balances(con):
            return []
        return query_rows(con, f"""SELECT strftime(date_trunc('month', period_start), '%Y-%m') AS month,
            CAST(sum(owed_cents + owed_ph_cents) AS BIGINT) AS owed_cents,
            CAST(sum(paid_cents + paid_ph_cents) AS BIGINT) AS paid_cents
            FROM {BALANCES_TABLE} {where} GROUP BY 1 ORDER BY 1""", params)


def findings_by_type_and_payer(settings: Settings, payer: str | None = None) -> list[dict[str, Any]]:
    """Open and claimed findings counted by type and payer, with the money short (owed minus paid) and interest."""
    acc: dict[tuple[str, str], dict[str, Any]] = {}
    for g in finding_groups(settings, (OPEN, CLAIMED)):
        if payer is not None and g["payer"] != payer:
            continue
        row = acc.setdefault((g["type"], g["payer"]), {"type": g["type"], "payer": g["payer"], "findings": 0,
                                                       "difference_cents": 0, "interest_cents": 0})
        row["findings"] += g["findings"]
        row["difference_cents"] += g["difference_cents"] + g["ph_difference_cents"]
        row["interest_cents"] += g["interest_cents"]
    order = {t: i for i, t in enumerate(TYPES)}
    return [acc[k] for k in sorted(acc, key=lambda k: (order.get(k[0], 99), k[1]))]


def top_titles_by_shortfall(settings: Settings, payer: str | None = None, n: int = 10) -> list[dict[str, Any]]:
    """The n titles with the most money short (owed minus paid on keys paid too little, performer + P&H)."""
    where, params = _payer_filter(payer, "b.")
    with analytics.connect(settings) as con:
        if not has_balances(con):
            return []
        return query_rows(con, f"""SELECT COALESCE(b.payer, '{NO_PAYER}') AS payer, b.title_id,
            any_value(t.name) AS name,
            CAST(sum(greatest(b.diff_cents, 0) + greatest(b.diff_ph_cents, 0)) AS BIGINT) AS shortfall_cents,
            count(*) FILTER (WHERE b.diff_cents > b.tolerance_cents OR b.diff_ph_cents > b.tolerance_cents)
              AS keys_short
            FROM {BALANCES_TABLE} b LEFT JOIN titles t USING (title_id) {where}
            GROUP BY 1, 2 HAVING shortfall_cents > 0 ORDER BY shortfall_cents DESC, b.title_id LIMIT ?""",
                          [*params, int(n)])


def chart_data(settings: Settings, payer: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """All three charts' data, keyed by chart name (for the web app's own charts)."""
    return {"owed_paid_by_month": owed_paid_by_month(settings, payer),
            "findings_by_type_and_payer": findings_by_type_and_payer(settings, payer),
            "top_titles_by_shortfall": top_titles_by_shortfall(settings, payer)}


@functools.cache
def _setup_matplotlib() -> None:
    # matplotlib takes about half a second to import: only drawing pays for it, not every module that
    # imports the chart data (the command line's start-up, the audit run).
    import matplotlib

    matplotlib.use("Agg")  # before anything imports pyplot: no display on servers
    matplotlib.rcParams["svg.hashsalt"] = "greenroom"  # stable ids: the same data draws the same SVG
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text (searchable, small)


def _figure(width: float, height: float) -> Figure:
    _setup_matplotlib()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def _dollars_formatter() -> FuncFormatter:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(_dollars)


def _dollars(x: float, _pos: int) -> str:
    value = x / 100
    if abs(value) >= 1_000_000:
        return f"${value / 1_000_000:,.1f}M"
    if abs(value) >= 1_000:
        return f"${value / 1_000:,.0f}k"
    return f"${value:,.0f}"


def _empty(ax: Any, what: str) -> None:
    ax.text(0.5, 0.5, f"no {what}", ha="center", va="center", transform=ax.transAxes, color="#777777")
    ax.set_xticks([])
    ax.set_yticks([])


def owed_paid_figure(rows: list[dict[str, Any]]) -> Figure:
    """Owed and paid by month, as two lines, with owed minus paid as bars underneath.

    Owed and paid are within a fraction of a percent of each other, so their lines lie on top of one
    another; the bars below are what shows where money is short (red) or overpaid (green).
    """
    from matplotlib.patches import Patch

    fig = _figure(8, 3.6)
    if not rows:
        ax = fig.add_subplot()
        ax.set_title("Owed vs paid by month of the period paid for (performer + P&H)", fontsize=10)
        _empty(ax, "balances: run `greenroom audit run`")
        fig.tight_layout()
        return fig
    ax, diff = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": (3, 1.4)})
    ax.set_title("Owed vs paid by month of the period paid for (performer + P&H)", fontsize=10)
    x = list(range(len(rows)))
    ax.plot(x, [r["owed_cents"] for r in rows], color=OWED_COLOR, label="owed", linewidth=2.2)
    ax.plot(x, [r["paid_cents"] for r in rows], color=PAID_COLOR, label="paid", linewidth=1.1)
    ax.yaxis.set_major_formatter(_dollars_formatter())
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    short = [r["owed_cents"] - r["paid_cents"] for r in rows]
    diff.bar(x, short, color=[SHORT_COLOR if v > 0 else PAID_COLOR for v in short], width=0.8)
    diff.axhline(0, color="#555555", linewidth=0.6)
    diff.legend(handles=[Patch(color=SHORT_COLOR, label="paid too little"), Patch(color=PAID_COLOR,
                                                                                    label="paid too much")],
                fontsize=6, frameon=False, loc="upper left", ncol=2)
    diff.set_ylabel("owed - paid", fontsize=7)
    diff.yaxis.set_major_formatter(_dollars_formatter())
    diff.tick_params(axis="y", labelsize=6)
    diff.grid(axis="y", alpha=0.3)
    step = max(1, len(rows) // 12)
    diff.set_xticks(x[::step], [r["month"] for r in rows][::step], rotation=45, ha="right", fontsize=7)
    fig.tight_layout()
    return fig


def findings_figure(rows: list[dict[str, Any]]) -> Figure:
    """Open and claimed findings by payer, stacked by type."""
    fig = _figure(8, 3.2)
    ax = fig.add_subplot()
    ax.set_title("Open and claimed findings by type and payer", fontsize=10)
    if not rows:
        _empty(ax, "open findings")
    else:
        payers = sorted({r["payer"] for r in rows})
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        for r in rows:
            counts[r["type"]][r["payer"]] = r["findings"]
        left = [0] * len(payers)
        for t in TYPES:
            if t not in counts:
                continue
            widths = [counts[t].get(p, 0) for p in payers]
            ax.barh(payers, widths, left=left, color=TYPE_COLORS.get(t, "#999999"), label=t)
            left = [a + b for a, b in zip(left, widths, strict=True)]
        ax.tick_params(labelsize=7)
        ax.invert_yaxis()
        ax.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax.set_xlabel("findings", fontsize=8)
    fig.tight_layout()
    return fig


def shortfall_figure(rows: list[dict[str, Any]]) -> Figure:
    """Top titles by money short, as horizontal bars."""
    fig = _figure(8, 3.4)
    ax = fig.add_subplot()
    ax.set_title("Top titles by shortfall (performer + P&H)", fontsize=10)
    if not rows:
        _empty(ax, "shortfall")
    else:
        labels = [_short(r["name"] or r["title_id"], 48) for r in rows]
        ax.barh(labels, [r["shortfall_cents"] for r in rows], color=SHORT_COLOR)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(_dollars_formatter())
        ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def to_svg(fig: Figure) -> str:
    """The figure as an <svg> element for inline HTML (no XML prologue, no date)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg"):]


def to_png(fig: Figure, dpi: int = 150) -> bytes:
    """The figure as PNG bytes (for the PDF)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def figures(data: dict[str, list[dict[str, Any]]]) -> dict[str, Figure]:
    """The three charts drawn from chart_data's rows."""
    return {"owed_paid_by_month": owed_paid_figure(data["owed_paid_by_month"]),
            "findings_by_type_and_payer": findings_figure(data["findings_by_type_and_payer"]),
            "top_titles_by_shortfall": shortfall_figure(data["top_titles_by_shortfall"])}

