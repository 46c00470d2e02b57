"""Signed checkpoints in the journal: the signer (``serve --signing-key``) signs the chain head
at every end of day and every N records and journals the signature as
:class:`CheckpointSigned`, the record right after the head it signs.

The handler checks that the checkpoint names the current head (seq and hash); the signature is
checked by ``openets verify --public-key``. The state keeps the latest checkpoint (``GET
/audit/head``) and the one of each market day's end (the daily and registry reports).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openets.domain.messages import Command, Ctx, Event, Result
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState

_KEY_ID = re.compile(r"[0-9a-f]{16}")
_SIGNATURE = re.compile(r"[A-Za-z0-9+/]{86}==")


@dataclass(frozen=True, slots=True)
class RecordCheckpoint(Command):
    seq: int
    hash: str
    signed_at: str
    signature: str
    key_id: str
    day: str = ""
    """The market day whose end this checkpoint seals ('' for an every-N-records one)."""


@dataclass(frozen=True, slots=True)
class CheckpointSigned(Event):
    seq: int
    hash: str
    signed_at: str
    signature: str
    key_id: str
    day: str


@dataclass(slots=True)
class AuditState:
    latest: CheckpointSigned | None = None
    by_day: dict[str, CheckpointSigned] = field(default_factory=dict)
    count: int = 0

    def canonical(self) -> dict[str, object]:
        last = self.latest
        return {
            "latest": [last.seq, last.hash, last.signature] if last else None,
            "days": sorted(self.by_day),
            "count": self.count,
        }

    def head_of(self, day: str) -> CheckpointSigned | None:
        """The checkpoint sealing ``day``, else the latest one signed on or before it."""
        if day in self.by_day:
            return self.by_day[day]
        last = self.latest
        return last if last is not None and last.signed_at[:10] <= day else None


def audit_part(m: MarketState) -> AuditState:
    st: AuditState = m.audit
    return st


def record_checkpoint(m: MarketState, cmd: RecordCheckpoint, ctx: Ctx) -> Result:
    if cmd.seq != m.last_seq or cmd.hash != m.last_hash:
        return Rejection(
            Code.INVALID_STATE,
            f"checkpoint of seq {cmd.seq} is not the journal's head (seq {m.last_seq})",
            "seq",
        )
    if not isinstance(cmd.key_id, str) or not _KEY_ID.fullmatch(cmd.key_id):
        return Rejection(Code.INVALID_FIELD, f"key_id {cmd.key_id!r} is not a key id", "key_id")
    if not isinstance(cmd.signature, str) or not _SIGNATURE.fullmatch(cmd.signature):
        return Rejection(
            Code.INVALID_FIELD, "signature must be a base64 Ed25519 signature", "signature"
        )
    return (CheckpointSigned(cmd.seq, cmd.hash, cmd.signed_at, cmd.signature, cmd.key_id, cmd.day),)


def apply_checkpoint(st: AuditState, ev: CheckpointSigned) -> None:
    st.latest = ev
    st.count += 1
    if ev.day:
        st.by_day[ev.day] = ev


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    from openets.market import apply_part

    handlers[RecordCheckpoint] = record_checkpoint
    appliers[CheckpointSigned] = apply_part("audit", apply_checkpoint)
