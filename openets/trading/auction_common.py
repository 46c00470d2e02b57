"""What the auction's services share (:mod:`openets.trading.auction_service` for the
announcement and the bids, :mod:`openets.trading.auction_close_service` for the close): an
auction's record, moving one party's lock (funds through clearing's port, tonnes through the
registry's ledger) and releasing every lock of an auction.
"""

from __future__ import annotations

from openets.clearing.port import Wallets, lock_event, release_funds
from openets.domain.messages import Ctx, Event
from openets.domain.rejection import Code, Rejection
from openets.market import MarketState
from openets.registry.port import Bucket, TxType, move
from openets.trading.auction_book import AuctionBook, AuctionRecord
from openets.trading.auction_messages import AuctionLock
from openets.trading.book import Side
from openets.trading.service import lock_for


def auction_record(m: MarketState, auction_id: object) -> AuctionRecord | Rejection:
    """The auction ``auction_id`` (UNKNOWN_ORDER if there is none)."""
    book: AuctionBook = m.auction
    a = book.auctions.get(auction_id) if isinstance(auction_id, str) else None
    if a is None:
        return Rejection(Code.UNKNOWN_ORDER, f"no auction {auction_id!r}", "auction_id")
    return a


def relock(
    m: MarketState,
    party: str,
    product: str,
    cur: AuctionLock,
    fen: int,
    tonnes: int,
    ctx: Ctx,
    ref: str,
    wallets: Wallets,
) -> tuple[list[Event], AuctionLock] | Rejection:
    """Move ``party``'s lock ``cur`` to ``fen`` and ``tonnes`` (receivable given back first)."""
    events: list[Event] = []
    new = cur
    if new.fen > fen:
        rel = new.fen - fen
        to_recv = min(new.recv_fen, rel)
        events.append(release_funds(party, rel, to_recv, ctx, ref))
        new = AuctionLock(fen, new.recv_fen - to_recv, new.tonnes)
    elif fen > new.fen:
        spent = wallets.spend(party, fen - new.fen)
        if isinstance(spent, Rejection):
            return spent
        events.append(lock_event(party, spent, ctx, ref))
        new = AuctionLock(fen, new.recv_fen + spent[1], new.tonnes)
    if new.tonnes > tonnes:
        events.append(
            move(
                ctx.ids.next("TX"),
                TxType.UNLOCK,
                party,
                product,
                Bucket.LOCKED,
                Bucket.AVAILABLE,
                new.tonnes - tonnes,
                ref=ref,
            )
        )
        new = AuctionLock(new.fen, new.recv_fen, tonnes)
    elif tonnes > new.tonnes:
        locked = lock_for(m, Side.SELL, party, product, 0, tonnes - new.tonnes, ctx, ref)
        if isinstance(locked, Rejection):
            return locked
        events += locked[0]
        new = AuctionLock(new.fen, new.recv_fen, tonnes)
    return events, new


def release_all(m: MarketState, a: AuctionRecord, ctx: Ctx) -> list[Event]:
    """Every lock of the auction released: the initiator's and each bid's."""
    events: list[Event] = []
    wallets = Wallets(m)
    parties = [(a.spec.initiator, a.lock, a.spec.auction_id)]
    parties += [(a.bids[k].bidder, lk, k) for k, lk in sorted(a.bid_locks.items())]
    for party, lk, ref in parties:
        done = relock(m, party, a.product, lk, 0, 0, ctx, ref, wallets)
        assert not isinstance(done, Rejection)  # releases only
        events += done[0]
    return events
