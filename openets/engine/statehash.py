"""The state hash: SHA-256 of the market state's canonical JSON, integers of any size."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import orjson

_I64 = 2**63


def _widen(v: Any) -> Any:
    """The canonical value with every integer beyond 64 bits written as ``"int:<digits>"``."""
    if isinstance(v, bool) or v is None or isinstance(v, str | float):
        return v
    if isinstance(v, int):
        return v if -_I64 <= v < _I64 else f"int:{v}"
    if isinstance(v, dict):
        return {k: _widen(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_widen(x) for x in v]
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {f.name: _widen(getattr(v, f.name)) for f in dataclasses.fields(v)}
    return v


def canonical_hash(canonical: object) -> str:
    """SHA-256 of the canonical JSON; integers of any size (a 64-bit encoder alone would fail
    on a sum of balances past 2**63, and with it verify, replay and backup)."""
    try:
        blob = orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        blob = orjson.dumps(_widen(canonical), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(blob).hexdigest()
