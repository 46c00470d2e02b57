"""The whole market's in-memory state: one typed field per context's part, changed only by events.

A new part is a new field here (and its appliers in :mod:`openets.composition`). Parts defined
by a use case module are created by a factory that imports it when the state is made (those
modules import this one).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from openets.clearing.funds import FundsState
from openets.domain.ids import IdSource
from openets.identity.model import IdentityState
from openets.presets import MarketRules, preset
from openets.registry.state import RegistryState
from openets.supervision.finance import FinanceState
from openets.supervision.state import SupervisionState
from openets.trading.auction_book import AuctionBook
from openets.trading.block_book import BlockBook
from openets.trading.state import TradingState

if TYPE_CHECKING:
    from openets.engine.usecases.account_requests import AccountRequests
    from openets.engine.usecases.audit import AuditState
    from openets.engine.usecases.clock import ClockState
    from openets.engine.usecases.compliance import CompliancePart

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


def _compliance() -> CompliancePart:
    from openets.engine.usecases.compliance import CompliancePart

    return CompliancePart()


def _clock() -> ClockState:
    from openets.engine.usecases.clock import ClockState

    return ClockState()


def _account_requests() -> AccountRequests:
    from openets.engine.usecases.account_requests import AccountRequests

    return AccountRequests()


def _audit() -> AuditState:
    from openets.engine.usecases.audit import AuditState

    return AuditState()


def _default_rules() -> MarketRules:
    return preset("cn")


PARTS: tuple[str, ...] = (
    "trading",
    "auction",
    "block",
    "finance",
    "compliance",
    "supervision",
    "clock",
    "account_requests",
    "identity",
    "audit",
)
"""The parts beyond the registry and the funds (hashed and checked in name order)."""


@dataclass(slots=True)
class MarketState:
    registry: RegistryState = field(default_factory=RegistryState)
    funds: FundsState = field(default_factory=FundsState)
    trading: TradingState = field(default_factory=TradingState)
    auction: AuctionBook = field(default_factory=AuctionBook)
    block: BlockBook = field(default_factory=BlockBook)
    finance: FinanceState = field(default_factory=FinanceState)
    compliance: CompliancePart = field(default_factory=_compliance)
    supervision: SupervisionState = field(default_factory=SupervisionState)
    clock: ClockState = field(default_factory=_clock)
    account_requests: AccountRequests = field(default_factory=_account_requests)
    identity: IdentityState = field(default_factory=IdentityState)
    audit: AuditState = field(default_factory=_audit)
    preset: str = ""
    """The rules preset's name, fixed when the market is configured ('' before)."""
    rules: MarketRules = field(default_factory=_default_rules, metadata={"derived": True})
    """The preset's rules, resolved once when the market is configured (``configure``)."""
    ids: IdSource = field(default_factory=IdSource)
    last_seq: int = 0
    last_cmd_seq: int = 0
    last_hash: str = "0" * 64
    last_ts: int = 0

    def configure(self, name: str) -> None:
        """Fix the market's preset and resolve its rules (once, when the market is configured)."""
        self.preset = name
        self.rules = preset(name)

    def rebuild_derived(self) -> None:
        """Recompute what is derived from other fields (after a snapshot is read)."""
        self.rules = preset(self.preset or "cn")

    def canonical(self) -> dict[str, object]:
        out: dict[str, object] = {
            "registry": self.registry.canonical(),
            "funds": self.funds.canonical(),
            "ids": sorted(self.ids.snapshot().items()),
        }
        for name in PARTS:
            out[name] = getattr(self, name).canonical()
        if self.preset:
            out["preset"] = repr(self.preset)
        return dict(sorted(out.items()))

    def state_hash(self) -> str:
        return canonical_hash(self.canonical())

    def violations(self) -> list[str]:
        out = self.registry.violations() + self.funds.violations()
        for name in sorted(PARTS):
            part = getattr(self, name)
            if hasattr(part, "violations"):
                out += part.violations()
        from openets.ops.reconcile import cross_context_violations  # reads every part

        return out + cross_context_violations(self)
