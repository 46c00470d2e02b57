"""The values both order books speak: sides, fills, resting orders, levels and depth.

:mod:`openets.trading.book` re-exports them; they live here so that the pure-Python book and the
compiled one (:mod:`openets.trading.cbook`) share them without importing each other.
"""

from __future__ import annotations

from collections.abc import Hashable
from enum import IntEnum
from typing import Generic, NamedTuple, TypeAlias, TypeVar

K = TypeVar("K", bound=Hashable)


class Side(IntEnum):
    """The side of an order or listing; values match the benchmark workload's encoding."""

    BUY = 0
    SELL = 1

    @property
    def opposite(self) -> Side:
        return Side.SELL if self is Side.BUY else Side.BUY


BUY = Side.BUY
SELL = Side.SELL

Fill: TypeAlias = tuple[K, str, int, int, int]
"""One execution: ``(maker_id, maker_account, price, qty, maker_remaining)``.

A plain tuple on purpose: it is built in the matching loop, once per execution.
"""


class RestingOrder(NamedTuple, Generic[K]):
    """A read-only view of a resting order or listing."""

    order_id: K
    account: str
    side: Side
    price: int
    remaining: int


class Level(NamedTuple):
    """One aggregated price level of the public depth."""

    price: int
    quantity: int
    orders: int


class Depth(NamedTuple):
    """The best levels of both sides, best first."""

    bids: tuple[Level, ...]
    asks: tuple[Level, ...]


def view(e: tuple[K, int, str, int, int]) -> RestingOrder[K]:
    """The view of a raw entry ``(order_id, remaining, account, side, price)``."""
    return RestingOrder(e[0], e[2], _SIDES[e[3]], e[4], e[1])


_SIDES = (Side.BUY, Side.SELL)
