"""Scenario files: a baseline and named changes to it, read from TOML.

    [baseline]                 # any field of SimConfig (not seed, db_url): the common set-up
    year = 2021
    entities = 200
    days = 40

    [baseline.params]          # any field of AgentParams (the agents' calibration)
    holdout_ppm = 5000

    [scenario.more-holdouts]   # a scenario: what it changes from the baseline
    params.holdout_ppm = 20000

    [scenario.market-makers]
    makers = 4

    [scenario.wider-band]      # any single rule of the market, by its dotted path
    rules.trading.listing_band_bps = 1500
    rules.reserves.band = {low = 4000, high = 6000, days = 5, quantity = 1000000}

The baseline is a scenario of its own (named ``baseline``). Every key is checked against the
fields it names, with its type: an unknown key or a wrong type is an error naming the scenario,
the key and the value, and nothing runs. ``rules.<path>`` changes one field of the preset's
:class:`~openets.presets.MarketRules` (:mod:`openets.rule_overrides`: the path as ``openets
rules --preset NAME`` lists it); a scenario's change of a rule replaces the baseline's.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openets.rule_overrides import RuleOverrideError, decode, encode
from openets.sim.agents import AgentParams
from openets.sim.simulate import SimConfig, config_rules

FIXED = ("seed", "db_url", "params", "rules")
"""SimConfig fields a scenario does not set (the sweep gives the seed; runs stay in memory)."""


class ScenarioError(ValueError):
    """A scenario file that cannot be run, with the scenario, key and value at fault."""


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    config: SimConfig
    """The set-up of every run of this scenario (its seed is replaced per run)."""
    changes: tuple[tuple[str, object], ...]
    """What it changes from the baseline (dotted keys), for the report."""


def _flat(table: Mapping[str, Any], prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _check(scenario: str, key: str, value: object, default: object) -> object:
    """``value`` as the type of ``default`` (TOML arrays become tuples), or ScenarioError."""
    if isinstance(default, tuple):
        if (
            not isinstance(value, list)
            or len(value) != len(default)
            or not all(type(v) is int for v in value)
        ):
            raise ScenarioError(
                f"scenario {scenario!r}: {key} must be a list of {len(default)} integers "
                f"like {list(default)}, was {value!r}"
            )
        return tuple(value)
    if default is None:  # an optional count (days): an integer when given
        if type(value) is int:
            return value
        raise ScenarioError(f"scenario {scenario!r}: {key} must be an integer, was {value!r}")
    if type(value) is type(default):
        return value
    kind = type(default).__name__
    raise ScenarioError(f"scenario {scenario!r}: {key} must be of type {kind}, was {value!r}")


def _apply(scenario: str, base: SimConfig, changes: Mapping[str, object]) -> SimConfig:
    sim_fields = {f.name: f for f in dataclasses.fields(SimConfig) if f.name not in FIXED}
    param_fields = {f.name for f in dataclasses.fields(AgentParams)}
    config_changes: dict[str, object] = {}
    param_changes: dict[str, object] = {}
    rules = dict(decode(base.rules))
    for key, value in changes.items():
        if key.startswith("rules."):
            rules[key.removeprefix("rules.")] = value
        elif key.startswith("params."):
            name = key.removeprefix("params.")
            if name not in param_fields:
                raise ScenarioError(
                    f"scenario {scenario!r}: unknown agent parameter {key!r}; known: "
                    + ", ".join(f"params.{n}" for n in sorted(param_fields))
                )
            param_changes[name] = _check(scenario, key, value, getattr(base.params, name))
        elif key in sim_fields:
            config_changes[key] = _check(scenario, key, value, getattr(base, key))
        else:
            raise ScenarioError(
                f"scenario {scenario!r}: unknown key {key!r}; known: "
                + ", ".join(sorted(sim_fields))
                + ", params.<agent parameter>, rules.<dotted rule>"
            )
    params = dataclasses.replace(base.params, **param_changes)  # type: ignore[arg-type]
    config = dataclasses.replace(
        base,
        params=params,
        rules=encode(rules.items()),
        **config_changes,  # type: ignore[arg-type]
    )
    try:
        config_rules(config)
    except RuleOverrideError as exc:
        raise ScenarioError(f"scenario {scenario!r}: {exc}") from None
    except ValueError as exc:  # an unknown preset
        raise ScenarioError(f"scenario {scenario!r}: {exc}") from None
    return config


def parse_scenarios(text: str, source: str = "scenarios") -> tuple[Scenario, ...]:
    """The baseline and every ``[scenario.NAME]`` of a scenario file, in file order."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: not valid TOML: {exc}") from None
    unknown = sorted(set(doc) - {"baseline", "scenario"})
    if unknown:
        raise ScenarioError(
            f"{source}: unknown table(s) {', '.join(unknown)}; a scenario file has [baseline] "
            "and [scenario.NAME] tables"
        )
    base_changes = _flat(doc.get("baseline", {}))
    baseline = _apply("baseline", SimConfig(), base_changes)
    out = [Scenario("baseline", baseline, ())]
    for name, table in (doc.get("scenario") or {}).items():
        if name == "baseline":
            raise ScenarioError(f"{source}: 'baseline' is the baseline's name; rename the scenario")
        if not isinstance(table, dict) or not table:
            raise ScenarioError(f"scenario {name!r}: it changes nothing; give at least one key")
        changes = _flat(table)
        out.append(Scenario(name, _apply(name, baseline, changes), tuple(sorted(changes.items()))))
    return tuple(out)


def load_scenarios(path: Path) -> tuple[Scenario, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot read the scenario file {path}: {exc.strerror}") from None
    return parse_scenarios(text, str(path))
