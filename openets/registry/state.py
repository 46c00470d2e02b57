"""The registry's in-memory state, changed only by applying events."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from openets.registry.events import (
    AccountOpened,
    AccountStatusChanged,
    ApprovalDecided,
    ApprovalRequested,
    LedgerPosted,
)
from openets.registry.model import (
    ISSUED,
    RETIREMENT_ROLES,
    Account,
    Bucket,
    Posting,
    SystemRole,
    TxType,
)
from openets.registry.txindex import TxIndex, TxRecord

__all__ = ["NBUCKETS", "RegistryState", "TxIndex", "TxRecord"]

NBUCKETS = 5


@dataclass(slots=True)
class RegistryState:
    accounts: dict[str, Account] = field(default_factory=dict)
    by_id_code: dict[str, str] = field(default_factory=dict)
    system: dict[tuple[SystemRole, str], str] = field(default_factory=dict)
    holdings: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    tallies: dict[tuple[str, str], int] = field(default_factory=dict)
    transactions: TxIndex = field(default_factory=TxIndex)
    """By id, for corrections: in the store on a SQL journal (:mod:`openets.registry.txindex`)."""
    pending: dict[str, ApprovalRequested] = field(default_factory=dict)
    products: set[str] = field(default_factory=set)

    # --- queries -------------------------------------------------------------------------
    def bucket(self, account_id: str, product: str) -> list[int]:
        return self.holdings.get((account_id, product)) or [0] * NBUCKETS

    def available(self, account_id: str, product: str) -> int:
        h = self.holdings.get((account_id, product))
        return h[0] if h else 0

    def system_account(self, role: SystemRole, province: str = "") -> str | None:
        return self.system.get((role, province))

    def required_system_account(self, role: SystemRole, province: str = "") -> str:
        """The system account of ``role`` (genesis opens every one before any command)."""
        acct = self.system.get((role, province))
        if acct is None:
            raise RuntimeError(f"the registry has no {role.value} account {province}".rstrip())
        return acct

    def is_retirement(self, account_id: str) -> bool:
        acct = self.accounts.get(account_id)
        return acct is not None and acct.system_role in RETIREMENT_ROLES

    def holdings_of(self, account_id: str) -> Iterator[tuple[str, list[int]]]:
        for (acct, prod), buckets in self.holdings.items():
            if acct == account_id:
                yield prod, buckets

    def issued(self, product: str) -> int:
        return -self.tallies.get((ISSUED, product), 0)

    # --- apply ---------------------------------------------------------------------------
    def apply_account_opened(self, ev: AccountOpened) -> None:
        self.accounts[ev.account_id] = Account(
            ev.account_id,
            ev.subject_type,
            ev.name,
            ev.id_code,
            ev.province,
            ev.status,
            ev.system_role,
            ev.opened_at,
        )
        if ev.system_role is not None:
            self.system[(ev.system_role, ev.province)] = ev.account_id
        elif ev.id_code:
            self.by_id_code[ev.id_code] = ev.account_id

    def apply_status_changed(self, ev: AccountStatusChanged) -> None:
        self.accounts[ev.account_id].status = ev.new

    def apply_ledger(self, ev: LedgerPosted) -> None:
        # :meth:`post`, one call less (replay applies this once per transaction)
        self._move(ev.postings)
        self.transactions.posted(ev.tx_id, ev.tx_type, ev.postings, ev.ref)
        if ev.tx_type is TxType.CORRECTION:
            self.transactions.mark_reversed(ev.ref, ev.tx_id)

    def post(self, tx_id: str, tx_type: TxType, postings: tuple[Posting, ...], ref: str) -> None:
        """The registry's one posting path: a balanced transaction onto the holdings."""
        self._move(postings)
        self.transactions.posted(tx_id, tx_type, postings, ref)

    def post_net(
        self,
        net: Mapping[Bucket, Mapping[tuple[str, str], int]],
        count: int,
        transactions: Callable[[], Iterable[tuple[str, TxRecord]]],
    ) -> None:
        """``count`` balanced transactions posted at once by their net effect: ``net`` sums
        their postings per bucket and (account, product) (the holdings end as if each had been
        posted in turn). ``transactions`` gives them one by one, called only where the index
        keeps them in memory (on a SQL journal the store reads them from their record)."""
        holdings, tallies = self.holdings, self.tallies
        for bucket, deltas in net.items():
            for key, delta in deltas.items():
                if key[0] == ISSUED:
                    tallies[key] = tallies.get(key, 0) + delta
                    continue
                b = holdings.get(key)
                if b is None:
                    b = holdings[key] = [0, 0, 0, 0, 0]
                    self.products.add(key[1])
                b[bucket] += delta
        self.transactions.add_many(count, transactions)

    def _move(self, postings: Iterable[Posting]) -> None:
        holdings = self.holdings
        for p in postings:
            if p.account_id == ISSUED:
                key = (ISSUED, p.product)
                self.tallies[key] = self.tallies.get(key, 0) + p.delta
                continue
            key2 = (p.account_id, p.product)
            b = holdings.get(key2)
            if b is None:
                b = holdings[key2] = [0, 0, 0, 0, 0]
                self.products.add(p.product)
            b[p.bucket] += p.delta

    def apply_approval_requested(self, ev: ApprovalRequested) -> None:
        self.pending[ev.request_id] = ev

    def apply_approval_decided(self, ev: ApprovalDecided) -> None:
        self.pending.pop(ev.request_id, None)

    # --- invariants ----------------------------------------------------------------------
    def violations(self) -> list[str]:
        """Broken invariants: negative buckets and non-conservation per product."""
        out: list[str] = []
        held: dict[str, int] = {}
        retired: dict[str, int] = {}
        for (acct, prod), b in self.holdings.items():
            for i, v in enumerate(b):
                if v < 0:
                    out.append(f"negative bucket {i} of {acct}/{prod}: {v}")
            total = sum(b)
            if self.is_retirement(acct):
                retired[prod] = retired.get(prod, 0) + total
            else:
                held[prod] = held.get(prod, 0) + total
        for prod in sorted(self.products | {k[1] for k in self.tallies}):
            issued = self.issued(prod)
            if issued - retired.get(prod, 0) != held.get(prod, 0):
                out.append(
                    f"allowances not conserved for {prod}: issued {issued} - retired "
                    f"{retired.get(prod, 0)} != held {held.get(prod, 0)}"
                )
        # Every transaction in memory; on a store, those not durable yet (the durable ones were
        # checked as they were posted; ``openets verify`` replays into memory and checks all).
        for tx_id, tx in self.transactions.unchecked_items():
            sums: dict[str, int] = {}
            for p in tx.postings:
                sums[p.product] = sums.get(p.product, 0) + p.delta
            if any(sums.values()):
                out.append(f"transaction {tx_id} does not balance: {sums}")
                break
        return out

    def canonical(self) -> dict[str, object]:
        """A deterministic, hashable view of the state (for the state hash)."""
        return {
            "accounts": sorted(
                (a.account_id, a.status.value, a.id_code, a.province, a.name)
                for a in self.accounts.values()
            ),
            "holdings": sorted((k[0], k[1], list(v)) for k, v in self.holdings.items() if any(v)),
            "tallies": sorted((k[0], k[1], v) for k, v in self.tallies.items()),
            "pending": sorted(self.pending),
            "tx": len(self.transactions),
        }
