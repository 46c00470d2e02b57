"""Field checks every context's service shares (each a Rejection naming the field, or None)."""

from __future__ import annotations

from typing import Any

from openets.domain.rejection import Code, Rejection


def check_int(value: Any, field: str, code: Code, what: str) -> Rejection | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return Rejection(code, f"{field} must be {what}, was {value!r}", field)
    if value <= 0:
        return Rejection(code, f"{field} must be positive, was {value}", field)
    return None
