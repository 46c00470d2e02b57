"""Settlement records: gross, trade by trade, delivery versus payment.

One :class:`TradesSettled` event carries a batch of deliveries: each is still its own
registry transaction (allowances: seller's locked -> buyer's pending delivery) with its own
fee movement (clearing account -> fee income), settled all-or-nothing with its trade. The
batch is only the unit of journaling, which keeps a million trades within seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from openets.domain.messages import Event


@dataclass(frozen=True, slots=True)
class Delivery:
    trade_id: str
    tx_id: str
    product: str
    seller: str
    buyer: str
    quantity: int
    fees: int
    """Buyer's plus seller's fee, moved from the clearing account to fee income."""


@dataclass(frozen=True, slots=True)
class TradesSettled(Event):
    day: str
    clearing_account: str
    fee_account: str
    deliveries: tuple[Delivery, ...]
