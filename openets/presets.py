"""Market presets: one :class:`MarketRules` per market. China's national market is the default.

A preset holds every rule of its market, one part per area: trading (the on-screen market),
block, auction, fees, risk (position limits and large-holder reporting) and settlement, plus
where a one-time code is required. Other markets are presets of the same object, not forks of
the code. Values ``cn-ets-rules.md`` marks unconfirmed ([U]) take the reference's default and are
named in :attr:`MarketRules.unconfirmed` (dotted field names, as ``Plan.unconfirmed`` does);
``openets rules --preset NAME`` prints a whole preset with those marks.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from functools import cache

from openets.clearing.fees import CCER_FEES, CN_FEES, ILLUSTRATIVE_FEES, FeeSchedule
from openets.clearing.limits import (
    CN_SETTLEMENT_RULES,
    ILLUSTRATIVE_LIMITS,
    SettlementRules,
)
from openets.identity.model import MfaPolicy
from openets.supervision.reserves import (
    CN_BAND_RESERVE,
    EU_MSR,
    NO_RESERVES,
    WCI_RESERVES,
    ReserveRules,
)
from openets.supervision.risk import CN_PILOT_ANALOGUE, CN_UNPUBLISHED, NO_LIMITS, RiskRules
from openets.trading.auction_types import CN_AUCTION_RULES, AuctionRules
from openets.trading.block_types import CN_BLOCK_RULES, EU_LIKE_BLOCK_RULES, BlockRules
from openets.trading.calendar import Calendar, make_calendar
from openets.trading.rules import (
    CDA_TRADING_RULES,
    CN_TRADING_RULES,
    EU_LIKE_TRADING_RULES,
    TradingRules,
)
from openets.trading.venue import CCER_VENUE, CN_VENUE, VenueRules
from openets.trading.vintages import (
    CN_VINTAGES,
    CompositeMethod,
    CompositeStage,
    VintageRules,
)

MFA_EVERYWHERE = MfaPolicy(staff=True, participant_transfers=True)


@dataclass(frozen=True, slots=True)
class MarketRules:
    name: str
    trading: TradingRules
    block: BlockRules
    auction: AuctionRules
    fees: FeeSchedule
    risk: RiskRules
    """Position limits and large-holder reporting (a regulator's SetRiskRules overrides them)."""
    settlement: SettlementRules
    mfa: MfaPolicy = MFA_EVERYWHERE
    """Where a one-time code is required (staff; participants' withdrawals and transfers)."""
    vintages: VintageRules = CN_VINTAGES
    """The vintages' listing dates and the composite's composition ([U] parts marked)."""
    reserves: ReserveRules = NO_RESERVES
    """Market stability mechanisms (:mod:`openets.supervision.reserves`); none in ``cn``."""
    venue: VenueRules = CN_VENUE
    """The trading methods offered, the subject types that may trade, the products listed."""
    unconfirmed: tuple[str, ...] = ()
    """Dotted names of the fields whose value is a [U] placeholder, e.g. ``risk.position``."""

    def __post_init__(self) -> None:
        if self.block.tick_fen != self.trading.tick_fen:
            raise ValueError(
                f"block tick {self.block.tick_fen} fen differs from the market's "
                f"{self.trading.tick_fen} fen"
            )
        if self.block.timezone != self.trading.timezone:
            raise ValueError(
                f"block time zone {self.block.timezone} differs from the market's "
                f"{self.trading.timezone}"
            )
        known = {name for name, _ in rule_fields(self)}
        unknown = [u for u in self.unconfirmed if u not in known]
        if unknown:
            raise ValueError(f"unconfirmed names no field of the rules: {', '.join(unknown)}")

    @property
    def calendar(self) -> Calendar:
        return _calendar(self.trading.calendar, self.trading.timezone)


_LEAVES = (
    TradingRules,
    BlockRules,
    AuctionRules,
    SettlementRules,
    MfaPolicy,
    ReserveRules,
    VenueRules,
)
"""Parts whose fields are listed one by one (the others are one field each: fees, risk)."""


def rule_fields(rules: MarketRules) -> list[tuple[str, object]]:
    """Every rule as (dotted name, value), in declaration order; ``unconfirmed`` itself not."""
    out: list[tuple[str, object]] = []
    for f in dataclasses.fields(rules):  # a nested value (the fund limits): one row per field
        if f.name == "unconfirmed":
            continue
        part = getattr(rules, f.name)
        if isinstance(part, _LEAVES):
            for g in dataclasses.fields(part):
                value = getattr(part, g.name)
                if dataclasses.is_dataclass(value) and not isinstance(value, type):
                    out += [(f"{f.name}.{g.name}.{h.name}", getattr(value, h.name))
                            for h in dataclasses.fields(value)]  # fmt: skip
                else:
                    out.append((f"{f.name}.{g.name}", value))
        elif isinstance(part, FeeSchedule):
            out.append((f"{f.name}.rates", part.rates))
        elif isinstance(part, VintageRules):
            out += part.rule_rows(f.name)
        elif isinstance(part, RiskRules):
            out += [(f"{f.name}.{g.name}", getattr(part, g.name)) for g in dataclasses.fields(part)]
        else:
            out.append((f.name, part))
    return out


@cache
def _calendar(name: str, tz: str) -> Calendar:
    # Past the published holiday data every weekday trades (stated in the calendar's docs).
    return make_calendar(name, tz, beyond="weekdays")


_CN_UNCONFIRMED = (
    "trading.prevent_self_trade",  # §6: self trades are a surveillance category [U]
    "auction.pricing",  # §3.3: the price determination is not published [U]
    "auction.tie_breaks",  # §3.3 [U]
    "fees.rates",  # §5: the CEA fee schedule could not be found [U]; 0 until sourced
    "risk.position",  # §6: maximum position not published [U]; none by default
    "risk.reporting",  # §6: large-holder threshold not found [U]; none by default
    "settlement.fund_limits.deposit_max",  # not in the reference (the bank agreement)
    "settlement.fund_limits.deposit_daily",
    "settlement.fund_limits.withdrawal_max",
    "settlement.fund_limits.withdrawal_daily",
    *CN_VINTAGES.unconfirmed(),  # §13: CEA23's and CEA25's days, the composite before 2025-04-29
)

CN = MarketRules(
    name="cn",
    trading=CN_TRADING_RULES,
    block=CN_BLOCK_RULES,
    auction=CN_AUCTION_RULES,
    fees=CN_FEES,
    risk=CN_UNPUBLISHED,
    settlement=CN_SETTLEMENT_RULES,
    unconfirmed=_CN_UNCONFIRMED,
)
"""China's national carbon market, with the reference's defaults where it is unconfirmed."""

_CCER_FIRST_DAY = date(2024, 1, 22)

CCER = MarketRules(
    name="ccer",
    # The reference is silent on the CCER market's calendar, hours, band, order sizes and
    # first-day reference: the national market's values serve, each marked [U] below.
    trading=CN_TRADING_RULES,
    block=CN_BLOCK_RULES,  # not offered (venue.methods); kept for the shape of the rules
    auction=CN_AUCTION_RULES,  # not offered
    fees=CCER_FEES,  # listing trades 6‰ of value, each side [V]
    risk=NO_LIMITS,  # [U] none published
    settlement=CN_SETTLEMENT_RULES,
    vintages=VintageRules(
        vintages=(),  # CCER has no vintages: one product
        composite=(CompositeStage(_CCER_FIRST_DAY, CompositeMethod.POOLED, note="no vintages"),),
        composite_code="COMCCER",
    ),
    venue=CCER_VENUE,  # listing agreement only; legal persons only; CCER [V]
    unconfirmed=(
        "trading.calendar",
        "trading.listing_band_bps",
        "trading.listing_max_qty",
        "trading.listing_sessions",
        "trading.first_day",
        "trading.first_day_reference_fen",
        "trading.prevent_self_trade",
        "risk.position",
        "risk.reporting",
        "settlement.fund_limits.deposit_max",
        "settlement.fund_limits.deposit_daily",
        "settlement.fund_limits.withdrawal_max",
        "settlement.fund_limits.withdrawal_daily",
        "vintages.composite.2024-01-22.weights",
    ),
)
"""The CCER market (Beijing Green Exchange, reference §13): listing-agreement trading of CCER
by legal persons, 6‰ of value per side; its calendar, hours and band are the reference's
silence filled with the national market's values, marked unconfirmed."""

_BAND_UNCONFIRMED = (
    "reserves.band.low",
    "reserves.band.high",
    "reserves.band.days",
    "reserves.band.quantity",
    "reserves.band.automatic",
)
"""No trigger numbers of a China-style reserve are published (reference §6 [U])."""

PRESETS: dict[str, MarketRules] = {
    "cn": CN,
    "cn-pilot-limits": dataclasses.replace(CN, name="cn-pilot-limits", risk=CN_PILOT_ANALOGUE),
    "cn-demo": dataclasses.replace(
        CN,
        name="cn-demo",
        fees=ILLUSTRATIVE_FEES,
        mfa=MfaPolicy(False, False),
        reserves=CN_BAND_RESERVE,
        unconfirmed=(*_CN_UNCONFIRMED, *_BAND_UNCONFIRMED),
    ),
    "cn-cda": dataclasses.replace(
        CN, name="cn-cda", trading=CDA_TRADING_RULES, fees=ILLUSTRATIVE_FEES
    ),
    "eu-like": MarketRules(
        name="eu-like",
        trading=EU_LIKE_TRADING_RULES,
        block=EU_LIKE_BLOCK_RULES,
        auction=CN_AUCTION_RULES,
        fees=ILLUSTRATIVE_FEES,
        risk=NO_LIMITS,
        settlement=dataclasses.replace(CN_SETTLEMENT_RULES, fund_limits=ILLUSTRATIVE_LIMITS),
        unconfirmed=(
            "trading.timezone",
            "trading.calendar",
            "trading.listing_band_bps",
            "trading.listing_max_qty",
            "trading.listing_sessions",
            "trading.prevent_self_trade",
            "block.min_qty",
            "block.max_qty",
            "block.band_bps",
            "block.sessions",
            "fees.rates",
            *(u for u in _CN_UNCONFIRMED if u.startswith(("auction.", "settlement."))),
        ),
        reserves=EU_MSR,
    ),
    "ccer": CCER,
}
PRESETS["eu-like"] = dataclasses.replace(
    PRESETS["eu-like"],
    unconfirmed=(*PRESETS["eu-like"].unconfirmed, "reserves.msr.intake_rates"),  # 12% from 2031
)
PRESETS["wci-like"] = dataclasses.replace(
    PRESETS["eu-like"],
    name="wci-like",
    reserves=WCI_RESERVES,
    unconfirmed=(
        *(u for u in PRESETS["eu-like"].unconfirmed if not u.startswith("reserves.")),
        "reserves.containment.ccr_quantity",
        "reserves.containment.ecr_quantity",
        "reserves.price_containment.tiers",
    ),
)
PRESETS["cn-reserve"] = dataclasses.replace(
    CN,
    name="cn-reserve",
    reserves=CN_BAND_RESERVE,
    unconfirmed=(*_CN_UNCONFIRMED, *_BAND_UNCONFIRMED),
)
"""Every preset by name. ``cn-demo``: ``cn`` with illustrative fees, no MFA and the band
reserve (so the demo's regulator sees the reserve at work). ``cn-pilot-limits``: ``cn`` with
the Beijing pilot's position limits and reporting thresholds (the reference's analogue, for
configuration only). ``eu-like`` has the EU Market Stability Reserve, ``wci-like`` the
containment reserves and price tiers, ``cn-reserve`` a China-style band reserve (its numbers
unconfirmed)."""


def preset(name: str) -> MarketRules:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"preset must be one of {sorted(PRESETS)}, was {name!r}") from None
