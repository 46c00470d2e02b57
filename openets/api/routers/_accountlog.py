"""Where each account's listings and trades are in the journal: per account, the sequence
numbers of the records of its listings (``ListingPosted``, ``ListingCancelled``) and of the
trades it is a party to (``TradeExecuted``).

The trade log and the order history read an account's records back from the journal by
sequence number when asked, so the server keeps about a byte per record and account in memory
(the gaps between an account's sequence numbers, as varints), not the events: a long session's
memory does not grow with its order flow. Records of the running server are indexed by the
engine's subscriber; those from before the server started are indexed from the journal once,
in a worker thread, the first time someone asks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator, Sequence

from openets.api.statement_index import read_seqs
from openets.engine import codec
from openets.engine.journal import Journal, Record
from openets.trading.events import ListingCancelled, ListingPosted, TradeExecuted

TYPES = frozenset({"ListingPosted", "ListingCancelled", "TradeExecuted"})


class Seqs:
    """Ascending sequence numbers, stored as the varint-encoded gaps between them."""

    __slots__ = ("data", "last")

    def __init__(self) -> None:
        self.data = bytearray()
        self.last = 0

    def append(self, seq: int) -> None:
        gap = seq - self.last
        if gap <= 0:
            raise ValueError(f"sequence numbers ascend: {seq} after {self.last}")
        self.last = seq
        data = self.data
        while gap >= 0x80:
            data.append((gap & 0x7F) | 0x80)
            gap >>= 7
        data.append(gap)

    def __iter__(self) -> Iterator[int]:
        seq = gap = shift = 0
        for b in self.data:
            gap |= (b & 0x7F) << shift
            if b & 0x80:
                shift += 7
            else:
                seq += gap
                yield seq
                gap = shift = 0


Index = dict[str, Seqs]


class _Indexer:
    """Adds records to an index; ``owner`` knows the account of each listing still resting."""

    def __init__(self, index: Index, owner: dict[str, str]) -> None:
        self.index = index
        self.owner = owner

    def _put(self, account: str, seq: int) -> None:
        seqs = self.index.get(account)
        if seqs is None:
            seqs = self.index[account] = Seqs()
        seqs.append(seq)

    def add(self, seq: int, ev: object) -> str | None:
        """Index one event; returns the listing it touched, if any."""
        t = type(ev)
        if t is ListingPosted:
            assert isinstance(ev, ListingPosted)
            self.owner[ev.listing_id] = ev.account_id
            self._put(ev.account_id, seq)
            return ev.listing_id
        if t is TradeExecuted:
            assert isinstance(ev, TradeExecuted)
            self._put(ev.buyer, seq)
            if ev.seller != ev.buyer:
                self._put(ev.seller, seq)
            return ev.maker_id or None
        if t is ListingCancelled:
            assert isinstance(ev, ListingCancelled)
            account = self.owner.pop(ev.listing_id, None)
            if account is not None:
                self._put(account, seq)
        return None


class AccountLog:
    """The index, kept up by the engine's subscriber (``resting(listing_id)``: whether a
    listing is still on the book; ``owners``: the resting listings' accounts at start)."""

    def __init__(
        self,
        journal: Journal,
        start_seq: int,
        resting: Callable[[str], bool],
        owners: dict[str, str],
    ) -> None:
        self.journal = journal
        self.start_seq = start_seq
        self.resting = resting
        self.live: Index = {}
        self._indexer = _Indexer(self.live, dict(owners))
        self._past: Index | None = None
        self._lock: asyncio.Lock | None = None

    @property
    def owners(self) -> dict[str, str]:
        """The accounts of the listings on the book (as many as rest: a bounded map)."""
        return self._indexer.owner

    def __call__(self, records: Sequence[Record], events: Sequence[object]) -> None:
        """The engine's subscriber: called after each accepted command, in the writer."""
        touched = []
        for r, ev in zip(records, events, strict=True):
            if r.type in TYPES:
                lid = self._indexer.add(r.seq, ev)
                if lid is not None:
                    touched.append(lid)
        owner = self._indexer.owner
        for lid in touched:  # filled (or taken on arrival): no cancellation will name it
            if lid in owner and not self.resting(lid):
                del owner[lid]

    def seqs(self, account_id: str | None) -> list[int]:
        """The sequence numbers indexed so far (past and live), ascending."""
        parts = [self._past or {}, self.live]
        if account_id is not None:
            out: list[int] = []
            for part in parts:
                out.extend(part.get(account_id, ()))
            return out
        return sorted({s for part in parts for seqs in part.values() for s in seqs})

    async def records(self, account_id: str | None) -> list[tuple[int, object]]:
        """The account's indexed records (every account's with None) as (time, event), in
        journal order, read back from the journal."""
        if self._past is None:
            if self._lock is None:
                self._lock = asyncio.Lock()
            async with self._lock:
                if self._past is None:
                    self._past = await asyncio.to_thread(self._index_past)
        return await asyncio.to_thread(self._read, self.seqs(account_id))

    def _read(self, seqs: list[int]) -> list[tuple[int, object]]:
        if not seqs:
            return []
        found: dict[int, Record] = {r.seq: r for r in read_seqs(self.journal, seqs)}
        if len(found) < len(seqs):  # the newest may not be durable yet
            unwritten: Callable[[], Iterable[Record]] = getattr(
                self.journal, "unwritten", lambda: ()
            )
            wanted = set(seqs)
            for r in unwritten():
                if r.seq in wanted:
                    found.setdefault(r.seq, r)
        return [
            (r.ts, codec.decode(r.type, r.payload)) for r in (found[s] for s in seqs if s in found)
        ]

    def _index_past(self) -> Index:
        past: Index = {}
        indexer = _Indexer(past, {})
        for r in self.journal.read(0):
            if r.seq > self.start_seq:
                break
            if r.type in TYPES:
                indexer.add(r.seq, codec.decode(r.type, r.payload))
        return past
