"""The band reserve at the end of day: :class:`CheckBandReserve`, the step after ``FinishDay``.

When the market's band reserve is ``automatic``, every end of day looks at the composite
closes since the reserve's last operation: after ``days`` of them all above the band it
releases ``quantity`` (sold by one-way bidding from the reserve account, the band's top the
reserve price), after ``days`` all below it buys ``quantity`` back (a BUY one-way bidding of
the auction account paid from the government's sale proceeds, the band's bottom the most it
pays): the same movements as the regulator's :class:`ApplyReserveRule` ``band``, journaled
with :class:`ReserveRuleApplied`. The one-way bidding runs on the next trading day and closes
at the end of its first session. An operation the market cannot carry out (the reserve holds
nothing to release, the government has no proceeds to buy with) is journaled as decided with
nothing moved and the refusal as its note: the end of day goes on, and the count of closes
starts again from that day.

The instrument is the latest listed one not suspended (for a release, the latest whose product
the reserve holds).
"""

from __future__ import annotations

from datetime import date, datetime

from openets.domain.messages import Ctx, Result
from openets.domain.rejection import Rejection
from openets.market import ApplierTable, HandlerTable, MarketState
from openets.registry import port as registry_port
from openets.registry.port import SystemRole
from openets.supervision.reserve_messages import (
    ApplyReserveRule,
    CheckBandReserve,
    ReserveRuleApplied,
)
from openets.supervision.reserves import BandAction, band_trigger
from openets.supervision.reserves_service import band, band_closes, dated
from openets.trading import port as trading_port


def _instrument(m: MarketState, action: BandAction) -> str | None:
    listed = [i for i in trading_port.instruments(m) if not i.suspended]
    if action is BandAction.RELEASE:
        reserve = registry_port.system_account(m, SystemRole.RESERVE)
        held = [i for i in listed if registry_port.available(m, reserve, i.product) > 0]
        listed = held or listed
    return listed[-1].code if listed else None


def _closes_at(m: MarketState, day: str) -> str:
    """The end of the first listing session of the trading day after ``day``."""
    cal = m.rules.calendar
    nxt = cal.next_trading_day(date.fromisoformat(day))
    end = min(m.rules.trading.listing_sessions)[1]
    return datetime.combine(nxt, end, tzinfo=cal.tz).isoformat()


def check_band_reserve(m: MarketState, cmd: CheckBandReserve, ctx: Ctx) -> Result:
    rules = m.rules.reserves.band
    bars = trading_port.composite_bars(m)
    if rules is None or not rules.automatic or not bars:
        return ()
    action = band_trigger(rules, band_closes(m))
    if action is None:
        return ()
    code = _instrument(m, action)
    if code is None:
        return ()
    day = bars[-1].day
    product = trading_port.product_of(m, code)
    apply = ApplyReserveRule(
        "band", product, int(day[:4]), instrument=code, closes_at=_closes_at(m, day)
    )
    got = dated(band(m, apply, ctx), day)
    if not isinstance(got, Rejection):
        return got
    note = f"refused: {got.code.value}: {got.message}"
    return (
        ReserveRuleApplied(
            "band", product, int(day[:4]), action.value, rules.quantity, 0, "", "", day, note
        ),
    )


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    handlers[CheckBandReserve] = check_band_reserve
