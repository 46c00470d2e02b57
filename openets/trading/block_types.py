"""Block agreement trading's values: a request, its quotes, its state, a transition's outcome, and
the market's block rules.

Kept apart from the transitions (:mod:`openets.trading.block`) and from what each participant may
see (:mod:`openets.trading.block_views`) because the messages, the book and the presets need the
values alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from enum import StrEnum

from openets.domain.rejection import Rejection
from openets.trading.auction_types import LockChange
from openets.trading.rules import (
    CN_TRADING_RULES,
    EU_LIKE_TRADING_RULES,
    SessionWindows,
    check_sessions,
)


class BlockSide(StrEnum):
    BUY = "buy"
    SELL = "sell"


class RequestStatus(StrEnum):
    OPEN = "open"
    TRADED = "traded"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class Step(StrEnum):
    """What a transition did."""

    OPENED = "opened"
    COUNTERED = "countered"
    TRADED = "traded"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class BlockRules:
    """Block-trading rules of a market (its preset's ``block``); China's in :data:`CN_BLOCK_RULES`.

    ``tick_fen`` and ``timezone`` are the market's own (its trading rules'): a preset takes
    them from there, and :class:`openets.presets.MarketRules` refuses a block part that differs.
    """

    min_qty: int
    max_qty: int | None
    band_bps: int | None
    """± of the previous close; None: no band."""
    sessions: SessionWindows
    tick_fen: int
    timezone: str

    def __post_init__(self) -> None:
        if self.min_qty <= 0:
            raise ValueError(f"block minimum must be positive, was {self.min_qty}")
        if self.max_qty is not None and self.max_qty < self.min_qty:
            raise ValueError(f"block maximum {self.max_qty} is below the minimum {self.min_qty}")
        check_sessions(self.sessions)


CN_BLOCK_RULES = BlockRules(
    min_qty=100_000,  # [V] >= 100,000 t
    max_qty=None,  # [V] no maximum published
    band_bps=3000,  # [V] ±30% of the previous close
    sessions=((time(13, 0), time(15, 0)),),  # [V] 13:00-15:00
    tick_fen=CN_TRADING_RULES.tick_fen,
    timezone=CN_TRADING_RULES.timezone,
)
"""China's national market, block agreement trading (cn-ets-rules §3.2)."""

EU_LIKE_BLOCK_RULES = BlockRules(
    min_qty=1,  # [U] off-book trades of any size
    max_qty=None,  # [U]
    band_bps=None,  # [U]
    sessions=((time(8, 0), time(18, 0)),),  # [U]
    tick_fen=EU_LIKE_TRADING_RULES.tick_fen,
    timezone=EU_LIKE_TRADING_RULES.timezone,
)
"""Negotiated trades of any size during the one continuous session, without a band."""


@dataclass(frozen=True, slots=True)
class Quote:
    """A firm price and quantity from ``by``; ``to`` is None for an open request's public quote."""

    quote_id: str
    by: str
    to: str | None
    price: int
    quantity: int


@dataclass(frozen=True, slots=True)
class BlockRequest:
    request_id: str
    requester: str
    side: BlockSide  # the requester's side
    instrument: str
    trading_day: str  # ISO date in the market's time zone; the request expires at its end
    directed_to: str | None
    band: tuple[int, int] | None  # the day's price limits, both inclusive; None: no band


@dataclass(frozen=True, slots=True)
class BlockTrade:
    trade_id: str
    request_id: str
    instrument: str
    buyer: str
    seller: str
    price: int
    quantity: int


@dataclass(frozen=True, slots=True)
class BlockState:
    request: BlockRequest
    status: RequestStatus
    live: tuple[Quote, ...]
    trade: BlockTrade | None = None


@dataclass(frozen=True, slots=True)
class BlockOutcome:
    step: Step
    quote: Quote | None  # the quote made, accepted, rejected or withdrawn
    trade: BlockTrade | None
    ended: tuple[str, ...]  # quote ids that are no longer live
    locks: tuple[LockChange, ...]


Transition = tuple[BlockState, BlockOutcome] | Rejection
