"""Bodies of block agreement trading (大宗协议): requests, counter-offers, confirmations."""

from __future__ import annotations

from typing import Annotated, Literal

from openets.api.schemas.common import (
    AccountRef,
    InModel,
    OutModel,
    Price,
    Quantity,
    text_schema,
    text_validator,
)
from openets.api.schemas.trading import InstrumentCode, SideName, TradeOut

QuoteRef = Annotated[str, text_validator(32, 1), text_schema(32, 1)]


class BlockRequestIn(InModel):
    """An open request (every participant sees it, without the requester's name), or a directed
    offer to ``counterparty`` (only the two of them see it). The requester's side is locked."""

    account_id: AccountRef
    instrument: InstrumentCode
    side: SideName
    price: Price
    quantity: Quantity
    counterparty: AccountRef | None = None


class BlockQuoteIn(InModel):
    """A firm counter-offer. A counterparty answers the requester; the requester names the
    ``counterparty`` it answers."""

    account_id: AccountRef
    price: Price
    quantity: Quantity
    counterparty: AccountRef | None = None


class BlockAcceptIn(InModel):
    """Confirm the other side's live quote at exactly its price and quantity: a trade. Without
    ``quote_id``: the one quote addressed to the account, else the public quote."""

    account_id: AccountRef
    price: Price
    quantity: Quantity
    quote_id: QuoteRef | None = None


class BlockActorIn(InModel):
    account_id: AccountRef


class BlockQuoteOut(OutModel):
    quote_id: str
    by: str | None
    """None: made by the requester, whose identity the viewer may not see."""
    to: str | None
    """None: the request's public quote."""
    price: str
    quantity: int


class BlockRequestOut(OutModel):
    request_id: str
    instrument: str
    side: SideName
    """The requester's side."""
    status: Literal["open", "traded", "withdrawn", "expired"]
    requester: str | None
    """Shown to the requester, the counterparty it named and whoever traded with it."""
    quotes: list[BlockQuoteOut]


class BlockRequestsOut(OutModel):
    data: list[BlockRequestOut]
    count: int


class BlockTradeOut(OutModel):
    request_id: str
    quote_id: str
    trade: TradeOut
