"""Dated, cited agreement parameters loaded from YAML packs, looked up by date in Python or in SQL.

A parameter file maps parameter ids to a description, a unit and a list of dated values. A change
of rate is a new dated value, never an edit of an old one; each value carries its citation, the
strength of its source and whether it is verified. See docs/contracts.md for the format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from greenroom.money import rate_to_ppm

UNITS = ("cents", "rate", "count", "days", "months", "minutes", "boolean")
SOURCE_TAGS = ("P", "O", "T", "S", "D")
UNPUBLISHED_SOURCES = ("S", "D")
MATCHES = ("upto", "atleast", "exact")


class PackError(ValueError):
    """A parameter file is malformed; the message names the file and the parameter."""


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter, in force from a date until the next value."""

    param_id: str
    start: dt.date
    value: Any
    reference: str
    source: str
    status: str
    note: str = ""

    @property
    def ref_id(self) -> str:
        """Stable id of this dated value, used in explanations: 'param@YYYY-MM-DD'."""
        return f"{self.param_id}@{self.start.isoformat()}"

    @property
    def verified(self) -> bool:
        """True when the value is a published, verified contract figure."""
        return self.status == "verified"


@dataclass(frozen=True)
class Parameter:
    """A named agreement parameter with its dated history."""

    id: str
    description: str
    unit: str
    values: tuple[DatedValue, ...]
    key: str = ""
    match: str = "exact"
    file: str = ""

    def on(self, day: dt.date) -> DatedValue | None:
        """The value in force on day, or None before the first effective date."""
        found = None
        for v in self.values:
            if v.start <= day:
                found = v
        return found

    def lookup_key(self, value: Any, key: int | str) -> Any:
        """Pick from a table value by key using this parameter's match rule."""
        table: Mapping[Any, Any] = value
        if self.match == "exact":
            return table.get(key)
        keys = sorted(table)
        if self.match == "upto":
            for k in keys:
                if key <= k:
                    return table[k]
            return None
        chosen = None
        for k in keys:
            if key >= k:
                chosen = table[k]
        return chosen

    def to_int(self, raw: Any) -> int:
        """Convert a stored scalar to the integer the engine computes with (ppm for rates)."""
        if self.unit == "rate":
            return rate_to_ppm(Decimal(str(raw)))
        if self.unit == "boolean":
            return int(bool(raw))
        return int(raw)


@dataclass
class Pack:
    """All parameters of one agreement."""

    agreement: str
    parameters: dict[str, Parameter] = field(default_factory=dict)

    def __getitem__(self, param_id: str) -> Parameter:
        """The parameter called param_id, with a helpful error when it is unknown."""
        try:
            return self.parameters[param_id]
        except KeyError:
            raise KeyError(f"unknown parameter {param_id!r} in pack {self.agreement}") from None

    def __iter__(self) -> Iterator[Parameter]:
        """Parameters in id order."""
        return iter(sorted(self.parameters.values(), key=lambda p: p.id))

    def value(self, param_id: str, day: dt.date, key: int | str | None = None) -> Any:
        """The raw value in force on day (and for key, for table parameters); None if not in force."""
        param = self[param_id]
        dated = param.on(day)
        if dated is None:
            return None
        return dated.value if key is None else param.lookup_key(dated.value, key)

    def dated(self, param_id: str, day: dt.date) -> DatedValue | None:
        """The dated value (with citation) in force on day."""
        return self[param_id].on(day)

    def ref(self, ref_id: str) -> DatedValue:
        """Resolve an explanation reference 'param@YYYY-MM-DD' to its dated value."""
        param_id, _, start = ref_id.partition("@")
        for v in self[param_id].values:
            if v.start.isoformat() == start:
                return v
        raise KeyError(ref_id)

    def with_overrides(self, overrides: Mapping[str, list[DatedValue]]) -> Pack:
        """A copy of this pack with some parameters' histories extended (used by reforms)."""
        params = dict(self.parameters)
        for pid, extra in overrides.items():
            base = params[pid]
            merged = {v.start: v for v in base.values}
            merged.update({v.start: v for v in extra})
            params[pid] = Parameter(base.id, base.description, base.unit,
                                    tuple(sorted(merged.values(), key=lambda v: v.start)),
                                    base.key, base.match, base.file)
        return Pack(self.agreement, params)


def _parse_date(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise PackError(f"{where}: 'from' must be an ISO date, got {raw!r}") from None


def _parse_value(raw: Any, where: str) -> DatedValue:
    for needed in ("from", "value", "reference", "source"):
        if needed not in raw:
            raise PackError(f"{where}: every value needs {needed!r}")
    source = str(raw["source"])
    tags = [t.strip() for t in source.replace("+", ",").split(",")]
    if not all(t in SOURCE_TAGS for t in tags):
        raise PackError(f"{where}: source must be among {SOURCE_TAGS}, got {source!r}")
    status = str(raw.get("status", "verified"))
    if status not in ("verified", "unverified"):
        raise PackError(f"{where}: status must be verified or unverified")
    if status == "verified" and all(t in UNPUBLISHED_SOURCES for t in tags):
        raise PackError(f"{where}: a value sourced only from {source} is not a published figure; "
                        "mark it status: unverified")
    return DatedValue(param_id="", start=_parse_date(raw["from"], where), value=raw["value"],
                      reference=str(raw["reference"]), source=source, status=status,
                      note=str(raw.get("note", "")))


def parse_parameters(doc: Mapping[str, Any], file: str) -> list[Parameter]:
    """Parse one YAML document of parameters, checking units, sources and date order."""
    params = []
    for pid, spec in doc.items():
        where = f"{file}: {pid}"
        if not isinstance(spec, Mapping) or "values" not in spec:
            raise PackError(f"{where}: expected a mapping with 'values'")
        unit = spec.get("unit")
        if unit not in UNITS:
            raise PackError(f"{where}: unit must be one of {UNITS}, got {unit!r}")
        match = spec.get("match", "exact")
        if match not in MATCHES:
            raise PackError(f"{where}: match must be one of {MATCHES}")
        values = []
        for raw in spec["values"]:
            v = _parse_value(raw, where)
            values.append(DatedValue(pid, v.start, v.value, v.reference, v.source, v.status, v.note))
        starts = [v.start for v in values]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise PackError(f"{where}: values must be in date order with distinct dates")
        param = Parameter(pid, str(spec.get("description", "")), unit, tuple(values),
                          str(spec.get("key", "")), match, file)
        for v in values:
            _check_convertible(param, v.value, where)
        params.append(param)
    return params


def _check_convertible(param: Parameter, value: Any, where: str) -> None:
    items = value.values() if isinstance(value, Mapping) else [value]
    for item in items:
        try:
            param.to_int(item)
        except (ValueError, TypeError, ArithmeticError) as exc:
            raise PackError(f"{where}: value {item!r} is not a valid {param.unit}: {exc}") from None


def packs_root() -> Path:
    """The folder holding the agreement packs shipped inside the package."""
    return Path(str(resources.files("greenroom.contracts") / "packs"))


def load_pack_from(folder: Path, agreement: str) -> Pack:
    """Load every parameter file under folder into a Pack, refusing duplicate ids."""
    pack = Pack(agreement)
    for path in sorted(folder.rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rel = str(path.relative_to(folder))
        for param in parse_parameters(doc, rel):
            if param.id in pack.parameters:
                raise PackError(f"{rel}: parameter {param.id} also defined in {pack.parameters[param.id].file}")
            pack.parameters[param.id] = param
    return pack


@cache
def load_pack(agreement: str = "sag-aftra-tv-theatrical") -> Pack:
    """The shipped pack for an agreement (cached)."""
    folder = packs_root() / agreement
    if not folder.is_dir():
        raise PackError(f"no agreement pack named {agreement!r}")
    return load_pack_from(folder, agreement)
