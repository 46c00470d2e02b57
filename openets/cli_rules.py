"""``openets rules``: a market preset's whole rule set, with its unconfirmed values marked.

    openets rules --preset cn [--format text|json]

Every field of the preset's :class:`~openets.presets.MarketRules` is printed with its value, one a
line; a value ``cn-ets-rules.md`` marks unconfirmed is followed by ``[U]`` (text) or listed under
``unconfirmed`` (json). An unknown preset or format is an error naming the known ones (exit 2).
"""

from __future__ import annotations

import json
import sys
from datetime import time
from enum import Enum

import typer

from openets.clearing.fees import FeeRate
from openets.supervision.risk import Limit

FORMATS = ("text", "json")


def _time(t: time) -> str:
    return f"{t:%H:%M}"


def _rate(r: FeeRate) -> str:
    bounds = f", min {r.min_fen} fen" if r.min_fen else ""
    bounds += f", max {r.max_fen} fen" if r.max_fen is not None else ""
    return f"{r.bps} bps{bounds}"


def to_json(value: object) -> object:
    """A rule's value as plain JSON: times as HH:MM, enums by value, rows as objects."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, time):
        return _time(value)
    if isinstance(value, FeeRate):
        return {"bps": value.bps, "min_fen": value.min_fen, "max_fen": value.max_fen}
    if isinstance(value, Limit):
        return {"subject_type": value.subject_type, "base_t": value.base_t,
                "plus_allocation": value.plus_allocation}  # fmt: skip
    if isinstance(value, tuple):
        return [to_json(x) for x in value]
    if isinstance(value, frozenset):  # a venue's methods, subjects, products
        return sorted(str(to_json(x)) for x in value)
    return str(value)


def to_text(value: object) -> str:
    """A rule's value on one line."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, time):
        return _time(value)
    if isinstance(value, frozenset):
        return ", ".join(sorted(to_text(x) for x in value)) or "none"
    if isinstance(value, tuple):
        if not value:
            return "none"
        if all(isinstance(w, tuple) and len(w) == 2 and isinstance(w[0], time) for w in value):
            return ", ".join(f"{_time(a)}-{_time(b)}" for a, b in value)
        if all(isinstance(x, tuple) and len(x) == 3 for x in value):  # fee rates
            return "; ".join(f"{m} {s} {_rate(r)}" for m, s, r in value)
        if all(isinstance(x, tuple) and len(x) == 2 and all(isinstance(i, int) for i in x)
               for x in value):  # fmt: skip
            return "; ".join(f"{a}: {b}" for a, b in value)  # (year, bps), (price, tonnes)
        if all(isinstance(x, Limit) for x in value):
            return "; ".join(
                f"{x.subject_type} {'allocation + ' if x.plus_allocation else ''}{x.base_t} t"
                for x in value
            )
        return ", ".join(to_text(x) for x in value)
    return str(value)


def rules_document(name: str) -> dict[str, object]:
    """The preset's rules as JSON: ``{"preset", "rules": {dotted: value}, "unconfirmed"}``."""
    from openets.presets import preset, rule_fields

    rules = preset(name)
    return {
        "preset": rules.name,
        "rules": {field: to_json(value) for field, value in rule_fields(rules)},
        "unconfirmed": list(rules.unconfirmed),
    }


def rules_text(name: str) -> str:
    """The preset's rules, one ``field  value`` a line, ``[U]`` after the unconfirmed ones."""
    from openets.presets import preset, rule_fields

    rules = preset(name)
    rows = rule_fields(rules)
    width = max(len(f) for f, _ in rows)
    lines = [
        f"preset {rules.name}: every rule of the market "
        "([U]: unconfirmed in cn-ets-rules.md, the reference's default; configurable)"
    ]
    for field, value in rows:
        mark = "  [U]" if field in rules.unconfirmed else ""
        lines.append(f"{field:<{width}}  {to_text(value)}{mark}")
    return "\n".join(lines) + "\n"


def rules_command(name: str, fmt: str) -> int:
    from openets.presets import PRESETS

    if name not in PRESETS:
        print(f"error: unknown preset {name!r}; use one of {', '.join(PRESETS)}", file=sys.stderr)
        return 2
    if fmt not in FORMATS:
        print(f"error: --format must be text or json, was {fmt!r}", file=sys.stderr)
        return 2
    if fmt == "json":
        sys.stdout.write(json.dumps(rules_document(name), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(rules_text(name))
    return 0


def register(app: typer.Typer) -> None:
    @app.command("rules")
    def rules(
        preset: str = typer.Option("cn", "--preset", help="market rules preset"),
        fmt: str = typer.Option("text", "--format", help="text | json"),
    ) -> None:
        """Print a preset's whole rule set; unconfirmed values are marked [U]."""
        raise typer.Exit(rules_command(preset, fmt))
