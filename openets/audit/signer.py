"""The signer of a running server: a checkpoint of the chain head at every end of day (the
batch that journals ``DayFinished``) and every ``every`` records, journaled in the same batch
(group commit) as :class:`~openets.audit.service.RecordCheckpoint`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from openets.audit.keys import key_id, sign
from openets.audit.service import RecordCheckpoint, audit_part
from openets.engine.core import Engine
from openets.trading.events import DayFinished

ACTOR = "audit"
"""The journal's actor of checkpoints."""


class Signer:
    def __init__(self, key: Ed25519PrivateKey, every: int = 1000) -> None:
        if every < 1:
            raise ValueError(f"checkpoint interval must be at least 1 record, was {every}")
        self.key = key
        self.every = every
        self.key_id = key_id(key.public_key())
        self._day = ""

    def watch(self, records: Sequence[Any], events: Sequence[Any]) -> None:
        """Engine subscriber: note a finished market day (its end gets a checkpoint)."""
        for ev in events:
            if isinstance(ev, DayFinished):
                self._day = ev.day

    def due(self, engine: Engine) -> bool:
        m = engine.state
        last = audit_part(m).latest
        if m.last_seq == 0 or (last is not None and last.seq + 1 == m.last_seq):
            return False  # nothing journaled since the last checkpoint
        since = m.last_seq - (last.seq + 1 if last is not None else 0)
        return bool(self._day) or since >= self.every

    def checkpoint(self, engine: Engine) -> RecordCheckpoint:
        m = engine.state
        signed_at = engine.clock.now().isoformat()
        sig = sign(self.key, m.last_seq, m.last_hash, signed_at)
        return RecordCheckpoint(m.last_seq, m.last_hash, signed_at, sig, self.key_id, self._day)

    def maybe_sign(self, engine: Engine) -> bool:
        """Journal a checkpoint if one is due (inside the caller's batch). True if it did."""
        if not self.due(engine):
            return False
        r = engine.submit(self.checkpoint(engine), ACTOR)
        self._day = ""
        return isinstance(r, tuple)
