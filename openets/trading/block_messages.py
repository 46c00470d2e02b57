"""Commands and events of block agreement trading (大宗协议).

Every event carries ``locks``: the new amounts each party whose lock changed now holds on the
request (funds in fen, with the part taken from today's receivable, and allowances in tonnes),
so the state can tell what a withdrawal, a rejection or the end of the day gives back.
"""

from __future__ import annotations

from dataclasses import dataclass

from openets.domain.messages import Command, Event
from openets.trading.block import BlockRequest, BlockSide, BlockTrade, Quote, RequestStatus

# -- commands ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostBlockRequest(Command):
    """An open request (visible to every participant, anonymous), or a directed offer to
    ``counterparty`` (visible to the two of them only). Locks the requester's side."""

    account_id: str
    instrument: str
    side: BlockSide
    price: int
    quantity: int
    counterparty: str | None = None


@dataclass(frozen=True, slots=True)
class CounterBlockQuote(Command):
    """A firm counter-offer in a dialogue (对话议价). A counterparty always answers the
    requester; the requester names the ``counterparty`` it answers."""

    request_id: str
    account_id: str
    price: int
    quantity: int
    counterparty: str | None = None


@dataclass(frozen=True, slots=True)
class AcceptBlockQuote(Command):
    """Confirm the other side's live quote at exactly its price and quantity: a trade.
    Without ``quote_id``: the one quote addressed to the account, else the public quote."""

    request_id: str
    account_id: str
    price: int
    quantity: int
    quote_id: str = ""


@dataclass(frozen=True, slots=True)
class RejectBlockQuote(Command):
    """Turn down a quote addressed to the account; its maker's lock is released."""

    request_id: str
    account_id: str
    quote_id: str


@dataclass(frozen=True, slots=True)
class WithdrawBlock(Command):
    """Take back one's own quote; the requester without ``quote_id`` withdraws the request."""

    request_id: str
    account_id: str
    quote_id: str = ""


# -- events --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BlockLock:
    """What ``party`` holds on one request after an event (all zero: nothing)."""

    party: str
    fen: int
    recv_fen: int  # the part of ``fen`` taken from today's receivable (returned there)
    tonnes: int


@dataclass(frozen=True, slots=True)
class BlockRequestOpened(Event):
    request: BlockRequest
    quote: Quote
    locks: tuple[BlockLock, ...]


@dataclass(frozen=True, slots=True)
class BlockQuoted(Event):
    """A counter-offer; ``ended`` are the quotes of the same dialogue it replaces."""

    request_id: str
    quote: Quote
    ended: tuple[str, ...]
    locks: tuple[BlockLock, ...]


@dataclass(frozen=True, slots=True)
class BlockQuoteEnded(Event):
    """Quotes taken off a request that stays open (rejected or withdrawn)."""

    request_id: str
    quote_id: str
    ended: tuple[str, ...]
    reason: str  # rejected | withdrawn
    locks: tuple[BlockLock, ...]


@dataclass(frozen=True, slots=True)
class BlockTraded(Event):
    """Both sides agreed; ``trade_id`` is the TradeExecuted that follows in the same command."""

    request_id: str
    quote_id: str
    trade: BlockTrade
    trade_id: str
    locks: tuple[BlockLock, ...]


@dataclass(frozen=True, slots=True)
class BlockRequestEnded(Event):
    """Withdrawn by its requester or lapsed at the end of the day; every lock released."""

    request_id: str
    status: RequestStatus
    locks: tuple[BlockLock, ...]
