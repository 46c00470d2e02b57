"""The auction desk's state: every auction, its sealed bids and locks, and its result.

Changed only by the auction events; the engine's auction use case decides them. Bids are
sealed: :meth:`AuctionBook.view` shows a bidder its own bids only, the initiator none, and the
operator all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openets.domain.clock import from_utc_micros
from openets.trading import auction as core
from openets.trading.auction import AuctionSide, AuctionSpec, AuctionSummary, Bid
from openets.trading.auction_messages import (
    NO_LOCK,
    AuctionAllocated,
    AuctionAnnounced,
    AuctionCancelled,
    AuctionLock,
    AuctionResultPublished,
    BidFill,
    BidModified,
    BidPlaced,
    BidWithdrawn,
)

OPEN = "open"


@dataclass(frozen=True, slots=True)
class BidView:
    bid_id: str
    price: int
    quantity: int
    locked_fen: int
    locked_tonnes: int
    allocated: int | None  # None until the auction clears
    trade_price: int | None
    trade_id: str


@dataclass(frozen=True, slots=True)
class AuctionView:
    """An auction as one viewer may see it: the announcement, its own bids, the result."""

    auction_id: str
    instrument: str
    side: AuctionSide
    quantity: int
    lot_size: int
    reserve_price: int | None  # hidden from bidders when it is secret (it cancels the auction)
    opens_at: str
    closes_at: str
    per_bidder_cap: int | None
    pricing: core.PricingRule
    tie_break: core.TieBreak
    min_cover_bps: int
    reserve_rule: core.ReserveRule
    paid_allocation: bool
    fixed_price: bool
    covered_only: bool
    preset: str
    status: str
    cancel_reason: str
    initiator: str | None  # shown to the initiator and the operator only
    my_bids: tuple[BidView, ...]
    summary: AuctionSummary | None


@dataclass(slots=True)
class AuctionRecord:
    spec: AuctionSpec
    product: str
    seed: int
    lock: AuctionLock  # the initiator's, while open
    status: str = OPEN  # open | cleared | cancelled
    bids: dict[str, Bid] = field(default_factory=dict)
    bid_locks: dict[str, AuctionLock] = field(default_factory=dict)
    seq: int = 0
    open_qty: dict[str, int] = field(default_factory=dict)  # per bidder, its bids' tonnes
    fills: dict[str, BidFill] = field(default_factory=dict)
    summary: AuctionSummary | None = None
    cancel_reason: str = ""


@dataclass(slots=True)
class AuctionBook:
    """Every auction of the market, open or ended."""

    auctions: dict[str, AuctionRecord] = field(default_factory=dict)

    def apply_announced(self, ev: AuctionAnnounced) -> None:
        self.auctions[ev.spec.auction_id] = AuctionRecord(ev.spec, ev.product, ev.seed, ev.lock)

    def apply_bid(self, ev: BidPlaced | BidModified) -> None:
        a = self.auctions[ev.auction_id]
        old = a.bids.get(ev.bid.bid_id)
        had = a.open_qty.get(ev.bid.bidder, 0) - (old.quantity if old else 0)
        a.open_qty[ev.bid.bidder] = had + ev.bid.quantity
        a.bids[ev.bid.bid_id] = ev.bid
        a.bid_locks[ev.bid.bid_id] = ev.lock
        a.seq = max(a.seq, ev.bid.seq)

    def apply_withdrawn(self, ev: BidWithdrawn) -> None:
        a = self.auctions[ev.auction_id]
        bid = a.bids.pop(ev.bid_id)
        a.open_qty[bid.bidder] -= bid.quantity
        del a.bid_locks[ev.bid_id]

    def apply_allocated(self, ev: AuctionAllocated) -> None:
        self.auctions[ev.auction_id].fills = {f.bid_id: f for f in ev.fills}

    def apply_result(self, ev: AuctionResultPublished) -> None:
        a = self.auctions[ev.summary.auction_id]
        a.summary = ev.summary
        a.status = ev.summary.outcome.value
        a.cancel_reason = ev.summary.cancel_reason.value if ev.summary.cancel_reason else ""
        self._settled(a)

    def apply_cancelled(self, ev: AuctionCancelled) -> None:
        a = self.auctions[ev.auction_id]
        a.status, a.cancel_reason = core.AuctionOutcome.CANCELLED.value, ev.reason
        self._settled(a)

    @staticmethod
    def _settled(a: AuctionRecord) -> None:
        a.bid_locks.clear()
        a.lock = NO_LOCK

    # --- queries (per viewer) ------------------------------------------------------------
    def view(
        self, auction_id: str, viewer: str | None, *, operator: bool = False
    ) -> AuctionView | None:
        """``viewer`` (an account id) sees its own bids only; the operator sees every bid;
        the initiator and the operator see who initiated and a secret reserve."""
        a = self.auctions.get(auction_id)
        if a is None:
            return None
        s = a.spec
        insider = operator or viewer == s.initiator
        secret = s.reserve_rule is core.ReserveRule.CANCEL_AUCTION
        bids = tuple(
            _bid_view(a, b)
            for b in sorted(a.bids.values(), key=lambda b: b.seq)
            if operator or b.bidder == viewer
        )
        return AuctionView(
            auction_id=s.auction_id,
            instrument=s.instrument,
            side=s.side,
            quantity=s.quantity,
            lot_size=s.lot_size,
            reserve_price=s.reserve_price if insider or not secret else None,
            opens_at=from_utc_micros(s.opens_at_us).isoformat(),
            closes_at=from_utc_micros(s.closes_at_us).isoformat(),
            per_bidder_cap=s.per_bidder_cap,
            pricing=s.pricing,
            tie_break=s.tie_break,
            min_cover_bps=s.min_cover_bps,
            reserve_rule=s.reserve_rule,
            paid_allocation=s.paid_allocation,
            fixed_price=s.fixed_price,
            covered_only=s.covered_only,
            preset=s.preset,
            status=a.status,
            cancel_reason=a.cancel_reason,
            initiator=s.initiator if insider else None,
            my_bids=bids,
            summary=a.summary,
        )

    def due(self, now_us: int) -> tuple[str, ...]:
        """Open auctions whose window has closed by ``now_us`` (µs since the epoch)."""
        return tuple(
            aid
            for aid, a in sorted(self.auctions.items())
            if a.status == OPEN and a.spec.closes_at_us <= now_us
        )

    def violations(self) -> list[str]:
        out: list[str] = []
        for aid, a in sorted(self.auctions.items()):
            locks = [a.lock, *a.bid_locks.values()]
            if any(min(lk.fen, lk.recv_fen, lk.tonnes) < 0 or lk.recv_fen > lk.fen for lk in locks):
                out.append(f"auction {aid} has a lock that is not sane")
            if a.status != OPEN:
                if a.bid_locks or a.lock != NO_LOCK:
                    out.append(f"auction {aid} is {a.status} but still holds locks")
                allocated = sum(f.allocated for f in a.fills.values())
                # the supply as cleared: the announced one, less an ECR's part, plus a CCR's
                supply = a.summary.supply if a.summary else a.spec.quantity
                if allocated > supply:
                    out.append(f"auction {aid} allocated {allocated} t of {supply} t")
                continue
            totals: dict[str, int] = {}
            for b in a.bids.values():
                totals[b.bidder] = totals.get(b.bidder, 0) + b.quantity
            if totals != {k: v for k, v in a.open_qty.items() if v}:
                out.append(f"auction {aid}: per-bidder totals differ from its bids")
            if a.bids.keys() != a.bid_locks.keys():
                out.append(f"auction {aid}: bids and their locks differ")
            for bid_id, bid in a.bids.items():
                lk = a.bid_locks.get(bid_id, NO_LOCK)
                if a.spec.side is AuctionSide.BUY and lk.tonnes != bid.quantity:
                    out.append(f"bid {bid_id} offers {bid.quantity} t but locks {lk.tonnes} t")
                if a.spec.side is AuctionSide.SELL and lk.fen < bid.price * bid.quantity:
                    out.append(f"bid {bid_id} locks {lk.fen} fen, below price × quantity")
        return out

    def canonical(self) -> dict[str, Any]:
        return {
            aid: {
                "status": a.status,
                "seed": a.seed,
                "lock": [a.lock.fen, a.lock.recv_fen, a.lock.tonnes],
                "bids": sorted(
                    (b.bid_id, b.bidder, b.price, b.quantity, b.seq, *_lk(a.bid_locks.get(k)))
                    for k, b in a.bids.items()
                ),
                "fills": sorted((f.bid_id, f.allocated, f.price or 0) for f in a.fills.values()),
                "volume": a.summary.volume if a.summary else 0,
            }
            for aid, a in self.auctions.items()
        }


def _lk(lk: AuctionLock | None) -> tuple[int, int, int]:
    return (0, 0, 0) if lk is None else (lk.fen, lk.recv_fen, lk.tonnes)


def _bid_view(a: AuctionRecord, b: Bid) -> BidView:
    lk = a.bid_locks.get(b.bid_id, NO_LOCK)
    fill = a.fills.get(b.bid_id)
    return BidView(
        b.bid_id,
        b.price,
        b.quantity,
        lk.fen,
        lk.tonnes,
        fill.allocated if fill else None,
        fill.price if fill else None,
        fill.trade_id if fill else "",
    )
