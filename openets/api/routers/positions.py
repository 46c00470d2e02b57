"""Positions (持仓): an account's allowances per product with today's trades that settle at the
end of the day — bought tonnes to receive (待交收), sold tonnes to deliver (待交付, still in the
``locked`` bucket until then). Owner, operators and the regulator, as the account itself."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from openets.api.auth import Action, authorize
from openets.api.deps import PrincipalDep, ServicesDep, json_response
from openets.api.errors import ApiError
from openets.api.schemas.common import QUERY_ERRORS, OutModel
from openets.domain.rejection import Code
from openets.market import MarketState

router = APIRouter(tags=["registry"])

AccountPath = Annotated[str, Path(min_length=1, max_length=32)]


class PositionOut(OutModel):
    product: str
    available: int
    locked: int
    """Locked for resting listings and other holds (excluding tonnes sold today)."""
    to_deliver: int
    """Sold today; delivered at the end-of-day settlement."""
    to_receive: int
    """Bought today; credited at the end-of-day settlement."""
    pending: int
    pledged: int
    frozen: int
    held: int
    """Everything in the registry's buckets."""
    position: int
    """``held + to_receive - to_deliver``: what the account has once today settles."""


class PositionsOut(OutModel):
    account_id: str
    data: list[PositionOut]


def unsettled_of(state: MarketState, account_id: str) -> dict[str, tuple[int, int]]:
    """Per product, today's (bought, sold) tonnes of ``account_id`` not yet settled."""
    t = state.trading
    out: dict[str, tuple[int, int]] = {}
    if t is None:
        return out
    for x in t.unsettled.values():
        if account_id not in (x.buyer, x.seller):
            continue
        product = t.instruments[x.instrument].product
        bought, sold = out.get(product, (0, 0))
        bought += x.quantity if x.buyer == account_id else 0
        sold += x.quantity if x.seller == account_id else 0
        out[product] = (bought, sold)
    return out


def positions_of(state: MarketState, account_id: str) -> list[PositionOut]:
    held = {p: list(b) for p, b in state.registry.holdings_of(account_id)}
    unsettled = unsettled_of(state, account_id)
    out = []
    for product in sorted(set(held) | set(unsettled)):
        b = held.get(product, [0, 0, 0, 0, 0])
        to_receive, sold = unsettled.get(product, (0, 0))
        to_deliver = min(sold, b[1])
        if not (any(b) or to_receive or to_deliver):
            continue
        out.append(
            PositionOut(
                product=product,
                available=b[0],
                locked=b[1] - to_deliver,
                to_deliver=to_deliver,
                to_receive=to_receive,
                pending=b[2],
                pledged=b[3],
                frozen=b[4],
                held=sum(b),
                position=sum(b) + to_receive - to_deliver,
            )
        )
    return out


@router.get("/accounts/{account_id}/positions", response_model=PositionsOut, responses=QUERY_ERRORS)
async def positions(
    account_id: AccountPath, principal: PrincipalDep, services: ServicesDep
) -> Response:
    """An account's positions per product, with today's unsettled trades."""
    authorize(principal, Action.ACCOUNT_VIEW, account_id)
    st = services.state
    if st.registry.accounts.get(account_id) is None:
        raise ApiError(Code.UNKNOWN_ACCOUNT, f"no account {account_id!r}", "account_id")
    return json_response(PositionsOut(account_id=account_id, data=positions_of(st, account_id)))
