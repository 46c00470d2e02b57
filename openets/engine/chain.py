"""One link of the journal's hash chain, compiled where built.

``link(prev, seq, head, name, payload, ids)`` is a record's hash:
:func:`openets.engine.journal.record_hash` of ``(prev, seq, cmd_seq, ts, actor, name, payload,
ids)`` where ``head`` is ``f"|{cmd_seq}|{ts}|{actor}|".encode()``, the part every record of one
command shares (the engine encodes it once per command). The record format does not change:
this only computes the same SHA-256 of the same bytes.

``openets.engine._chain`` (C, OpenSSL's SHA-256 over the pieces, no joined copy) is an optional
extension (``setup.py``): where it is not built, or ``OPENETS_PURE_CHAIN=1``, the pure-Python
:func:`link_py` gives the same hashes more slowly. ``COMPILED`` says which is in use.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from hashlib import sha256


def link_py(prev: str, seq: int, head: bytes, name: str, payload: bytes, ids: bytes) -> str:
    """The record's hash, in Python (the same bytes as ``record_hash``, hashed in one call)."""
    return sha256(
        b"%s|%d%s%s|%s|%s" % (prev.encode(), seq, head, name.encode(), payload, ids)
    ).hexdigest()


def _compiled() -> Callable[[str, int, bytes, str, bytes, bytes], str] | None:
    if os.environ.get("OPENETS_PURE_CHAIN", "") not in ("", "0"):
        return None
    try:
        from openets.engine._chain import link as compiled
    except ImportError:
        return None
    fn: Callable[[str, int, bytes, str, bytes, bytes], str] = compiled
    return fn


_C = _compiled()
COMPILED = _C is not None
link: Callable[[str, int, bytes, str, bytes, bytes], str] = _C if _C is not None else link_py

__all__ = ["COMPILED", "link", "link_py"]
