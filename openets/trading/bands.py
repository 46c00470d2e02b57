"""Price bands (涨跌幅限制): the prices an order may carry, from the previous close.

The national market limits listing trades to ±10% and block trades to ±30% of the previous
trading day's close. How the limits are rounded is not published; this follows the Hubei pilot's
convention, half-up to the tick, which reproduces the first day's high of 52.80 on a reference
of 48.00 (cn-ets-rules §3.1.3, [U] for the rounding).
"""

from __future__ import annotations

from openets.domain.money import round_half_up_div

BPS = 10_000


def price_band(prev_close_fen: int, band_bps: int, tick_fen: int = 1) -> tuple[int, int]:
    """The lowest and highest allowed price, in fen, both inclusive.

    ``prev_close × (1 ∓ band_bps / 10,000)``, each rounded half-up to a multiple of the tick,
    the lower limit at least one tick and the upper at least the lower.
    48.00 ±10% (1000 bps) gives 43.20..52.80; 48.05 ±10% gives 43.25 (43.245 rounds up)
    .. 52.86 (52.855 rounds up).
    """
    if prev_close_fen <= 0:
        raise ValueError(f"previous close must be positive, was {prev_close_fen}")
    if not 0 <= band_bps <= BPS:
        raise ValueError(f"band must be 0..10000 bps, was {band_bps}")
    if tick_fen <= 0:
        raise ValueError(f"tick must be positive, was {tick_fen}")
    unit = BPS * tick_fen
    low = round_half_up_div(prev_close_fen * (BPS - band_bps), unit) * tick_fen
    high = round_half_up_div(prev_close_fen * (BPS + band_bps), unit) * tick_fen
    low = max(low, tick_fen)
    return low, max(high, low)


def in_band(price: int, band: tuple[int, int]) -> bool:
    """True if ``price`` lies within the inclusive band."""
    return band[0] <= price <= band[1]
