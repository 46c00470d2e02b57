"""Account statements from the journal: the ledger entries that touch an account in a period --
``LedgerPosted`` and ``FundsPosted`` records, and the deliveries and fees of settlement batches
(``TradesSettled``, whose entries are the same ordinary ledger entries). It scans the journal
(run it in a worker thread; it reads with its own connection and never touches the engine's
state)."""

from __future__ import annotations

from openets.api.schemas.common import yuan
from openets.api.schemas.registry import StatementLine
from openets.api.statement_index import StatementIndex, read_seqs
from openets.clearing.funds import FundBucket, FundsPosted
from openets.clearing.settlement import TradesSettled
from openets.domain.clock import from_utc_micros
from openets.engine import codec
from openets.engine.journal import Journal
from openets.registry.events import LedgerPosted
from openets.registry.model import BUCKET_NAMES

_TYPES = ("LedgerPosted", "FundsPosted", "TradesSettled")
FUND_BUCKETS = tuple(b.name.lower() for b in FundBucket)


def statement_lines(
    journal: Journal,
    account_id: str,
    lo_us: int | None,
    hi_us: int | None,
    max_seq: int,
    index: StatementIndex | None = None,
) -> list[StatementLine]:
    """Lines for ``account_id`` with ``lo_us <= ts < hi_us``, up to journal seq ``max_seq``.

    With ``index``, only the account's records in the period are read (by sequence number);
    without, the journal is scanned."""
    needle = f'"{account_id}"'.encode()
    out: list[StatementLine] = []
    records = (
        read_seqs(journal, index.seqs(account_id, lo_us, hi_us, max_seq))
        if index is not None
        else journal.read(0)
    )
    for r in records:
        if r.seq > max_seq:
            break
        if r.type not in _TYPES or needle not in r.payload:
            continue
        if (lo_us is not None and r.ts < lo_us) or (hi_us is not None and r.ts >= hi_us):
            continue
        when = from_utc_micros(r.ts).isoformat()
        ev = codec.decode(r.type, r.payload)
        entries = ev.entries() if isinstance(ev, TradesSettled) else (ev,)
        for entry in entries:
            out += _lines(entry, account_id, r.seq, when)
    return out


def _lines(ev: object, account_id: str, seq: int, when: str) -> list[StatementLine]:
    out: list[StatementLine] = []
    if isinstance(ev, LedgerPosted):
        for p in ev.postings:
            if p.account_id == account_id:
                out.append(
                    StatementLine(
                        seq=seq,
                        time=when,
                        tx_id=ev.tx_id,
                        tx_type=ev.tx_type.value,
                        asset=p.product,
                        bucket=BUCKET_NAMES[p.bucket],
                        quantity=p.delta,
                        amount=None,
                        ref=ev.ref,
                        memo=ev.memo,
                    )
                )
    elif isinstance(ev, FundsPosted):
        for fp in ev.postings:
            if fp.account_id == account_id:
                out.append(
                    StatementLine(
                        seq=seq,
                        time=when,
                        tx_id=ev.tx_id,
                        tx_type=ev.tx_type,
                        asset="CNY",
                        bucket=FUND_BUCKETS[fp.bucket],
                        quantity=None,
                        amount=yuan(fp.delta),
                        ref=ev.ref,
                        memo="",
                    )
                )
    return out
