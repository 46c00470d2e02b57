"""Fixed-price sales: the price containment reserve's tier sales (WCI reserve sales).

A fixed-price sale is a SELL one-way bidding whose reserve price is *the* price: every bid is
at it (a bid at another price is refused), every winner pays it, and the sale sells what is bid
up to its quantity (no minimum cover). Only covered entities (accounts of subject type
``entity``, those with a compliance obligation) may bid: CARB sells its reserve to covered and
opt-in covered entities only (Cal. Code Regs. tit. 17 §95913). When the bids ask for more than
the tier holds, each bid gets its share of the tier in proportion to its quantity, rounded down
to whole lots, and the lots left over go one each to the bids in their rank order (the sale's
tie-break, time by default). The pro-rata split is not in the reference (unconfirmed): it treats
every qualifying bid at the tier's price alike, where a uniform-price auction at one price would
fill by time alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from openets.domain.rejection import Code, Rejection

QUALIFYING_SUBJECT = "entity"
"""The subject type that may buy at a fixed-price sale (covered entities)."""


def price_rejection(fixed: int, price: int) -> Rejection | None:
    if price == fixed:
        return None
    msg = f"a fixed-price sale takes bids at its price {fixed} fen only, was {price}"
    return Rejection(Code.INVALID_PRICE, msg, "price")


def bidder_rejection(account_id: str, subject_type: str) -> Rejection | None:
    if subject_type == QUALIFYING_SUBJECT:
        return None
    msg = (
        f"account {account_id} is an {subject_type}'s: only covered entities (accounts of "
        "subject type entity) may buy at a price containment reserve sale"
    )
    return Rejection(Code.ACCOUNT_TYPE_NOT_ALLOWED, msg, "account_id")


def allocate_pro_rata(supply: int, eligible: Sequence[int], lot: int) -> list[int]:
    """Each ranked bid's tonnes: all of it when the bids fit the supply; else its share of the
    supply in proportion to its quantity, in whole lots, the lots left over one each in rank
    order."""
    demand = sum(eligible)
    if demand <= supply:
        return list(eligible)
    lots = supply // lot
    out = [(q * supply // demand) // lot * lot for q in eligible]
    left = lots - sum(out) // lot
    i = 0
    while left > 0:
        if eligible[i] - out[i] >= lot:
            out[i] += lot
            left -= 1
        i = (i + 1) % len(out)
    return out
