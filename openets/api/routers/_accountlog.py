"""Where each account's listings and trades are in the journal: per account, the sequence
numbers of the records of its listings (``ListingPosted``, ``ListingCancelled``) and of the
trades it is a party to (``TradeExecuted``).

The trade log and the order history read an account's records back from the journal by
sequence number when asked (the trades apart, by account and instrument, so that a page of an
account's trades reads that page and no more), so the server keeps about a byte per record
and account in memory (the gaps between an account's sequence numbers, as varints), not the
events: a long session's memory does not grow with its order flow. Records of the running
server are indexed by the engine's subscriber; those from before the server started are
indexed from the journal once, in a worker thread, the first time someone asks.
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
"""Per account: its listings' records."""
TradeIndex = dict[str, dict[str, Seqs]]
"""Per account and instrument: the trades the account is a party to."""


class _Indexer:
    """Adds records to an index; ``owner`` knows the account of each listing still resting."""

    def __init__(
        self, index: Index, trades: TradeIndex, owner: dict[str, str], posts: dict[str, int]
    ) -> None:
        self.index = index
        self.trades = trades
        self.owner = owner
        self.posts = posts

    def _trade(self, account: str, instrument: str, seq: int) -> None:
        by_instrument = self.trades.get(account)
        if by_instrument is None:
            by_instrument = self.trades[account] = {}
        seqs = by_instrument.get(instrument)
        if seqs is None:
            seqs = by_instrument[instrument] = Seqs()
        seqs.append(seq)

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
            self.posts[ev.account_id] = self.posts.get(ev.account_id, 0) + 1
            self._put(ev.account_id, seq)
            return ev.listing_id
        if t is TradeExecuted:
            assert isinstance(ev, TradeExecuted)
            self._trade(ev.buyer, ev.instrument, seq)
            if ev.seller != ev.buyer:
                self._trade(ev.seller, ev.instrument, seq)
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
        self.live_trades: TradeIndex = {}
        self.live_posts: dict[str, int] = {}
        """Listings posted per account since the start."""
        self._indexer = _Indexer(self.live, self.live_trades, dict(owners), self.live_posts)
        self._past: tuple[Index, TradeIndex] | None = None
        self._past_posts: dict[str, int] = {}
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

    def _parts(self) -> list[tuple[Index, TradeIndex]]:
        return [self._past or ({}, {}), (self.live, self.live_trades)]

    def seqs(self, account_id: str | None) -> list[int]:
        """The sequence numbers indexed so far (past and live), ascending."""
        if account_id is None:
            every: set[int] = set()
            for index, trades in self._parts():
                for seqs in index.values():
                    every.update(seqs)
                for by_instrument in trades.values():
                    for seqs in by_instrument.values():
                        every.update(seqs)
            return sorted(every)
        out: list[int] = []
        for index, _ in self._parts():
            out.extend(index.get(account_id, ()))
        return sorted(out + self.trade_seqs(account_id, None))

    def trade_seqs(self, account_id: str, instrument: str | None) -> list[int]:
        """The sequence numbers of the account's trades (of one instrument, or all), ascending."""
        out: list[int] = []
        names: set[str] = set()
        for _, trades in self._parts():  # the past's numbers are below the live ones
            for name, seqs in trades.get(account_id, {}).items():
                if instrument is None or name == instrument:
                    out.extend(seqs)
                    names.add(name)
        return sorted(out) if len(names) > 1 else out

    async def _ready(self) -> None:
        if self._past is None:
            if self._lock is None:
                self._lock = asyncio.Lock()
            async with self._lock:
                if self._past is None:
                    self._past = await asyncio.to_thread(self._index_past)

    async def records(self, account_id: str | None) -> list[tuple[int, object]]:
        """The account's indexed records (every account's with None) as (time, event), in
        journal order, read back from the journal."""
        await self._ready()
        return await asyncio.to_thread(self._read, self.seqs(account_id))

    async def trades(
        self, account_id: str, instrument: str | None, offset: int, limit: int
    ) -> tuple[int, list[object]]:
        """How many trades the account has (of ``instrument``, or all), and the page of them
        from ``offset``, newest first: only the page's records are read from the journal."""
        await self._ready()
        seqs = self.trade_seqs(account_id, instrument)
        total = len(seqs)
        hi = max(0, total - offset)
        page = seqs[max(0, hi - limit) : hi]
        got = await asyncio.to_thread(self._read, page)
        return total, [ev for _, ev in reversed(got)]

    async def listing_page(
        self, account_id: str, offset: int, limit: int
    ) -> tuple[int, list[tuple[int, object]]]:
        """How many listings the account posted, and the records that tell the fate of the
        page of them from ``offset`` (newest first): its listings' records read back from the
        newest until the page's oldest posting, and the account's trades since then."""
        await self._ready()
        total = self._past_posts.get(account_id, 0) + self.live_posts.get(account_id, 0)
        return total, await asyncio.to_thread(self._listing_page, account_id, offset + limit)

    def _listing_page(self, account_id: str, want: int) -> list[tuple[int, object]]:
        seqs: list[int] = []
        for index, _ in self._parts():
            seqs.extend(index.get(account_id, ()))
        mine: list[tuple[int, int, object]] = []  # newest first
        posts, end = 0, len(seqs)
        while end > 0 and posts < want:
            start = max(0, end - max(2 * want, 64))
            for got in reversed(self._triples(seqs[start:end])):
                mine.append(got)
                if type(got[2]) is ListingPosted:
                    posts += 1
                    if posts == want:
                        break
            end = start
        since = mine[-1][0] if mine else 0
        trades = [s for s in self.trade_seqs(account_id, None) if s >= since]
        every = mine + self._triples(trades)
        every.sort(key=lambda t: t[0])
        return [(ts, ev) for _, ts, ev in every]

    def _read(self, seqs: list[int]) -> list[tuple[int, object]]:
        return [(ts, ev) for _, ts, ev in self._triples(seqs)]

    def _triples(self, seqs: list[int]) -> list[tuple[int, int, object]]:
        """(sequence number, time, event) of the records of ``seqs``, in their order."""
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
            (r.seq, r.ts, codec.decode(r.type, r.payload))
            for r in (found[s] for s in seqs if s in found)
        ]

    def _index_past(self) -> tuple[Index, TradeIndex]:
        past: Index = {}
        trades: TradeIndex = {}
        indexer = _Indexer(past, trades, {}, self._past_posts)
        for r in self.journal.read(0):
            if r.seq > self.start_seq:
                break
            if r.type in TYPES:
                indexer.add(r.seq, codec.decode(r.type, r.payload))
        return past, trades
