"""The settlement bank's reports as the journal has them: each deposit received or failed and
each withdrawal paid or failed, with who reported it and when (the bank's own service identity,
or the bank adapter's callback), for the clearing operator's list and for the bank's repeated
reports (one bank reference, one report: the fund ledger knows each reference reported,
:meth:`openets.clearing.bankrefs.BankRefs.reported`).

Kept up by the engine's subscriber; the reports from before the server started are read from
the journal once, in a worker thread, the first time someone asks. Only the newest
:data:`KEEP` reports are kept and listed.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from openets.api.statement_index import read_seqs
from openets.clearing.funds import BANK, DepositFailed, FundsInstructed, FundsPosted
from openets.domain.clock import from_utc_micros
from openets.engine import codec
from openets.engine.journal import Journal, Record

TYPES = frozenset({"FundsPosted", "FundsInstructed", "DepositFailed"})
KEEP = 10_000
KINDS = {"deposit": "deposit_received", "withdrawal": "withdrawal_paid"}
KINDS["withdrawal_failed"] = "withdrawal_failed"


@dataclass(frozen=True, slots=True)
class BankReport:
    seq: int
    at: str
    reported_by: str
    kind: str
    bank_ref: str
    account_id: str
    amount: int
    tx_id: str | None


class _Reader:
    """Turns journaled events into reports; remembers the deposits instructed and not yet
    answered (a failed one's account and amount are the instruction's)."""

    def __init__(self) -> None:
        self.instructed: dict[str, tuple[str, int]] = {}

    def report(self, r: Record, ev: object) -> BankReport | None:
        if isinstance(ev, FundsInstructed):
            if ev.kind == "deposit":
                self.instructed[ev.bank_ref] = (ev.account_id, ev.amount)
            return None
        if isinstance(ev, DepositFailed):
            acct, amount = self.instructed.pop(ev.bank_ref, ("", 0))
            return self._row(r, "deposit_failed", ev.bank_ref, acct, amount, None)
        if isinstance(ev, FundsPosted) and ev.tx_type in KINDS:
            self.instructed.pop(ev.ref, None)
            p = next(p for p in ev.postings if p.account_id != BANK)
            amount = abs(p.delta)
            return self._row(r, KINDS[ev.tx_type], ev.ref, p.account_id, amount, ev.tx_id)
        return None

    @staticmethod
    def _row(
        r: Record, kind: str, ref: str, acct: str, amount: int, tx_id: str | None
    ) -> BankReport:
        at = from_utc_micros(r.ts).isoformat()
        return BankReport(r.seq, at, r.actor, kind, ref, acct, amount, tx_id)


class BankReports:
    """The reports, by the sequence numbers of their records (newest last): a report is read
    back from the journal when asked, so the newest :data:`KEEP` cost a few bytes each. A
    failed deposit's account and amount are the instruction's, an earlier record: they are
    kept beside its number."""

    def __init__(self, journal: Journal, start_seq: int) -> None:
        self.journal = journal
        self.start_seq = start_seq
        self._reader = _Reader()
        self.live: deque[int] = deque(maxlen=KEEP)
        self._failed: dict[int, tuple[str, int]] = {}
        self._past: list[int] | None = None
        self._lock: asyncio.Lock | None = None

    def _keep(self, into: deque[int], got: BankReport) -> None:
        if len(into) == into.maxlen:
            self._failed.pop(into[0], None)
        into.append(got.seq)
        if got.kind == "deposit_failed":
            self._failed[got.seq] = (got.account_id, got.amount)

    def __call__(self, records: Sequence[Record], events: Sequence[object]) -> None:
        """The engine's subscriber: called after each accepted command, in the writer."""
        for r, ev in zip(records, events, strict=True):
            if r.type in TYPES:
                got = self._reader.report(r, ev)
                if got is not None:
                    self._keep(self.live, got)

    async def ready(self) -> None:
        """Read the reports from before the server started (once)."""
        if self._past is None:
            if self._lock is None:
                self._lock = asyncio.Lock()
            async with self._lock:
                if self._past is None:
                    self._past = await asyncio.to_thread(self._read_past)

    def seqs(self) -> list[int]:
        """The kept reports' sequence numbers, oldest first (after :meth:`ready`)."""
        return [*(self._past or [])[-KEEP:], *self.live][-KEEP:]

    def newest(self, chunk: int = 500) -> Iterator[BankReport]:
        """The kept reports, newest first, read from the journal a chunk at a time (a caller
        that stops early reads no more)."""
        seqs = self.seqs()
        for end in range(len(seqs), 0, -chunk):
            part = seqs[max(0, end - chunk) : end]
            yield from reversed(self._read(part))

    def reports(self) -> list[BankReport]:
        """Every report kept, oldest first (after :meth:`ready`)."""
        return list(reversed(list(self.newest())))

    def find(self, bank_ref: str) -> BankReport | None:
        """The newest kept report of ``bank_ref``."""
        return next((r for r in self.newest(chunk=100) if r.bank_ref == bank_ref), None)

    def _read(self, seqs: list[int]) -> list[BankReport]:
        found = {r.seq: r for r in read_seqs(self.journal, seqs)}
        if len(found) < len(seqs):  # the newest may not be durable yet
            unwritten: Callable[[], Iterable[Record]] = getattr(
                self.journal, "unwritten", lambda: ()
            )
            wanted = set(seqs)
            for r in unwritten():
                if r.seq in wanted:
                    found.setdefault(r.seq, r)
        out = []
        for seq in seqs:
            rec = found.get(seq)
            if rec is None:
                continue
            ev = codec.decode(rec.type, rec.payload)
            reader = _Reader()
            if isinstance(ev, DepositFailed) and seq in self._failed:
                reader.instructed[ev.bank_ref] = self._failed[seq]
            got = reader.report(rec, ev)
            if got is not None:
                out.append(got)
        return out

    def _read_past(self) -> list[int]:
        reader, out = _Reader(), deque[int](maxlen=KEEP)
        for r in self.journal.read(0):
            if r.seq > self.start_seq:
                break
            if r.type in TYPES:
                got = reader.report(r, codec.decode(r.type, r.payload))
                if got is not None:
                    self._keep(out, got)
        # the live reports are newer: keep what they say of a reference
        self._reader.instructed = {**reader.instructed, **self._reader.instructed}
        return list(out)
