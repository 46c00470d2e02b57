"""Settlement records: gross, trade by trade, delivery versus payment.

One :class:`TradesSettled` event carries a batch of deliveries. Each delivery is two ordinary
ledger entries, shown on account statements like any other:

* a registry ``DELIVERY`` transaction (its own ``tx_id``, ``ref`` the trade): the seller's
  locked allowances -> the buyer's pending-delivery bucket;
* a fund ``settlement_fee`` transaction (same ``tx_id``): the trade's fees, clearing account ->
  fee income (none when the trade carried no fee).

Both settle all-or-nothing with their trade. The batch is the unit of journaling and of
posting, which keeps a million trades within seconds: applied, it moves the holdings and the
balances once per account, product and bucket by the net of its entries
(``RegistryState.post_net``, ``FundsState.post``), and indexes every delivery's transaction;
:meth:`TradesSettled.entries` gives the batch's entries as the ordinary ``LedgerPosted`` and
``FundsPosted`` events they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from openets.clearing.funds import FundBucket, FundPosting, FundsPosted
from openets.domain.messages import Event
from openets.registry.port import Bucket, LedgerPosted, Posting, TxType

FEE_TX_TYPE = "settlement_fee"
DELIVERY_MEMO = "settlement: delivery versus payment"


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

    def postings(self) -> tuple[Posting, Posting]:
        """The registry entry: seller's locked -> buyer's pending delivery."""
        return (
            Posting(self.seller, self.product, Bucket.LOCKED, -self.quantity),
            Posting(self.buyer, self.product, Bucket.PENDING, self.quantity),
        )


@dataclass(frozen=True, slots=True)
class TradesSettled(Event):
    day: str
    clearing_account: str
    fee_account: str
    deliveries: tuple[Delivery, ...]

    def fee_postings(self, d: Delivery) -> tuple[FundPosting, FundPosting]:
        """The fund entry of one delivery: its fees, clearing account -> fee income."""
        return (
            FundPosting(self.clearing_account, FundBucket.AVAILABLE, -d.fees),
            FundPosting(self.fee_account, FundBucket.AVAILABLE, d.fees),
        )

    def accounts(self) -> set[str]:
        """The accounts the batch's entries post to: every seller and buyer, and the clearing
        and fee-income accounts when a delivery carries fees (the same as reading them from
        :meth:`entries`, without building them)."""
        ds = self.deliveries
        out = {d.seller for d in ds}
        out.update([d.buyer for d in ds])
        if any([d.fees for d in ds]):
            out.update((self.clearing_account, self.fee_account))
        return out

    def entries(self) -> Iterator[LedgerPosted | FundsPosted]:
        """Every ledger entry of the batch, in posting order, as ordinary ledger events."""
        for d in self.deliveries:
            yield LedgerPosted(d.tx_id, TxType.DELIVERY, d.postings(), d.trade_id, DELIVERY_MEMO)
            if d.fees:
                yield FundsPosted(d.tx_id, FEE_TX_TYPE, self.fee_postings(d), d.trade_id)
