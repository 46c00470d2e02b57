"""Supervision's port for the other contexts: the checks they ask before an account trades,
buys or moves allowances or funds out (pure reads of the state, each a Rejection or None).

- :func:`check_position_limit` before a command adds to a buyer's position (POSITION_LIMIT);
- :func:`check_account_restriction` for an account restricted from trading or transfer;
- the finance agreements' record (:mod:`openets.supervision.finance`: pledges and repos, their
  messages and appliers), which the registry's pledges and clearing's repos keep:
  :func:`pledge` and :func:`repo` read it, :func:`finance_appliers` applies their events.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from openets.domain.rejection import Code, Rejection
from openets.registry import port as registry_port
from openets.registry.port import SubjectType
from openets.supervision.finance import APPLIERS as FINANCE_APPLIERS
from openets.supervision.finance import (
    PLEDGE_EVENTS,
    AcceptRepo,
    CancelRepo,
    DecidePledgeEnforcement,
    PledgeEnforcementDecided,
    PledgeEnforcementRequested,
    PledgeRecord,
    PledgeRegistered,
    PledgeReleased,
    PledgeStatus,
    ProposeRepo,
    RegisterPledge,
    RepayPledge,
    RepoCancelled,
    RepoLegTraded,
    RepoProposed,
    RepoRecord,
    RepoStatus,
    RepurchaseRepo,
    RequestPledgeEnforcement,
    fin,
)
from openets.supervision.risk import Position, RiskRules, check_position
from openets.supervision.state import SupervisionState

if TYPE_CHECKING:
    from openets.market import Applier, MarketState

__all__ = [
    "FINANCE_APPLIERS",
    "PLEDGE_EVENTS",
    "AcceptRepo",
    "CancelRepo",
    "DecidePledgeEnforcement",
    "PledgeEnforcementDecided",
    "PledgeEnforcementRequested",
    "PledgeRecord",
    "PledgeRegistered",
    "PledgeReleased",
    "PledgeStatus",
    "ProposeRepo",
    "RegisterPledge",
    "RepayPledge",
    "RepoCancelled",
    "RepoLegTraded",
    "RepoProposed",
    "RepoRecord",
    "RepoStatus",
    "RepurchaseRepo",
    "RequestPledgeEnforcement",
    "Restriction",
    "check_account_restriction",
    "check_position_limit",
    "finance_appliers",
    "pledge",
    "position_of",
    "repo",
    "risk_rules",
    "sup",
]


def sup(m: MarketState) -> SupervisionState:
    st: SupervisionState = m.supervision
    return st


def pledge(m: MarketState, pledge_id: object) -> PledgeRecord | None:
    """The pledge ``pledge_id`` (None for an unknown id or a value that is not one)."""
    return fin(m).pledges.get(pledge_id) if isinstance(pledge_id, str) else None


def repo(m: MarketState, repo_id: object) -> RepoRecord | None:
    """The repo ``repo_id`` (None for an unknown id or a value that is not one)."""
    return fin(m).repos.get(repo_id) if isinstance(repo_id, str) else None


def finance_appliers(events: Iterable[type]) -> dict[type, Applier]:
    """The appliers of the finance agreements' ``events`` (of :data:`FINANCE_APPLIERS`), each
    applied to the market's record of the agreements."""
    from openets.market import apply_part

    return {ev_t: apply_part("finance", FINANCE_APPLIERS[ev_t]) for ev_t in events}


def risk_rules(m: MarketState) -> RiskRules:
    """The rules in force: set by command, else the preset's (none for cn: not published)."""
    return sup(m).rules or m.rules.risk


def position_of(m: MarketState, account_id: str, product: str) -> Position:
    """Held in every bucket, today's unsettled trades, and open buys of ``product``: buy
    listings, bids in open sales by auction and the open auctions the account buys in."""
    # trading's port imports this one (its services ask the position limit): import it here
    from openets.trading import port as trading_port
    from openets.trading.port import AUCTION_OPEN, AuctionSide

    held = sum(registry_port.bucket(m, account_id, product))
    bought, sold, open_buys = trading_port.position_in(m, account_id, product)
    for a in trading_port.auctions(m).values():
        if a.status != AUCTION_OPEN or a.product != product:
            continue
        if a.spec.side is AuctionSide.SELL:  # its bidders buy
            open_buys += sum(b.quantity for b in a.bids.values() if b.bidder == account_id)
        elif a.spec.initiator == account_id:
            open_buys += a.spec.quantity
    return Position(held, bought, sold, open_buys)


def check_position_limit(
    m: MarketState,
    account_id: str,
    product: str,
    extra_qty: int,
    *,
    what: str = "this order",
    allocated: int = 0,
) -> Rejection | None:
    """POSITION_LIMIT if buying (or receiving: ``what``) ``extra_qty`` more would take the
    account over its limit; ``allocated``: tonnes of it that are allocation (they raise an
    allocation-based limit as much)."""
    acct = registry_port.account(m, account_id)
    if acct is None or acct.subject_type is SubjectType.SYSTEM:
        return None
    rr = risk_rules(m)
    limit = rr.position_limit(acct.subject_type)  # a StrEnum: equal to its value
    if limit is None:
        return None
    alloc = sup(m).allocation(account_id, product) + allocated
    pos = position_of(m, account_id, product)
    return check_position(account_id, product, pos, extra_qty, limit, alloc, rr.source, what)


Restriction = Literal["trading", "transfer"]


def check_account_restriction(
    m: MarketState, account_id: str, what: Restriction, field: str = "account_id"
) -> Rejection | None:
    """ACCOUNT_RESTRICTED if a supervisory measure forbids the account ``what``."""
    r = sup(m).restricted(account_id, what)
    if r is None:
        return None
    return Rejection(
        Code.ACCOUNT_RESTRICTED,
        f"account {account_id} is restricted from {what} by the {r.authority.value} "
        f"since {r.time[:16]}: {r.reason}",
        field,
    )
