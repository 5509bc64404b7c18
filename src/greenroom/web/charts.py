"""Small server-rendered SVG charts: owed against paid over time, findings by type. No JavaScript needed."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from greenroom.money import format_cents

OWED = "#2f6f4f"
PAID = "#d08c2b"


def _money_tick(cents: int) -> str:
    dollars = cents / 100
    if abs(dollars) >= 1_000_000:
        return f"${dollars / 1_000_000:.1f}M"
    if abs(dollars) >= 1_000:
        return f"${dollars / 1_000:.0f}k"
    return f"${dollars:.0f}"


def nice_step(peak: int, ticks: int = 4) -> int:
    """A round step (1, 2, 2.5 or 5 times a power of ten, at least 1) giving about `ticks` gridlines to the peak."""
    raw = max(peak, 1) / ticks
    power = 10 ** (len(str(int(raw))) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return max(1, int(m * power))
    return max(1, 10 * power)


def owed_paid_chart(points: Sequence[tuple[str, int, int | None]], title: str = "Owed and paid by quarter") -> str:
    """Grouped bars per period: owed, and paid when known (None = not audited)."""
    if not points:
        return ""
    width, height, left, bottom, top = 640, 260, 60, 40, 28
    plot_w, plot_h = width - left - 10, height - bottom - top
    step = nice_step(max(max(o, p or 0) for _, o, p in points))
    lines = -(-max(max(o, p or 0) for _, o, p in points) // step) or 1
    peak = step * lines
    slot = plot_w / len(points)
    bar = max(2.0, slot * 0.38)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<text x="{left}" y="16" class="chart-title">{escape(title)}</text>']
    for i in range(lines + 1):
        value = step * i
        y = top + plot_h - plot_h * i / lines
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_money_tick(value)}</text>')
    every = max(1, len(points) // 8)
    for i, (label, owed, paid) in enumerate(points):
        x = left + i * slot + slot * 0.1
        h = plot_h * owed / peak
        parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                     f'fill="{OWED}"><title>{escape(label)} owed {format_cents(owed)}</title></rect>')
        if paid is not None:
            hp = plot_h * paid / peak
            parts.append(f'<rect x="{x + bar:.1f}" y="{top + plot_h - hp:.1f}" width="{bar:.1f}" height="{hp:.1f}" '
                         f'fill="{PAID}"><title>{escape(label)} paid {format_cents(paid)}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + bar:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                         f'class="tick">{escape(label)}</text>')
    legend_y = height - 8
    parts.append(f'<rect x="{left}" y="{legend_y - 9}" width="10" height="10" fill="{OWED}"/>'
                 f'<text x="{left + 14}" y="{legend_y}" class="tick">owed</text>')
    if any(p is not None for _, _, p in points):
        parts.append(f'<rect x="{left + 60}" y="{legend_y - 9}" width="10" height="10" fill="{PAID}"/>'
                     f'<text x="{left + 74}" y="{legend_y}" class="tick">paid</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(items: Sequence[tuple[str, int]], title: str) -> str:
    """Horizontal bars with counts, e.g. findings by type."""
    if not items:
        return ""
    row_h, left, width = 26, 170, 640
    height = 30 + row_h * len(items)
    peak = max(n for _, n in items) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="chart" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    for i, (label, n) in enumerate(items):
        y = 26 + i * row_h
        w = (width - left - 70) * n / peak
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" class="tick">{escape(label)}</text>'
                     f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{OWED}"/>'
                     f'<text x="{left + w + 6:.1f}" y="{y + 15}" class="tick">{n:,}</text>')
    parts.append("</svg>")
    return "".join(parts)
