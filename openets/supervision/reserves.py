"""Market stability mechanisms: the rules that move allowances into or out of a reserve.

The regulator runs these (the Commission's Market Stability Reserve, CARB's and RGGI's
containment reserves, the MEE's market-adjustment mechanism of the 2030 design), not the
exchange's matching and not the registry's bookkeeping, so they belong to supervision, the
regulator's context. This module only decides, from figures, how much moves; the engine
(:mod:`openets.supervision.reserves_service`) turns each decision into the registry's own postings
(the auction account into or out of the reserve account, the reserve into cancellation) and
into one-way bidding, so that every movement is in the journal, the registry and the reports.

Each mechanism is a field of :class:`ReserveRules` (a market preset's ``reserves``); ``None``
is off. Quantities are integer tonnes (allowances), prices integer minor units (fen; cents in a
dollar market), rates integer basis points. Parameters and where they come from:

* EU MSR (Decision (EU) 2015/1814 as amended): intake of 24% of the total number of allowances
  in circulation (TNAC) above 833 M, and from 2024 the TNAC less 833 M when the TNAC lies
  between 833 M and 1,096 M; 100 M released below 400 M; the intake reduces the auction
  volumes of the twelve months from September; from 2023 the holding above the previous year's
  auction volume is no longer valid, and from 2024 the holding above 400 M (the Commission's
  TNAC communications of 2023 and 2026).
* RGGI-style cost and emissions containment reserves (anchors §A.5): the CCR released when the
  auction price exceeds its trigger ($13 in 2021, +7% a year), the ECR withheld when it would
  fall below its trigger ($6 in 2021, +7% a year) and not reoffered.
* WCI price containment reserve: tiers sold at fixed prices once the auction price reaches them,
  to covered entities only, in bids of 1,000 allowances (Cal. Code Regs. tit. 17 §95913; the
  tier prices are California's 2021 $41.40 and $53.20, the sizes not in the reference:
  unconfirmed).
* A China-style reserve: release (sell by one-way bidding) when the composite price closes above
  a band for N consecutive days, buy back below it (no trigger numbers are published: the band,
  N and the quantities are configurable placeholders, unconfirmed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from openets.domain.money import round_half_up_div

MILLION = 1_000_000
BPS = 10_000


# --- EU Market Stability Reserve ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MsrRules:
    """The Market Stability Reserve's thresholds and rates (tonnes, basis points, years)."""

    upper_threshold: int = 833 * MILLION
    """Above this TNAC, a share of the TNAC is taken in."""
    lower_threshold: int = 400 * MILLION
    """Below this TNAC, ``release`` is released."""
    intake_rates: tuple[tuple[int, int], ...] = ((2019, 2_400), (2031, 1_200))
    """(first year of intake, bps of the TNAC): 24% from 2019, 12% from 2031."""
    buffer_ceiling: int = 1_096 * MILLION
    """Between the upper threshold and this, the intake is the TNAC less the upper threshold."""
    buffer_from_year: int = 2024
    """First intake year the buffer rule applies to (the 2023 amendment)."""
    release: int = 100 * MILLION
    """Released when the TNAC is below the lower threshold (or the whole holding if smaller)."""
    invalidation_from_year: int = 2023
    """From this year the holding above the previous year's auction volume is invalid."""
    invalidation_floor: int = 400 * MILLION
    """From ``invalidation_floor_from_year``, the holding above this is invalid instead."""
    invalidation_floor_from_year: int = 2024


class MsrRule(StrEnum):
    INTAKE = "intake"  # a share of the TNAC
    BUFFER = "buffer"  # the TNAC less the upper threshold (2023 rule)
    RELEASE = "release"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class MsrDecision:
    """One year's decision: tonnes into the reserve (``intake``) or out of it (``release``)."""

    rule: MsrRule
    intake: int
    release: int


def msr_intake_rate_bps(rules: MsrRules, year: int) -> int:
    """The intake rate of the intake year ``year`` (the last schedule entry not after it)."""
    rate = 0
    for first, bps in rules.intake_rates:
        if first <= year:
            rate = bps
    return rate


def msr_decision(rules: MsrRules, tnac: int, year: int, holding: int) -> MsrDecision:
    """What the TNAC published in ``year`` moves over the twelve months from September.

    ``holding`` is the reserve's holding (a release cannot exceed it). Shares round down to
    whole allowances (24% of 1,134,794,738 is 272,350,737, as published in 2023).
    """
    if tnac < 0 or holding < 0:
        raise ValueError(f"tnac and holding are not negative: {tnac}, {holding}")
    if tnac > rules.upper_threshold:
        if year >= rules.buffer_from_year and tnac <= rules.buffer_ceiling:
            return MsrDecision(MsrRule.BUFFER, tnac - rules.upper_threshold, 0)
        share = tnac * msr_intake_rate_bps(rules, year) // BPS
        return MsrDecision(MsrRule.INTAKE, share, 0)
    if tnac < rules.lower_threshold:
        return MsrDecision(MsrRule.RELEASE, 0, min(rules.release, holding))
    return MsrDecision(MsrRule.NONE, 0, 0)


def msr_invalidation(rules: MsrRules, year: int, holding: int, previous_auction_volume: int) -> int:
    """Tonnes of the reserve no longer valid on 1 January of ``year`` (0 before 2023)."""
    if year < rules.invalidation_from_year:
        return 0
    limit = (
        rules.invalidation_floor
        if year >= rules.invalidation_floor_from_year
        else previous_auction_volume
    )
    return max(0, holding - limit)


def adjust_auction_volumes(planned: Sequence[int], change: int) -> tuple[int, ...]:
    """Spread ``change`` (negative: an intake, positive: a release) over the planned auctions
    in proportion to their volume; the remainder goes to the earliest auctions first.

    An intake larger than the planned total takes the whole total.
    """
    if any(v < 0 for v in planned):
        raise ValueError("planned auction volumes are not negative")
    total = sum(planned)
    if not planned or change == 0 or total == 0:
        if change > 0 and planned:  # nothing planned: the release is spread evenly
            even = [change // len(planned)] * len(planned)
            for i in range(change - sum(even)):
                even[i] += 1
            return tuple(even)
        return tuple(planned)
    step = max(change, -total)
    parts = [step * v // total if step > 0 else -((-step) * v // total) for v in planned]
    left = step - sum(parts)
    i = 0
    while left != 0:
        unit = 1 if left > 0 else -1
        if planned[i] + parts[i] + unit >= 0:
            parts[i] += unit
            left -= unit
        i = (i + 1) % len(planned)
    return tuple(v + p for v, p in zip(planned, parts, strict=True))


# --- containment reserves (RGGI CCR/ECR, WCI price containment) -----------------------------


@dataclass(frozen=True, slots=True)
class Trigger:
    """A price that rises by ``rise_bps`` a year from ``base_year``, rounded to the unit each
    year (RGGI publishes $13.00, $13.91, $14.88, $15.92 for 2021-2024)."""

    base_price: int
    base_year: int
    rise_bps: int = 0

    def price(self, year: int) -> int:
        p = self.base_price
        for _ in range(max(0, year - self.base_year)):
            p = round_half_up_div(p * (BPS + self.rise_bps), BPS)
        return p


@dataclass(frozen=True, slots=True)
class ContainmentRules:
    """A cost containment reserve (released above ``ccr``) and an emissions containment reserve
    (withheld below ``ecr``); quantities per year."""

    ccr: Trigger | None
    ccr_quantity: int
    ecr: Trigger | None
    ecr_quantity: int


def demand_at(bids: Sequence[tuple[int, int]], price: int) -> int:
    """Tonnes bid at ``price`` or higher (bids are (price, quantity))."""
    return sum(q for p, q in bids if p >= price)


def ecr_withheld(
    rules: ContainmentRules, year: int, supply: int, bids: Sequence[tuple[int, int]]
) -> int:
    """Tonnes withheld from an auction (and not reoffered): as many of the ECR's as the bids at
    the ECR trigger price or above leave unsold, at most ``ecr_quantity``."""
    if rules.ecr is None:
        return 0
    short = supply - demand_at(bids, rules.ecr.price(year))
    return max(0, min(rules.ecr_quantity, short, supply))


def ccr_released(
    rules: ContainmentRules, year: int, supply: int, bids: Sequence[tuple[int, int]], left: int
) -> int:
    """Tonnes of the CCR added to an auction: the bids above the CCR trigger price beyond the
    supply, at most ``ccr_quantity`` and what is ``left`` in the reserve this year."""
    if rules.ccr is None:
        return 0
    above = sum(q for p, q in bids if p > rules.ccr.price(year))
    return max(0, min(rules.ccr_quantity, left, above - supply))


@dataclass(frozen=True, slots=True)
class PriceContainmentRules:
    """WCI price containment reserve: ``tiers`` of (fixed price, tonnes), cheapest first, each
    sold at its price to covered entities (a fixed-price sale) in bids of whole ``lot``s."""

    tiers: tuple[tuple[int, int], ...]
    lot: int = 1_000
    """Bids in multiples of 1,000 allowances (anchors §A.4, CARB's auctions)."""

    def __post_init__(self) -> None:
        prices = [p for p, _ in self.tiers]
        if prices != sorted(prices) or any(q < 0 for _, q in self.tiers):
            raise ValueError("tiers are (price, tonnes), cheapest first, tonnes not negative")
        if self.lot < 1:
            raise ValueError(f"lot is a positive number of tonnes, was {self.lot}")


def pcr_offer(
    rules: PriceContainmentRules, auction_price: int, sold: Sequence[int]
) -> tuple[tuple[int, int], ...]:
    """(tier price, tonnes on sale) of every tier the auction price has reached, with what is
    left of it (``sold`` per tier so far); a tier above the price offers nothing."""
    if len(sold) != len(rules.tiers):
        raise ValueError(f"sold names {len(sold)} tiers, the rules {len(rules.tiers)}")
    return tuple(
        (p, q - s) for (p, q), s in zip(rules.tiers, sold, strict=True)
        if p <= auction_price and q > s
    )  # fmt: skip


# --- China-style reserve --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BandReserveRules:
    """Release above ``high`` or buy back below ``low`` after ``days`` consecutive composite
    closes outside the band (fen per tonne); ``quantity`` tonnes per operation. The closes
    count from the last operation: one operation per ``days`` closes outside the band."""

    low: int
    high: int
    days: int
    quantity: int
    automatic: bool = True
    """The end of day checks the trigger and acts (else only the regulator applies it)."""

    def __post_init__(self) -> None:
        if not 0 < self.low < self.high or self.days < 1 or self.quantity < 1:
            raise ValueError("0 < low < high, days >= 1 and quantity >= 1")


class BandAction(StrEnum):
    RELEASE = "release"  # the regulator sells from the reserve by one-way bidding
    BUY_BACK = "buy_back"  # the regulator buys into the reserve by one-way bidding


def band_trigger(rules: BandReserveRules, closes: Sequence[int]) -> BandAction | None:
    """What the last ``days`` composite closes trigger: all above the band a release, all below
    it a buy-back, else nothing (fewer closes than ``days``: nothing)."""
    last = list(closes[-rules.days :])
    if len(last) < rules.days:
        return None
    if all(c > rules.high for c in last):
        return BandAction.RELEASE
    if all(c < rules.low for c in last):
        return BandAction.BUY_BACK
    return None


# --- the preset field -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReserveRules:
    """A market's stability mechanisms; each ``None`` when the market has none."""

    msr: MsrRules | None = None
    containment: ContainmentRules | None = None
    price_containment: PriceContainmentRules | None = None
    band: BandReserveRules | None = None


NO_RESERVES = ReserveRules()
"""China's national market today: none in operation (cn-ets-rules §6, the 2030 design)."""

EU_MSR = ReserveRules(msr=MsrRules())

RGGI_CONTAINMENT = ContainmentRules(
    ccr=Trigger(1_300, 2021, 700),
    ccr_quantity=10 * MILLION,
    ecr=Trigger(600, 2021, 700),
    ecr_quantity=10 * MILLION,
)
"""Triggers from anchors §A.5 in cents ($13 and $6 in 2021, +7% a year); the yearly
quantities are placeholders (unconfirmed: RGGI sizes the CCR and ECR as 10% of the regional cap
a year)."""

WCI_RESERVES = ReserveRules(
    containment=RGGI_CONTAINMENT,
    price_containment=PriceContainmentRules(tiers=((4_140, 10 * MILLION), (5_320, 10 * MILLION))),
)
"""Containment as RGGI's; WCI price tiers not in the reference (unconfirmed placeholders)."""

CN_BAND_RESERVE = ReserveRules(
    band=BandReserveRules(low=40_00, high=120_00, days=10, quantity=1 * MILLION)
)
"""A China-style reserve: no trigger numbers are published (cn-ets-rules §6 [U])."""
