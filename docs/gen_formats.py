"""Regenerate the column tables in docs/formats.md from greenroom.ingest.schemas.

    .venv/bin/python docs/gen_formats.py          # rewrite the tables in place
    .venv/bin/python docs/gen_formats.py --check  # exit 1 if the document is out of date

Only the text between the BEGIN/END markers is touched; the prose around it is written by hand.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from greenroom.ingest.schemas import SCHEMAS, Column, Schema

DOC = Path(__file__).resolve().parent / "formats.md"
TYPES = {"text": "text", "integer": "whole number", "cents": "whole number of cents",
         "minutes": "whole number of minutes", "date": "date `YYYY-MM-DD`", "boolean": "`true` / `false`"}


def rule(column: Column) -> str:
    """Allowed values and minimum of one column, as Markdown."""
    parts = []
    if column.name == "market":
        parts.append("one of the markets in [markets.md](markets.md)")
    if column.allowed:
        parts.append("one of " + ", ".join(f"`{v}`" for v in column.allowed))
    if column.minimum is not None:
        parts.append(f"at least {column.minimum}")
    return "; ".join(parts)


def table(schema: Schema) -> str:
    """The Markdown column table of one exchange format."""
    lines = ["| column | required | type | allowed values | description |", "|---|---|---|---|---|"]
    for c in schema.columns:
        name = f"`{c.name}`" + (" (key)" if c.name == schema.key else "")
        lines.append(f"| {name} | {'yes' if c.required else 'no'} | {TYPES[c.type]} | {rule(c)} | "
                     f"{c.description} |")
    return "\n".join(lines)


def render(text: str) -> str:
    """text with every generated block replaced by the current tables."""
    for kind, schema in SCHEMAS.items():
        pattern = re.compile(rf"(<!-- BEGIN GENERATED: {kind} -->\n).*?(\n<!-- END GENERATED: {kind} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"{DOC.name}: no generated block for {kind}")
        text = pattern.sub(lambda m, s=schema: m.group(1) + table(s) + m.group(2), text)
    return text


def main(argv: list[str]) -> int:
    """Rewrite or check the document."""
    current = DOC.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            print(f"{DOC} is out of date: run .venv/bin/python docs/gen_formats.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
