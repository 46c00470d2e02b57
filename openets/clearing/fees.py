"""The fee schedule: basis points per trading method and side, with a minimum and a maximum.

China preset: the exchange's CEA fee schedule is not published in a form that could be
verified (reference §5, [U]), so every rate defaults to 0 and is configurable. Rounding: a
fee is ``notional × bps / 10,000`` rounded half-up to the fen, then clamped to [min, max].
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openets.domain.money import round_half_up_div


@dataclass(frozen=True, slots=True)
class FeeRate:
    bps: int = 0
    min_fen: int = 0
    max_fen: int | None = None

    def fee(self, notional: int) -> int:
        f = round_half_up_div(notional * self.bps, 10_000)
        if f < self.min_fen:
            f = self.min_fen
        if self.max_fen is not None and f > self.max_fen:
            f = self.max_fen
        return f

    def fee_bound(self, notional: int) -> int:
        """An upper bound of the fees of any split of ``notional`` into trades (for locks)."""
        f = -(-notional * self.bps // 10_000) + 1 if self.bps else 0
        return (
            max(f, self.min_fen)
            if self.max_fen is None
            else max(min(f, self.max_fen), self.min_fen)
        )


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """Rates by (method, side); method is listing / block / auction, side is buy / sell."""

    rates: tuple[tuple[str, str, FeeRate], ...] = field(default_factory=tuple)

    def rate(self, method: str, side: str) -> FeeRate:
        for m, s, r in self.rates:
            if m == method and s == side:
                return r
        return ZERO

    def fee(self, method: str, side: str, notional: int) -> int:
        return self.rate(method, side).fee(notional)


ZERO = FeeRate()
CN_FEES = FeeSchedule()
"""China preset: all zero until the exchange's schedule is sourced ([U], reference §5)."""

CCER_FEES = FeeSchedule(
    rates=(
        ("listing", "buy", FeeRate(bps=60)),  # 6‰ of the value, each side [V] (§13)
        ("listing", "sell", FeeRate(bps=60)),
    )
)
"""The CCER market's listing-trade fee: 6‰ of the traded value on each side (reference §13)."""

ILLUSTRATIVE_FEES = FeeSchedule(
    (
        ("listing", "buy", FeeRate(bps=5)),
        ("listing", "sell", FeeRate(bps=5)),
        ("block", "buy", FeeRate(bps=3)),
        ("block", "sell", FeeRate(bps=3)),
        ("auction", "buy", FeeRate(bps=3)),
        ("auction", "sell", FeeRate(bps=3)),
    )
)
"""A placeholder of the shape of a real schedule (5 bps a side), used by the demo and tests.
Not the CEA fee: the Hubei pilot charged 50 bps a side, the CCER market 60 bps (reference §5)."""
