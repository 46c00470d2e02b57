"""Genesis: the registry's system accounts, created once when a market starts."""

from __future__ import annotations

from dataclasses import dataclass

from openets.domain.messages import Command, Ctx, Event, Result
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState
from openets.registry import commands as rc
from openets.registry.account_handlers import open_system_account
from openets.registry.handlers import PROVINCES
from openets.registry.model import SystemRole


@dataclass(frozen=True, slots=True)
class Genesis(Command):
    """Choose the market's preset and open every missing system account (idempotent)."""

    preset: str = "cn"
    rules: tuple[tuple[str, str], ...] = ()
    """Rule-by-rule changes to the preset: (dotted path, value as JSON), see
    :mod:`openets.rule_overrides`."""


@dataclass(frozen=True, slots=True)
class MarketConfigured(Event):
    """The rules preset of this market, fixed once at its start, with its changes."""

    preset: str
    rules: tuple[tuple[str, str], ...] = ()


def genesis(m: MarketState, cmd: Genesis, ctx: Ctx) -> Result:
    from openets.presets import PRESETS

    events: list[Event] = []
    if not m.preset:
        if cmd.preset not in PRESETS:
            return Rejection(
                Code.INVALID_FIELD,
                f"preset must be one of {sorted(PRESETS)}, was {cmd.preset!r}",
                "preset",
            )
        bad = _check_rules(cmd)
        if bad:
            return bad
        events.append(MarketConfigured(cmd.preset, cmd.rules))
    wanted: list[tuple[SystemRole, str]] = [
        (role, "") for role in SystemRole if role is not SystemRole.PROVINCIAL_ALLOCATION
    ]
    wanted += [(SystemRole.PROVINCIAL_ALLOCATION, p) for p in sorted(PROVINCES)]
    for role, province in wanted:
        if m.registry.system_account(role, province) is None:
            r = open_system_account(m.registry, rc.OpenSystemAccount(role, province), ctx)
            if isinstance(r, Rejection):
                return r
            events.extend(r)
    return tuple(events)


def _check_rules(cmd: Genesis) -> Rejection | None:
    from openets.presets import PRESETS
    from openets.rule_overrides import RuleOverrideError, apply_overrides, decode

    try:
        apply_overrides(PRESETS[cmd.preset], decode(cmd.rules))
    except (RuleOverrideError, ValueError, TypeError) as exc:
        field = f"rules.{exc.path}" if isinstance(exc, RuleOverrideError) else "rules"
        return Rejection(Code.INVALID_FIELD, str(exc), field)
    return None


def _configured(m: MarketState, ev: MarketConfigured) -> None:
    m.configure(ev.preset, ev.rules)


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    handlers[Genesis] = genesis
    appliers[MarketConfigured] = _configured
