"""The whole market's in-memory state: one part per context, changed only by events."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson

from openets.clearing.funds import FundsState
from openets.domain.ids import IdSource
from openets.registry.state import RegistryState

_I64 = 2**63


def _widen(v: Any) -> Any:
    """The canonical value with every integer beyond 64 bits written as ``"int:<digits>"``."""
    if isinstance(v, bool) or v is None or isinstance(v, str | float):
        return v
    if isinstance(v, int):
        return v if -_I64 <= v < _I64 else f"int:{v}"
    if isinstance(v, dict):
        return {k: _widen(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_widen(x) for x in v]
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {f.name: _widen(getattr(v, f.name)) for f in dataclasses.fields(v)}
    return v


def canonical_hash(canonical: object) -> str:
    """SHA-256 of the canonical JSON; integers of any size (a 64-bit encoder alone would fail
    on a sum of balances past 2**63, and with it verify, replay and backup)."""
    try:
        blob = orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        blob = orjson.dumps(_widen(canonical), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(blob).hexdigest()


@dataclass(slots=True)
class MarketState:
    registry: RegistryState = field(default_factory=RegistryState)
    funds: FundsState = field(default_factory=FundsState)
    ext: dict[str, Any] = field(default_factory=dict)
    """States of contexts plugged in later (trading, compliance, supervision), by name."""
    ids: IdSource = field(default_factory=IdSource)
    last_seq: int = 0
    last_cmd_seq: int = 0
    last_hash: str = "0" * 64
    last_ts: int = 0

    def canonical(self) -> dict[str, object]:
        out: dict[str, object] = {
            "registry": self.registry.canonical(),
            "funds": self.funds.canonical(),
            "ids": sorted(self.ids.snapshot().items()),
        }
        for name in sorted(self.ext):
            part = self.ext[name]
            out[name] = part.canonical() if hasattr(part, "canonical") else repr(part)
        return out

    def state_hash(self) -> str:
        return canonical_hash(self.canonical())

    def violations(self) -> list[str]:
        out = self.registry.violations() + self.funds.violations()
        for name in sorted(self.ext):
            part = self.ext[name]
            if hasattr(part, "violations"):
                out += part.violations()
        from openets.ops.reconcile import cross_context_violations  # reads every part

        return out + cross_context_violations(self)
