"""Render dated parameters as SQL CASE expressions so the bulk engine looks them up per row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from greenroom.contracts.params import DatedValue, Parameter


def sql_literal(value: int | str | bool | None) -> str:
    """A SQL literal for a Python scalar."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _by_date(param: Parameter, date_expr: str, render: Any) -> str:
    arms = [f"WHEN {date_expr} >= DATE '{v.start.isoformat()}' THEN {render(v)}"
            for v in reversed(param.values)]
    return "(CASE " + " ".join(arms) + " ELSE NULL END)"


def _table_case(param: Parameter, table: Mapping[Any, Any], key_expr: str) -> str:
    keys = sorted(table)
    if param.match == "exact":
        arms = [f"WHEN {key_expr} = {sql_literal(k)} THEN {param.to_int(table[k])}" for k in keys]
    elif param.match == "upto":
        arms = [f"WHEN {key_expr} <= {sql_literal(k)} THEN {param.to_int(table[k])}" for k in keys]
    else:
        arms = [f"WHEN {key_expr} >= {sql_literal(k)} THEN {param.to_int(table[k])}" for k in reversed(keys)]
    return "(CASE " + " ".join(arms) + " ELSE NULL END)"


def value_sql(param: Parameter, date_expr: str, key_expr: str | None = None) -> str:
    """SQL for the integer value in force on date_expr (ppm for rates), keyed by key_expr for tables."""
    def render(v: DatedValue) -> str:
        if isinstance(v.value, Mapping):
            if key_expr is None:
                raise ValueError(f"{param.id} is a table; give a key expression")
            return _table_case(param, v.value, key_expr)
        return str(param.to_int(v.value))

    return _by_date(param, date_expr, render)


def ref_sql(param: Parameter, date_expr: str, key_expr: str | None = None) -> str:
    """SQL for the explanation reference 'param@date' (with '#key' for tables) in force on date_expr."""
    suffix = "" if key_expr is None else f" || '#' || CAST({key_expr} AS VARCHAR)"
    return _by_date(param, date_expr, lambda v: sql_literal(v.ref_id) + suffix)


def unverified_sql(param: Parameter, date_expr: str) -> str:
    """SQL that is TRUE when the value in force on date_expr is unverified."""
    return _by_date(param, date_expr, lambda v: "FALSE" if v.verified else "TRUE")
