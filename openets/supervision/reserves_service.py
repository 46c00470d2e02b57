"""Market stability mechanisms, supervision's service: :class:`ApplyReserveRule`, by the regulator.

The decisions are :mod:`openets.supervision.reserves` (pure); here they become the engine's own
movements, so that they show in the journal, the registry and the reports:

* ``msr``: an intake moves allowances from the auction account into the reserve account (the
  auction volume is reduced by it), a release moves them back for auction;
* ``msr_invalidation``: the reserve's holding no longer valid goes to the cancellation account;
* ``band``: after N composite closes above the band the reserve sells ``quantity`` by one-way
  bidding (from the reserve account onto offer in a SELL auction of the auction account, the
  band's top its reserve price); after N closes below it the auction account buys ``quantity``
  back (a BUY auction paid from the government's sale proceeds, the band's bottom the most it
  pays);
* ``pcr``: once an auction of the instrument has cleared at or above a tier's price, the reserve
  sells what is left of the cheapest such tier by one-way bidding, the tier price as the reserve
  price and the only price: a fixed-price sale to covered entities, pro rata when oversubscribed
  (:mod:`openets.trading.auction_fixed`);
* the containment reserves act at a government sale's close (:func:`ecr_at_close` and
  :func:`ccr_at_close`, called by :func:`openets.trading.auction_close_service.close`): the
  supply is cut by what the bids at the ECR trigger price leave unsold (that part goes to the
  reserve account), or grows by the reserve's tonnes the bids above the CCR trigger ask for
  beyond it; each at most its yearly quantity.
"""

from __future__ import annotations

from dataclasses import replace

from openets.domain.messages import Ctx, Event, Result
from openets.domain.money import format_yuan
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState
from openets.registry import port as registry_port
from openets.registry.port import Bucket, SystemRole, TxType, check_product, transfer
from openets.supervision.port import sup
from openets.supervision.reserve_messages import ApplyReserveRule, ReserveAction, ReserveRuleApplied
from openets.supervision.reserves import (
    BandAction,
    band_trigger,
    ccr_released,
    ecr_withheld,
    msr_decision,
    msr_invalidation,
    pcr_offer,
)
from openets.trading import port as trading_port
from openets.trading.port import (
    AUCTION_OPEN,
    AnnounceAuction,
    AuctionLock,
    AuctionRecord,
    AuctionSide,
)

YEARS = range(2005, 2101)


def _int(value: object, name: str, low: int, rule: str) -> Rejection | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        return Rejection(Code.INVALID_FIELD, f"{name} must be {rule}, was {value!r}", name)
    return None


def _year(value: object) -> Rejection | None:
    if isinstance(value, bool) or not isinstance(value, int) or value not in YEARS:
        msg = f"year must be a year from {YEARS[0]} to {YEARS[-1]}, was {value!r}"
        return Rejection(Code.INVALID_FIELD, msg, "year")
    return None


def _once_a_year(m: MarketState, cmd: ApplyReserveRule) -> Rejection | None:
    """The MSR's intake (or release) and its invalidation are yearly: one each a year."""
    done = any(
        a.rule == cmd.rule and a.product == cmd.product and a.year == cmd.year
        for a in sup(m).reserve_actions
    )
    if done:
        msg = f"rule {cmd.rule} was already applied to {cmd.product} for {cmd.year}"
        return Rejection(Code.ALREADY_DONE, msg, "year")
    return None


def _off(m: MarketState, cmd: ApplyReserveRule, what: str) -> Rejection:
    msg = f"rule {cmd.rule!r} needs a {what}; the market's rules ({m.rules.name}) have none"
    return Rejection(Code.INVALID_FIELD, msg, "rule")


Moved = tuple[tuple[Event, ...], int, str]
"""The registry's posting (none, or one), the tonnes moved and the transaction id."""


def _move(
    m: MarketState, ctx: Ctx, tx: TxType, src: str, dst: str, cmd: ApplyReserveRule, qty: int,
    memo: str,
) -> Moved | Rejection:  # fmt: skip
    if qty <= 0:
        return (), 0, ""
    ev = transfer(ctx.ids.next("TX"), tx, src, dst, cmd.product, qty, memo=memo)
    r = registry_port.check_postings(m, ev.tx_type, ev.postings)
    return r if r else ((ev,), qty, ev.tx_id)


def _done(cmd: ApplyReserveRule, decision: str, decided: int, moved: Moved) -> tuple[Event, ...]:
    events, qty, tx_id = moved
    applied = ReserveRuleApplied(cmd.rule, cmd.product, cmd.year, decision, decided, qty, tx_id, "")
    return (*events, applied)


def _msr(m: MarketState, cmd: ApplyReserveRule, ctx: Ctx) -> Result:
    rules = m.rules.reserves.msr
    if rules is None:
        return _off(m, cmd, "market stability reserve")
    r = (
        _year(cmd.year)
        or _int(cmd.tnac, "tnac", 0, "whole allowances, not negative")
        or _once_a_year(m, cmd)
    )
    if r:
        return r
    reserve = registry_port.system_account(m, SystemRole.RESERVE)
    auctioned = registry_port.system_account(m, SystemRole.AUCTION)
    d = msr_decision(rules, cmd.tnac, cmd.year, registry_port.available(m, reserve, cmd.product))
    if d.intake:
        qty = min(d.intake, registry_port.available(m, auctioned, cmd.product))
        memo = f"MSR {d.rule.value} {cmd.year}: TNAC {cmd.tnac}"
        moved = _move(m, ctx, TxType.TRANSFER, auctioned, reserve, cmd, qty, memo)
    else:
        memo = f"MSR release {cmd.year}: TNAC {cmd.tnac}"
        moved = _move(m, ctx, TxType.TRANSFER, reserve, auctioned, cmd, d.release, memo)
    if isinstance(moved, Rejection):
        return moved
    return _done(cmd, d.rule.value, d.intake or d.release, moved)


def _invalidate(m: MarketState, cmd: ApplyReserveRule, ctx: Ctx) -> Result:
    rules = m.rules.reserves.msr
    if rules is None:
        return _off(m, cmd, "market stability reserve")
    r = (
        _year(cmd.year)
        or _int(cmd.previous_auction_volume, "previous_auction_volume", 0, "whole allowances")
        or _once_a_year(m, cmd)
    )
    if r:
        return r
    reserve = registry_port.system_account(m, SystemRole.RESERVE)
    held = registry_port.available(m, reserve, cmd.product)
    qty = msr_invalidation(rules, cmd.year, held, cmd.previous_auction_volume)
    cancelled = registry_port.system_account(m, SystemRole.CANCELLATION)
    memo = f"MSR holding no longer valid on {cmd.year}-01-01"
    moved = _move(m, ctx, TxType.CANCELLATION, reserve, cancelled, cmd, qty, memo)
    if isinstance(moved, Rejection):
        return moved
    return _done(cmd, "invalidation", qty, moved)


OPERATIONS = (BandAction.RELEASE.value, BandAction.BUY_BACK.value)


def band_closes(m: MarketState) -> list[int]:
    """The composite closes since the band reserve's last operation (all before the first)."""
    days = [a.day for a in sup(m).reserve_actions if a.rule == "band" and a.decision in OPERATIONS]
    since = max(days, default="")
    return [b.close for b in trading_port.composite_bars(m) if b.day > since]


def band(m: MarketState, cmd: ApplyReserveRule, ctx: Ctx) -> Result:
    """The band reserve's rule: after ``days`` closes outside the band since its last
    operation, a release or a buy-back by one-way bidding (``none`` otherwise)."""
    rules = m.rules.reserves.band
    if rules is None:
        return _off(m, cmd, "band reserve")
    action = band_trigger(rules, band_closes(m))
    if action is None:
        return _done(cmd, "none", 0, ((), 0, ""))
    if action is BandAction.BUY_BACK:
        return _buy_back(m, cmd, ctx, rules.quantity, rules.low)
    reserve = registry_port.system_account(m, SystemRole.RESERVE)
    qty = min(rules.quantity, registry_port.available(m, reserve, cmd.product))
    if qty <= 0:
        msg = f"the reserve holds no {cmd.product} to release"
        return Rejection(Code.INSUFFICIENT_HOLDINGS, msg, "product")
    return _sell(m, cmd, ctx, qty, rules.high, action.value, rules.quantity)


def _buy_back(m: MarketState, cmd: ApplyReserveRule, ctx: Ctx, qty: int, price: int) -> Result:
    """Buy ``qty`` back by one-way bidding: a BUY auction of the auction account, paid from the
    government's sale proceeds, ``price`` (the band's bottom) the most it pays; what it buys is
    delivered to the auction account at the day's settlement, out of circulation."""
    auctioneer = registry_port.system_account(m, SystemRole.AUCTION)
    ann = AnnounceAuction(auctioneer, AuctionSide.BUY, cmd.instrument, qty, price, cmd.closes_at)
    spec = trading_port.announced_spec(m, ann, ctx, government_buy=True)
    if isinstance(spec, Rejection):
        return spec
    product = trading_port.product_of(m, spec.instrument)
    if product != cmd.product:
        msg = f"instrument {cmd.instrument} is {product}, not the product {cmd.product}"
        return Rejection(Code.INVALID_FIELD, msg, "instrument")
    got = trading_port.locked_announcement(m, spec, ctx)
    if isinstance(got, Rejection):
        return got
    applied = ReserveRuleApplied(
        cmd.rule, cmd.product, cmd.year, BandAction.BUY_BACK.value, qty, 0, "", spec.auction_id
    )
    return (*got, applied)


def _sell(
    m: MarketState, cmd: ApplyReserveRule, ctx: Ctx, qty: int, price: int, decision: str,
    decided: int, lot: int = 0,
) -> Result:  # fmt: skip
    """Sell ``qty`` of the reserve by one-way bidding: the tonnes go from the reserve account
    straight onto offer (locked) in the auction account, which announces a SELL auction with
    ``price`` as its reserve price; with ``lot``, a fixed-price sale at ``price`` in lots of
    ``lot`` tonnes (:mod:`openets.trading.auction_fixed`)."""
    auctioneer = registry_port.system_account(m, SystemRole.AUCTION)
    ann = AnnounceAuction(auctioneer, AuctionSide.SELL, cmd.instrument, qty, price, cmd.closes_at)
    if lot:
        ann = replace(ann, lot_size=lot, min_cover_bps=0)
    spec = trading_port.announced_spec(m, ann, ctx)
    if isinstance(spec, Rejection):
        return spec
    if lot:
        spec = replace(spec, fixed_price=True)
    product = trading_port.product_of(m, spec.instrument)
    if product != cmd.product:
        msg = f"instrument {cmd.instrument} is {product}, not the product {cmd.product}"
        return Rejection(Code.INVALID_FIELD, msg, "instrument")
    reserve = registry_port.system_account(m, SystemRole.RESERVE)
    tx = ctx.ids.next("TX")
    memo = f"reserve {decision}: on offer in auction {spec.auction_id}"
    post = transfer(tx, TxType.TRANSFER, reserve, auctioneer, product, qty,
                    dst_bucket=Bucket.LOCKED, ref=spec.auction_id, memo=memo)  # fmt: skip
    r = registry_port.check_postings(m, post.tx_type, post.postings)
    if r:
        return r
    au = trading_port.announced(m, spec, product, AuctionLock(0, 0, qty))
    applied = ReserveRuleApplied(
        cmd.rule, cmd.product, cmd.year, decision, decided, qty, tx, spec.auction_id
    )
    return post, au, applied


def _reserve_sales(m: MarketState, rule: str) -> list[AuctionRecord]:
    """The auctions that sold the reserve under ``rule``."""
    book = trading_port.auctions(m)
    ids = [
        a.auction_id for a in sup(m).reserve_actions
        if a.rule == rule and a.auction_id and a.decision != "returned"
    ]  # fmt: skip
    return [book[i] for i in ids if i in book]


def _offered(a: AuctionRecord) -> int:
    """Tonnes an auction sold, or has on offer while open."""
    if a.summary is not None:
        return a.summary.volume
    return a.spec.quantity if a.status == AUCTION_OPEN else 0


def tier_sales(m: MarketState) -> list[tuple[int, int, int, int]]:
    """Each price containment tier: (price, tonnes, sold, on offer now)."""
    rules = m.rules.reserves.price_containment
    if rules is None:
        return []
    sales = _reserve_sales(m, ReserveAction.PCR.value)
    out = []
    for price, qty in rules.tiers:
        mine = [a for a in sales if a.spec.reserve_price == price]
        sold = sum(a.summary.volume for a in mine if a.summary is not None)
        offer = sum(a.spec.quantity for a in mine if a.status == AUCTION_OPEN)
        out.append((price, qty, sold, offer))
    return out


def band_status(m: MarketState) -> tuple[int, int, int, int | None, str | None]:
    """The band reserve's count: (closes since its last operation, the last of them running
    above the band, running below it, the last close, the day of the last operation)."""
    rules = m.rules.reserves.band
    closes = band_closes(m)
    above = below = 0
    if rules is not None:
        for c in reversed(closes):
            if c <= rules.high:
                break
            above += 1
        for c in reversed(closes):
            if c >= rules.low:
                break
            below += 1
    days = [a.day for a in sup(m).reserve_actions if a.rule == "band" and a.decision in OPERATIONS]
    bars = trading_port.composite_bars(m)
    last = bars[-1].close if bars else None
    return len(closes), above, below, last, max(days) if days else None


def _pcr(m: MarketState, cmd: ApplyReserveRule, ctx: Ctx) -> Result:
    rules = m.rules.reserves.price_containment
    if rules is None:
        return _off(m, cmd, "price containment reserve")
    sales = _reserve_sales(m, ReserveAction.PCR.value)
    own = {a.spec.auction_id for a in sales}
    cleared = [
        a.summary.clearing_price for a in trading_port.auctions(m).values()
        if a.spec.instrument == cmd.instrument and a.spec.auction_id not in own
        and a.summary is not None and a.summary.clearing_price is not None
    ]  # fmt: skip
    if not cleared:
        msg = f"no auction of {cmd.instrument!r} has cleared: the tiers have no price to reach"
        return Rejection(Code.INVALID_STATE, msg, "instrument")
    sold = [sum(_offered(a) for a in sales if a.spec.reserve_price == p) for p, _ in rules.tiers]
    offers = pcr_offer(rules, cleared[-1], sold)
    if not offers:
        return _done(cmd, "none", 0, ((), 0, ""))
    price, left = offers[0]
    reserve = registry_port.system_account(m, SystemRole.RESERVE)
    qty = min(left, registry_port.available(m, reserve, cmd.product))
    qty -= qty % rules.lot
    if qty <= 0:
        msg = f"the reserve holds no {cmd.product} to sell (in lots of {rules.lot} t)"
        return Rejection(Code.INSUFFICIENT_HOLDINGS, msg, "product")
    return _sell(m, cmd, ctx, qty, price, f"tier {format_yuan(price)}", left, rules.lot)


def _used(m: MarketState, rule: str, product: str, year: int) -> int:
    """Tonnes a containment reserve has moved for ``product`` this ``year``."""
    return sum(
        a.moved for a in sup(m).reserve_actions
        if a.rule == rule and a.product == product and a.year == year
    )  # fmt: skip


def _government_sale(m: MarketState, a: AuctionRecord) -> bool:
    """A government's auction of allowances (not a reserve's fixed-price tier sale)."""
    return a.spec.paid_allocation and a.spec.side is AuctionSide.SELL and not a.spec.fixed_price


def _year_of(m: MarketState, ctx: Ctx) -> int:
    return ctx.now.astimezone(m.rules.calendar.tz).year


def today(m: MarketState, ctx: Ctx) -> str:
    return ctx.now.astimezone(m.rules.calendar.tz).date().isoformat()


def dated(result: Result, day: str) -> Result:
    """``result`` with the day on its :class:`ReserveRuleApplied`."""
    if isinstance(result, Rejection):
        return result
    return tuple(replace(e, day=day) if isinstance(e, ReserveRuleApplied) else e for e in result)


def ecr_at_close(m: MarketState, a: AuctionRecord, ctx: Ctx) -> int:
    """Tonnes of a government sale the emissions containment reserve withholds at its close:
    whole lots, at least one lot left on sale, at most what is left of the year's ECR."""
    rules = m.rules.reserves.containment
    if rules is None or not _government_sale(m, a):
        return 0
    year = _year_of(m, ctx)
    bids = [(b.price, b.quantity) for b in a.bids.values()]
    lot = a.spec.lot_size
    withheld = ecr_withheld(rules, year, a.spec.quantity, bids)
    withheld = min(withheld, rules.ecr_quantity - _used(m, "ecr", a.product, year))
    return max(0, min(withheld - withheld % lot, a.spec.quantity - lot))


def ccr_at_close(m: MarketState, a: AuctionRecord, ctx: Ctx) -> int:
    """Tonnes the cost containment reserve adds to a government sale at its close: the bids
    above the CCR trigger beyond the supply, in whole lots, at most what is left of the year's
    CCR and what the reserve account holds."""
    rules = m.rules.reserves.containment
    if rules is None or not _government_sale(m, a):
        return 0
    year = _year_of(m, ctx)
    reserve = registry_port.system_account(m, SystemRole.RESERVE)
    left = min(
        rules.ccr_quantity - _used(m, "ccr", a.product, year),
        registry_port.available(m, reserve, a.product),
    )
    bids = [(b.price, b.quantity) for b in a.bids.values()]
    added = ccr_released(rules, year, a.spec.quantity, bids, left)
    return max(0, added - added % a.spec.lot_size)


def closing_record(a: AuctionRecord, withheld: int, added: int) -> AuctionRecord:
    """The auction as cleared: its supply less what the ECR withholds, plus what the CCR adds
    (locked on offer in the seller's account with it)."""
    if not withheld and not added:
        return a
    spec = replace(a.spec, quantity=a.spec.quantity - withheld + added)
    lock = AuctionLock(a.lock.fen, a.lock.recv_fen, a.lock.tonnes + added)
    return replace(a, spec=spec, lock=lock)


def ecr_events(m: MarketState, a: AuctionRecord, withheld: int, ctx: Ctx) -> tuple[Event, ...]:
    """The withheld tonnes (released to the seller at the close) into the reserve account."""
    reserve = registry_port.system_account(m, SystemRole.RESERVE)
    tx = ctx.ids.next("TX")
    memo = f"ECR: withheld from auction {a.spec.auction_id}"
    ev = transfer(tx, TxType.TRANSFER, a.spec.initiator, reserve, a.product, withheld, memo=memo)
    applied = ReserveRuleApplied(
        "ecr", a.product, _year_of(m, ctx), "withheld", withheld, withheld, tx, a.spec.auction_id,
        today(m, ctx),
    )  # fmt: skip
    return ev, applied


def ccr_events(m: MarketState, a: AuctionRecord, added: int, ctx: Ctx) -> tuple[Event, ...]:
    """The added tonnes from the reserve account onto offer (locked) in the seller's account."""
    reserve = registry_port.system_account(m, SystemRole.RESERVE)
    tx = ctx.ids.next("TX")
    memo = f"CCR: released into auction {a.spec.auction_id}"
    ev = transfer(tx, TxType.TRANSFER, reserve, a.spec.initiator, a.product, added,
                  dst_bucket=Bucket.LOCKED, ref=a.spec.auction_id, memo=memo)  # fmt: skip
    applied = ReserveRuleApplied(
        "ccr", a.product, _year_of(m, ctx), "released", added, added, tx, a.spec.auction_id,
        today(m, ctx),
    )  # fmt: skip
    return ev, applied


def returned_at_close(m: MarketState, a: AuctionRecord, volume: int, ctx: Ctx) -> tuple[Event, ...]:
    """A reserve's sale (a band release, a tier sale) at its close: what it did not sell, released
    to the auction account with the close, goes back into the reserve account (journaled as
    ``returned``)."""
    sale = [
        x for x in sup(m).reserve_actions
        if x.auction_id == a.spec.auction_id and x.rule in ("band", "pcr") and x.moved > 0
    ]  # fmt: skip
    unsold = a.spec.quantity - volume
    if not sale or a.spec.side is not AuctionSide.SELL or unsold <= 0:
        return ()
    reserve = registry_port.system_account(m, SystemRole.RESERVE)
    tx = ctx.ids.next("TX")
    memo = f"unsold in auction {a.spec.auction_id}: back to the reserve"
    ev = transfer(tx, TxType.TRANSFER, a.spec.initiator, reserve, a.product, unsold, memo=memo)
    applied = ReserveRuleApplied(
        sale[0].rule, a.product, _year_of(m, ctx), "returned", unsold, unsold, tx,
        a.spec.auction_id, today(m, ctx),
    )  # fmt: skip
    return ev, applied


def apply_reserve_rule(m: MarketState, cmd: ApplyReserveRule, ctx: Ctx) -> Result:
    return dated(_apply_rule(m, cmd, ctx), today(m, ctx))


def _apply_rule(m: MarketState, cmd: ApplyReserveRule, ctx: Ctx) -> Result:
    try:
        rule = ReserveAction(cmd.rule)
    except ValueError:
        allowed = ", ".join(a.value for a in ReserveAction)
        msg = f"rule must be one of {allowed}, was {cmd.rule!r}"
        return Rejection(Code.INVALID_FIELD, msg, "rule")
    r = check_product(cmd.product)
    if r:
        return r
    if rule is ReserveAction.MSR:
        return _msr(m, cmd, ctx)
    if rule is ReserveAction.MSR_INVALIDATION:
        return _invalidate(m, cmd, ctx)
    if rule is ReserveAction.PCR:
        return _pcr(m, cmd, ctx)
    return band(m, cmd, ctx)


def _applied(m: MarketState, ev: ReserveRuleApplied) -> None:
    """Kept in order (the movements themselves are the registry's and the auction's events)."""
    sup(m).reserve_actions.append(ev)


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    handlers[ApplyReserveRule] = apply_reserve_rule
    appliers[ReserveRuleApplied] = _applied
