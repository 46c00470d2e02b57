"""Money and quantities as integers: fen (0.01 CNY) and whole tonnes of CO2e.

A float never enters the core: values are built from ``int`` or a decimal ``str`` at the
edges (API, CLI, files), and every rounding is explicit and half-up.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NewType

Fen = NewType("Fen", int)
"""An amount of money in fen (1 yuan = 100 fen)."""

Tonnes = NewType("Tonnes", int)
"""A quantity of allowances in whole tonnes of CO2 equivalent."""

ZERO_FEN = Fen(0)
ZERO_T = Tonnes(0)

_MONEY_RE = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,2})?", re.ASCII)
"""ASCII digits only: ``\\d`` would take fullwidth and Arabic-Indic digits as money."""


class MoneyFormatError(ValueError):
    """A money string that is not a decimal with at most two places."""


def fen(value: int | str) -> Fen:
    """Build a Fen from an int (already in fen) or a decimal yuan string like ``"52.78"``.

    Floats are refused: they cannot represent most fen amounts exactly.
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"money must be int fen or a decimal string, was {type(value).__name__}")
    if isinstance(value, int):
        return Fen(value)
    return parse_yuan(value)


def parse_yuan(text: str) -> Fen:
    """Parse ``"52.78"`` (yuan, at most two decimals) into 5278 fen.

    The text is taken exactly as sent: ASCII digits 0-9 only, and no surrounding spaces or
    line breaks (``" 12.50 "`` and ``"１２.５０"`` are refused, not silently cleaned).
    """
    if not isinstance(text, str):
        raise TypeError(f"money must be a decimal string, was {type(text).__name__}")
    if not _MONEY_RE.fullmatch(text):
        raise MoneyFormatError(
            f"not a decimal amount of ASCII digits with at most two places: {text!r}"
        )
    try:
        d = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - regex already guards
        raise MoneyFormatError(f"not a decimal amount: {text!r}") from exc
    return Fen(int(d * 100))


def format_yuan(amount: int) -> str:
    """Format fen as a yuan string with two places: 5278 -> ``"52.78"``."""
    sign = "-" if amount < 0 else ""
    a = -amount if amount < 0 else amount
    return f"{sign}{a // 100}.{a % 100:02d}"


def tonnes(value: int | str) -> Tonnes:
    """Build Tonnes from an int or a digit string; floats and fractions are refused."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"quantity must be whole tonnes (int), was {type(value).__name__}")
    if isinstance(value, str):
        s = value.strip()
        if not re.fullmatch(r"-?\d{1,15}", s):
            raise ValueError(f"quantity must be whole tonnes, was {value!r}")
        return Tonnes(int(s))
    return Tonnes(value)


def notional(price: int, quantity: int) -> Fen:
    """Price (fen per tonne) times quantity: exact, no rounding needed."""
    return Fen(price * quantity)


def round_half_up_div(numerator: int, denominator: int) -> int:
    """Integer division rounded half away from zero (the rounding of money in this project)."""
    if denominator <= 0:
        raise ValueError(f"denominator must be positive, was {denominator}")
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return q if numerator >= 0 else -q


def decimal_ratio_to_ppm(text: str) -> int:
    """Parse a ratio like ``"0.85"`` into parts per million (850000), exactly, half-up."""
    d = Decimal(text.strip())
    return int((d * 1_000_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
