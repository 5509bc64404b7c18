"""The catalogue of markets and the formulas that price them, rendered as Markdown for docs/markets.md."""

from __future__ import annotations

from greenroom.residuals.formulas import FORMULAS
from greenroom.residuals.markets import MARKETS

HEADER = """# Markets and the rules that price them

Generated from the code by `greenroom residuals rules --markdown > docs/markets.md`; a test keeps it
in step. An exhibition row's `market` must be one of the names below, and must carry the columns
the market requires. Rule ids refer to `residuals-rules.md` sections (§a3–§a12) in the union's
reference material; each formula cites the agreement clause it implements.
"""


def markets_markdown() -> str:
    """Markdown listing every market with its required columns and every formula that prices it."""
    out = [HEADER, "## Markets", "", "| market | required columns | rule | what it is |", "|---|---|---|---|"]
    for m in MARKETS.values():
        required = ", ".join(f"`{c}`" for c in m.requires) or "—"
        out.append(f"| `{m.name}` | {required} | §{m.rule} | {m.description} |")
    out += ["", "## Formulas", ""]
    for f in sorted(FORMULAS, key=lambda f: (f.id, f.version)):
        window = []
        if f.effective_from:
            window.append(f"from {f.effective_from}")
        if f.effective_to:
            window.append(f"before {f.effective_to}")
        basis = "date of principal photography" if f.date_basis == "pp_date" else "date of exhibition"
        out += [
            f"### `{f.id}` version {f.version}: {f.title}",
            "",
            f"- clause: {f.clause}",
            f"- markets: {', '.join(f'`{m}`' for m in f.markets)}",
            f"- kinds of picture: {', '.join(f'`{k}`' for k in f.kinds)}",
            f"- in force: {' '.join(window) or 'for all dates'} (by {basis})",
            "",
            f.plain,
            "",
        ]
    return "\n".join(out).rstrip() + "\n"
