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

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

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


def _v1_to_v2(d: dict[str, Any]) -> dict[str, Any]:
    """A version-1 batch (a list of delivery objects) as version 2's parallel columns."""
    ds = d.pop("deliveries")
    for column, key in _COLUMNS:
        d[column] = [x[key] for x in ds]
    return d


_COLUMNS = (
    ("trade_ids", "trade_id"),
    ("tx_ids", "tx_id"),
    ("products", "product"),
    ("sellers", "seller"),
    ("buyers", "buyer"),
    ("quantities", "quantity"),
    ("fees", "fees"),
)


@dataclass(frozen=True, slots=True)
class TradesSettled(Event):
    """A batch of deliveries, column by column: the i-th delivery is the i-th element of each
    column (version 2; version 1 wrote a list of :class:`Delivery` objects, which its upcaster
    turns into these columns). :attr:`deliveries` gives them as :class:`Delivery` values."""

    VERSION: ClassVar[int] = 2
    UPCASTERS: ClassVar[Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]]] = {1: _v1_to_v2}

    day: str
    clearing_account: str
    fee_account: str
    trade_ids: tuple[str, ...]
    tx_ids: tuple[str, ...]
    products: tuple[str, ...]
    sellers: tuple[str, ...]
    buyers: tuple[str, ...]
    quantities: tuple[int, ...]
    fees: tuple[int, ...]
    """Per delivery: buyer's plus seller's fee, moved from the clearing account to fee
    income."""

    @classmethod
    def of(
        cls, day: str, clearing_account: str, fee_account: str, deliveries: Iterable[Delivery]
    ) -> TradesSettled:
        """The batch of ``deliveries``."""
        ds = tuple(deliveries)
        return cls(
            day,
            clearing_account,
            fee_account,
            tuple([d.trade_id for d in ds]),
            tuple([d.tx_id for d in ds]),
            tuple([d.product for d in ds]),
            tuple([d.seller for d in ds]),
            tuple([d.buyer for d in ds]),
            tuple([d.quantity for d in ds]),
            tuple([d.fees for d in ds]),
        )

    @property
    def deliveries(self) -> tuple[Delivery, ...]:
        """The batch's deliveries, in order."""
        return tuple(
            map(
                Delivery,
                self.trade_ids,
                self.tx_ids,
                self.products,
                self.sellers,
                self.buyers,
                self.quantities,
                self.fees,
            )
        )

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
        out = set(self.sellers)
        out.update(self.buyers)
        if any(self.fees):
            out.update((self.clearing_account, self.fee_account))
        return out

    def entries(self) -> Iterator[LedgerPosted | FundsPosted]:
        """Every ledger entry of the batch, in posting order, as ordinary ledger events."""
        for d in self.deliveries:
            yield LedgerPosted(d.tx_id, TxType.DELIVERY, d.postings(), d.trade_id, DELIVERY_MEMO)
            if d.fees:
                yield FundsPosted(d.tx_id, FEE_TX_TYPE, self.fee_postings(d), d.trade_id)
