"""Reconciliations across contexts: what each ledger holds against what the desks say it holds.

Every context checks its own invariants (``violations()`` of each state part). These checks
compare two contexts, and are part of :meth:`MarketState.violations` (so the test language runs
them after every command and ``openets verify`` after a full replay):

* **funds locks**: an account's LOCKED fen equal the locks of its resting buy listings and
  orders, of its open auction bids and auctions, and of its block requests and quotes;
* **allowance locks**: an account's LOCKED tonnes of a product equal what its resting sell
  listings and orders still offer, plus today's unsettled sales (delivered at the end of day),
  plus its auction and block locks of that product;
* **compliance**: every covered entity has its registry account, and what compliance counts as
  surrendered is held by the surrender and cancellation accounts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openets.clearing.funds import FundBucket
from openets.domain.money import format_yuan
from openets.registry.model import Bucket
from openets.trading.book import Side

if TYPE_CHECKING:
    from openets.market import MarketState


def _add(d: dict[Any, int], key: Any, amount: int) -> None:
    if amount:
        d[key] = d.get(key, 0) + amount


def expected_locks(m: MarketState) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """What the desks hold: fen per account, tonnes per (account, product)."""
    fen: dict[str, int] = {}
    tonnes: dict[tuple[str, str], int] = {}
    trading = m.trading
    if trading is not None:
        products = {code: inst.product for code, inst in trading.instruments.items()}
        for lst in trading.listings.values():
            if lst.side is Side.BUY:
                _add(fen, lst.account_id, lst.lock_left)
            else:
                resting = trading.books[lst.instrument].get(lst.listing_id)
                left = resting.remaining if resting is not None else 0
                _add(tonnes, (lst.account_id, products[lst.instrument]), left)
        for x in trading.unsettled.values():
            _add(tonnes, (x.seller, products[x.instrument]), x.quantity)
    else:
        products = {}
    auctions = m.auction
    if auctions is not None:
        for a in auctions.auctions.values():
            for party, lk in (
                (a.spec.initiator, a.lock),
                *(
                    (a.bids[bid_id].bidder, lk)
                    for bid_id, lk in a.bid_locks.items()
                    if bid_id in a.bids
                ),
            ):
                _add(fen, party, lk.fen)
                _add(tonnes, (party, a.product), lk.tonnes)
    blocks = m.block
    if blocks is not None:
        for (request_id, party), block_lock in blocks.locks.items():
            st = blocks.requests.get(request_id)
            _add(fen, party, block_lock.fen)
            if st is not None:
                _add(tonnes, (party, products.get(st.request.instrument, "?")), block_lock.tonnes)
    return fen, tonnes


def lock_violations(m: MarketState) -> list[str]:
    """LOCKED fen and tonnes that the listings, orders, bids and blocks do not account for."""
    fen, tonnes = expected_locks(m)
    out: list[str] = []
    held_fen = {
        a: b[FundBucket.LOCKED] for a, b in m.funds.balances.items() if b[FundBucket.LOCKED]
    }
    for acct in sorted(set(fen) | set(held_fen)):
        if fen.get(acct, 0) != held_fen.get(acct, 0):
            out.append(
                f"funds locks of {acct}: LOCKED holds {format_yuan(held_fen.get(acct, 0))} yuan, "
                f"its listings, bids and blocks lock {format_yuan(fen.get(acct, 0))} yuan"
            )
    held_t = {k: b[Bucket.LOCKED] for k, b in m.registry.holdings.items() if b[Bucket.LOCKED]}
    for key in sorted(set(tonnes) | set(held_t)):
        if tonnes.get(key, 0) != held_t.get(key, 0):
            out.append(
                f"allowance locks of {key[0]}/{key[1]}: LOCKED holds {held_t.get(key, 0)} t, its "
                f"listings, unsettled sales, bids and blocks lock {tonnes.get(key, 0)} t"
            )
    return out


def compliance_violations(m: MarketState) -> list[str]:
    from openets.compliance.service_reads import reconcile

    return reconcile(m)


def cross_context_violations(m: MarketState) -> list[str]:
    return lock_violations(m) + compliance_violations(m)
