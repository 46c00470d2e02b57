"""Carbon finance agreements (碳金融): pledges and repos, their messages and their state.

Pure, like the rest of this package: the registry's use case
(:mod:`openets.registry.pledge_service`) moves pledged allowances and clearing's
(:mod:`openets.clearing.repo_service`) trades the repos' legs; this module only records the
agreements. Kept beside supervision because the registry operator and the
regulator oversee these agreements; no other context needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from openets.domain.messages import Command, Event

if TYPE_CHECKING:
    from openets.market import MarketState


class PledgeStatus(StrEnum):
    ACTIVE = "active"
    DEFAULT_PENDING = "default_pending"
    RELEASED = "released"
    ENFORCED = "enforced"


class RepoStatus(StrEnum):
    PROPOSED = "proposed"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


# -- commands ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterPledge(Command):
    pledgor: str
    lender: str
    product: str
    quantity: int
    loan_fen: int
    maturity: str
    reference: str
    """The loan contract's reference."""


@dataclass(frozen=True, slots=True)
class RepayPledge(Command):
    pledge_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class RequestPledgeEnforcement(Command):
    pledge_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class DecidePledgeEnforcement(Command):
    pledge_id: str
    approve: bool
    reason: str


@dataclass(frozen=True, slots=True)
class ProposeRepo(Command):
    seller: str
    buyer: str
    instrument: str
    quantity: int
    price: int
    repurchase_price: int
    repurchase_date: str


@dataclass(frozen=True, slots=True)
class CancelRepo(Command):
    repo_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class AcceptRepo(Command):
    repo_id: str
    account_id: str


@dataclass(frozen=True, slots=True)
class RepurchaseRepo(Command):
    repo_id: str


# -- events --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PledgeRegistered(Event):
    pledge_id: str
    pledgor: str
    lender: str
    product: str
    quantity: int
    loan_fen: int
    maturity: str
    reference: str
    actor: str
    time: str


@dataclass(frozen=True, slots=True)
class PledgeReleased(Event):
    pledge_id: str
    reason: str
    actor: str
    time: str


@dataclass(frozen=True, slots=True)
class PledgeEnforcementRequested(Event):
    pledge_id: str
    initiator: str
    reason: str
    time: str


@dataclass(frozen=True, slots=True)
class PledgeEnforcementDecided(Event):
    pledge_id: str
    approver: str
    approved: bool
    reason: str
    time: str


@dataclass(frozen=True, slots=True)
class RepoProposed(Event):
    repo_id: str
    seller: str
    buyer: str
    instrument: str
    quantity: int
    price: int
    repurchase_price: int
    repurchase_date: str
    actor: str
    time: str


@dataclass(frozen=True, slots=True)
class RepoCancelled(Event):
    repo_id: str
    reason: str
    actor: str


@dataclass(frozen=True, slots=True)
class RepoLegTraded(Event):
    repo_id: str
    leg: int
    """1: the sale; 2: the repurchase."""
    trade_id: str


# -- state ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class PledgeRecord:
    terms: PledgeRegistered
    status: PledgeStatus = PledgeStatus.ACTIVE
    initiator: str = ""


@dataclass(slots=True)
class RepoRecord:
    terms: RepoProposed
    status: RepoStatus = RepoStatus.PROPOSED
    trades: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FinanceState:
    pledges: dict[str, PledgeRecord] = field(default_factory=dict)
    repos: dict[str, RepoRecord] = field(default_factory=dict)

    def apply_registered(self, ev: PledgeRegistered) -> None:
        self.pledges[ev.pledge_id] = PledgeRecord(ev)

    def apply_released(self, ev: PledgeReleased) -> None:
        self.pledges[ev.pledge_id].status = PledgeStatus.RELEASED

    def apply_requested(self, ev: PledgeEnforcementRequested) -> None:
        rec = self.pledges[ev.pledge_id]
        rec.status, rec.initiator = PledgeStatus.DEFAULT_PENDING, ev.initiator

    def apply_decided(self, ev: PledgeEnforcementDecided) -> None:
        rec = self.pledges[ev.pledge_id]
        rec.status = PledgeStatus.ENFORCED if ev.approved else PledgeStatus.ACTIVE
        rec.initiator = ""

    def apply_proposed(self, ev: RepoProposed) -> None:
        self.repos[ev.repo_id] = RepoRecord(ev)

    def apply_repo_cancelled(self, ev: RepoCancelled) -> None:
        self.repos[ev.repo_id].status = RepoStatus.CANCELLED

    def apply_leg(self, ev: RepoLegTraded) -> None:
        rec = self.repos[ev.repo_id]
        rec.trades.append(ev.trade_id)
        rec.status = RepoStatus.OPEN if ev.leg == 1 else RepoStatus.CLOSED

    def violations(self) -> list[str]:
        out = []
        for rid, r in self.repos.items():
            want = {RepoStatus.OPEN: 1, RepoStatus.CLOSED: 2}.get(r.status, 0)
            if len(r.trades) != want:
                out.append(f"repo {rid} is {r.status.value} with {len(r.trades)} legs traded")
        return out

    def canonical(self) -> dict[str, Any]:
        return {
            "pledges": sorted((k, p.status.value, p.initiator) for k, p in self.pledges.items()),
            "repos": sorted((k, r.status.value, tuple(r.trades)) for k, r in self.repos.items()),
        }


APPLIERS: dict[type, Callable[[Any, Any], None]] = {
    PledgeRegistered: FinanceState.apply_registered,
    PledgeReleased: FinanceState.apply_released,
    PledgeEnforcementRequested: FinanceState.apply_requested,
    PledgeEnforcementDecided: FinanceState.apply_decided,
    RepoProposed: FinanceState.apply_proposed,
    RepoCancelled: FinanceState.apply_repo_cancelled,
    RepoLegTraded: FinanceState.apply_leg,
}

PLEDGE_EVENTS: tuple[type, ...] = (
    PledgeRegistered,
    PledgeReleased,
    PledgeEnforcementRequested,
    PledgeEnforcementDecided,
)
"""The pledges' events (their appliers are registered by the registry's pledge service)."""


def fin(m: MarketState) -> FinanceState:
    """The finance agreements of the market (pledges and repos)."""
    st: FinanceState = m.finance
    return st
