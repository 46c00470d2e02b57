"""Rule-by-rule changes to a preset: ``(dotted path, value)`` pairs applied to :class:`MarketRules`.

A scenario file (``rules.trading.listing_band_bps = 500``) and a market's start
(:class:`~openets.registry.genesis_service.Genesis` carries them, so replay rebuilds the same
rules) name a field of the rules by its dotted path, as ``openets rules --preset NAME`` lists
them. A value is plain data (TOML or JSON): whole numbers for money (fen), tonnes and basis
points, ``true``/``false``, text, ``"HH:MM"`` times, ``"YYYY-MM-DD"`` dates, the value of a
named choice (``"uniform"``), a list for a tuple or a set, a table for a part of the rules
(``rules.reserves.band = {low = 4000, high = 12000, days = 5, quantity = 1000000}`` turns on a
mechanism the preset lacks), and ``"none"`` for an optional value that is off.

Every value is checked against the type the rules declare, and the part it changes against its
own rules (a band whose low is above its high); a path no rule has, a value of the wrong type
or a part that refuses it is a :class:`RuleOverrideError` naming the path, the value and the
rule it breaks. Nothing else of the preset changes.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Any

from openets.presets import MarketRules

PARTS = ("trading", "block", "auction", "fees", "risk", "settlement", "reserves", "mfa",
         "vintages", "venue")  # fmt: skip
"""The parts of :class:`MarketRules` a change may name (not its ``name`` or ``unconfirmed``)."""

Overrides = tuple[tuple[str, str], ...]
"""(dotted path, the value as JSON): journal-safe, in the order given."""


class RuleOverrideError(ValueError):
    """A change the rules cannot take; ``path`` and ``value`` name it."""

    def __init__(self, path: str, value: object, rule: str) -> None:
        super().__init__(f"rules.{path}: {rule}, was {_show(value)}")
        self.path = path
        self.value = value
        self.rule = rule


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _is_optional(tp: Any) -> tuple[bool, Any]:
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return True, rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]  # noqa: UP007
    return False, tp


def _describe(tp: Any) -> str:
    optional, inner = _is_optional(tp)
    if optional:
        return f'{_describe(inner)} or "none"'
    origin = typing.get_origin(tp)
    if origin in (tuple, frozenset):
        args = typing.get_args(tp)
        if origin is frozenset or (len(args) == 2 and args[1] is Ellipsis):
            return f"a list of {_describe(args[0])}"
        return f"a list of {len(args)}: " + ", ".join(_describe(a) for a in args)
    if tp is bool:
        return "true or false"
    if tp is int:
        return "a whole number"
    if tp is str:
        return "text"
    if tp is date:
        return "a date YYYY-MM-DD"
    if tp is time:
        return "a time HH:MM"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(str(m.value) for m in tp)
    if dataclasses.is_dataclass(tp):
        return "a table of " + ", ".join(f.name for f in dataclasses.fields(tp))
    return str(tp)


def convert(path: str, tp: Any, value: object, current: object = None) -> object:  # noqa: C901
    """``value`` (plain data) as the type ``tp``; ``current`` is the value it replaces (a table
    changes only the fields it names of a part that is on)."""
    optional, inner = _is_optional(tp)
    if optional:
        if value == "none":
            return None
        try:
            return convert(path, inner, value, current)
        except RuleOverrideError as exc:
            if exc.path == path and exc.rule.startswith("must be"):
                raise RuleOverrideError(path, value, f"must be {_describe(tp)}") from None
            raise
    want = _describe(tp)
    origin = typing.get_origin(tp)
    if origin in (tuple, frozenset):
        args = typing.get_args(tp)
        if not isinstance(value, list):
            raise RuleOverrideError(path, value, f"must be {want}")
        if origin is frozenset:
            return frozenset(convert(path, args[0], v) for v in value)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(convert(f"{path}.{i}", args[0], v) for i, v in enumerate(value))
        if len(value) != len(args):
            raise RuleOverrideError(path, value, f"must be {want} ({len(args)} items)")
        return tuple(
            convert(f"{path}.{i}", a, v) for i, (a, v) in enumerate(zip(args, value, strict=True))
        )
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise RuleOverrideError(path, value, f"must be {want}")
    if tp is int:
        if type(value) is int:
            return value
        raise RuleOverrideError(path, value, f"must be {want}")
    if tp is str:
        if isinstance(value, str):
            return value
        raise RuleOverrideError(path, value, f"must be {want}")
    if tp in (date, time):
        if isinstance(value, tp):
            return value
        try:
            return tp.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            pass
        raise RuleOverrideError(path, value, f"must be {want}")
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(value)
        except ValueError:
            raise RuleOverrideError(path, value, f"must be {want}") from None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, Mapping):
            raise RuleOverrideError(path, value, f"must be {want}")
        return _table(path, tp, value, current)
    raise RuleOverrideError(path, value, f"cannot be changed in a scenario ({want})")


def _table(path: str, cls: type, table: Mapping[str, object], current: object) -> object:
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(table) - names)
    if unknown:
        bad = f"{path}.{unknown[0]}" if path else unknown[0]
        raise RuleOverrideError(
            bad,
            table[unknown[0]],
            f"no such rule; {path or 'the rules'} has " + ", ".join(sorted(names)),
        )
    values: dict[str, object] = {}
    for name, value in table.items():
        sub = f"{path}.{name}" if path else name
        now = getattr(current, name) if current is not None else None
        values[name] = convert(sub, hints[name], value, now)
    try:
        if current is not None:
            return dataclasses.replace(current, **values)  # type: ignore[type-var]
        return cls(**values)
    except TypeError as exc:  # a part the preset lacks, given without all its fields
        missing = [
            f.name for f in dataclasses.fields(cls)
            if f.name not in values
            and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        ]  # fmt: skip
        rule = (
            f"is off in the preset: set it whole, with {', '.join(missing)}"
            if missing
            else (str(exc))
        )
        raise RuleOverrideError(path, dict(table), rule) from None
    except ValueError as exc:
        if not path:  # the rules as a whole (a block tick that differs from the market's)
            first = next(iter(table))
            raise RuleOverrideError(first, table[first], str(exc)) from None
        raise RuleOverrideError(path, dict(table), str(exc)) from None


def _nest(pairs: Iterable[tuple[str, object]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in pairs:
        if not path or any(not p for p in path.split(".")):
            raise RuleOverrideError(path, value, "a rule's path is its dotted name")
        parts = path.split(".")
        if parts[0] not in PARTS:
            raise RuleOverrideError(
                path, value, "no such rule; a rule's path starts with one of " + ", ".join(PARTS)
            )
        cur = out
        for p in parts[:-1]:
            nxt = cur.setdefault(p, {})
            if not isinstance(nxt, dict):
                raise RuleOverrideError(path, value, f"{p} is set whole elsewhere in the changes")
            cur = nxt
        leaf = parts[-1]
        if isinstance(value, Mapping):
            into = cur.setdefault(leaf, {})
            if not isinstance(into, dict):
                raise RuleOverrideError(path, value, "is set twice in the changes")
            into.update(value)
        elif leaf in cur:
            raise RuleOverrideError(path, value, "is set twice in the changes")
        else:
            cur[leaf] = value
    return out


def apply_overrides(rules: MarketRules, pairs: Iterable[tuple[str, object]]) -> MarketRules:
    """``rules`` with every (dotted path, plain value) change applied, checked."""
    nested = _nest(pairs)
    if not nested:
        return rules
    changed = _table("", MarketRules, nested, rules)
    assert isinstance(changed, MarketRules)
    return changed


def encode(pairs: Iterable[tuple[str, object]]) -> Overrides:
    """The changes as journal-safe pairs (the value as JSON, dates and times in ISO 8601)."""
    return tuple((path, json.dumps(value, default=str, sort_keys=True)) for path, value in pairs)


def decode(overrides: Overrides) -> list[tuple[str, object]]:
    return [(path, json.loads(value)) for path, value in overrides]
