"""``openets verify --public-key``: every signed checkpoint against the journal."""

from __future__ import annotations

from collections.abc import Iterable

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from openets.audit.keys import key_id, signature_ok
from openets.audit.service import CheckpointSigned
from openets.engine import codec
from openets.engine.journal import Record

NAME = CheckpointSigned.journal_name


def verify_checkpoints(
    records: Iterable[Record], pub: Ed25519PublicKey
) -> tuple[list[CheckpointSigned], str | None]:
    """The checkpoints found, and the first problem (None when every one holds).

    A checkpoint is the record right after the head it signs: its ``seq`` and ``hash`` must be
    the previous record's, its key id this key's, and its signature valid for this key.
    """
    kid = key_id(pub)
    decode = codec.decoder(NAME)
    found: list[CheckpointSigned] = []
    prev: Record | None = None
    for r in records:
        if r.type == NAME:
            cp = decode(orjson.loads(r.payload))
            assert isinstance(cp, CheckpointSigned)
            where = f"checkpoint at record {r.seq} (signed {cp.signed_at})"
            if cp.key_id != kid:
                return found, f"{where}: signed by key {cp.key_id}, not by this key ({kid})"
            if not signature_ok(pub, cp.seq, cp.hash, cp.signed_at, cp.signature):
                return found, f"{where}: the signature does not verify with this key"
            if prev is None or prev.seq != cp.seq or prev.hash != cp.hash:
                have = prev.hash[:16] if prev is not None else "nothing"
                return found, (
                    f"{where}: signed hash {cp.hash[:16]}… at seq {cp.seq}, but the journal has "
                    f"{have}… there (the journal was changed after it was signed)"
                )
            found.append(cp)
        prev = r
    if not found:
        return found, "no signed checkpoint in the journal (was it served with --signing-key?)"
    return found, None
