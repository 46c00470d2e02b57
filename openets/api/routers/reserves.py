"""Market stability mechanisms over HTTP: the regulator reads the market's reserves (rules,
holdings, every action) and applies a rule (``POST /supervision/reserves/apply``).

The decisions and movements are :mod:`openets.supervision.reserves_service`: registry postings
(into, out of and from the reserve account) and one-way bidding, all journaled.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from openets.api.auth import Action, authorize
from openets.api.deps import CommandDep, PrincipalDep, ServicesDep, json_response
from openets.api.schemas.common import COMMAND_ERRORS, QUERY_ERRORS, yuan
from openets.api.schemas.reserves import (
    BandStatusOut,
    ReserveActionOut,
    ReserveHoldingOut,
    ReserveRuleIn,
    ReserveRuleOut,
    ReservesOut,
    TierOut,
)
from openets.cli_rules import to_json
from openets.domain.messages import Event
from openets.market import MarketState
from openets.presets import rule_fields
from openets.registry.model import Bucket, SystemRole
from openets.supervision.port import sup
from openets.supervision.reserve_messages import ApplyReserveRule, ReserveRuleApplied
from openets.supervision.reserves_service import band_status, tier_sales

router = APIRouter(tags=["supervision"])


def _action(a: ReserveRuleApplied) -> ReserveActionOut:
    return ReserveActionOut(
        rule=a.rule,
        product=a.product,
        year=a.year,
        decision=a.decision,
        decided=a.decided,
        moved=a.moved,
        tx_id=a.tx_id or None,
        auction_id=a.auction_id or None,
        day=a.day or None,
        note=a.note or None,
    )


def _reserves(m: MarketState) -> ReservesOut:
    mr = m.rules
    unconfirmed = set(mr.unconfirmed)
    rows = [
        ReserveRuleOut(name=n, value=to_json(v), unconfirmed=n in unconfirmed)
        for n, v in rule_fields(mr)
        if n.startswith("reserves.")
    ]
    acct = m.registry.system_account(SystemRole.RESERVE) or ""
    holdings = [
        ReserveHoldingOut(product=p, available=b[Bucket.AVAILABLE], locked=b[Bucket.LOCKED])
        for p, b in sorted(m.registry.holdings_of(acct))
    ]
    actions = [_action(a) for a in sup(m).reserve_actions]
    tiers = [
        TierOut(price=yuan(p), quantity=q, sold=sold, on_offer=offer, left=max(0, q - sold - offer))
        for p, q, sold, offer in tier_sales(m)
    ]
    return ReservesOut(
        preset=mr.name, rules=rows, reserve_account=acct, holdings=holdings, actions=actions,
        band=_band(m), tiers=tiers,
    )  # fmt: skip


def _band(m: MarketState) -> BandStatusOut | None:
    rules = m.rules.reserves.band
    if rules is None:
        return None
    closes, above, below, last, day = band_status(m)
    return BandStatusOut(
        low=yuan(rules.low), high=yuan(rules.high), days=rules.days, automatic=rules.automatic,
        closes=closes, above=above, below=below,
        last_close=yuan(last) if last is not None else None, last_operation=day,
    )  # fmt: skip


@router.get("/supervision/reserves", response_model=ReservesOut, responses=QUERY_ERRORS)
async def reserves(principal: PrincipalDep, services: ServicesDep) -> Response:
    """The market's stability mechanisms, the reserve account's holdings and every action
    taken under them, in order (the regulator)."""
    authorize(principal, Action.SUPERVISION_VIEW)
    return json_response(_reserves(services.state))


@router.post(
    "/supervision/reserves/apply", response_model=ReserveActionOut, responses=COMMAND_ERRORS
)
async def apply_rule(body: ReserveRuleIn, cmd: CommandDep) -> Response:
    """Apply a stability mechanism of the market's rules (the regulator): the MSR's intake or
    release from the published TNAC, its invalidation, the band reserve's release or the
    price containment reserve's next tier (sold by one-way bidding)."""
    cmd.require(Action.SUPERVISION_ACT)
    c = ApplyReserveRule(
        body.rule,
        body.product,
        body.year or 0,
        body.tnac,
        body.previous_auction_volume,
        body.instrument or "",
        body.closes_at or "",
    )

    def render(events: tuple[Event, ...], st: MarketState) -> ReserveActionOut:
        return _action(next(e for e in events if isinstance(e, ReserveRuleApplied)))

    return await cmd.run(c, render)
