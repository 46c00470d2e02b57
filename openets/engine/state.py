"""The whole market's in-memory state: one part per context, changed only by events."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson

from openets.clearing.funds import FundsState
from openets.domain.ids import IdSource
from openets.registry.state import RegistryState


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
        blob = orjson.dumps(self.canonical(), option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(blob).hexdigest()

    def violations(self) -> list[str]:
        out = self.registry.violations() + self.funds.violations()
        for name in sorted(self.ext):
            part = self.ext[name]
            if hasattr(part, "violations"):
                out += part.violations()
        from openets.ops.reconcile import cross_context_violations  # reads every part

        return out + cross_context_violations(self)
