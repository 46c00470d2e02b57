"""Carbon finance (碳金融, reference §10): pledge financing and repo.

**Pledge (碳质押).** A participant pledges allowances to a lender: the quantity moves to the
pledged bucket of the pledgor's account (a registry-level freeze with the pledgee recorded).
On repayment it is released; on default, a registry operator asks for the transfer to the
lender and a *different* operator approves it (four-eyes), which moves the tonnes from the
pledgor's pledged bucket to the lender's available bucket.

**Repo (碳回购).** A sale with an agreed repurchase date and price. The seller proposes, the
buyer accepts: the first leg trades at once; on or after the repurchase date either party
triggers the second leg, the buyer selling the same quantity back at the agreed price. Both legs
are ordinary trades through :func:`trade_events`, settled at the end of the day like any other.

They are recorded with method ``block``: :class:`~openets.trading.prices.DayStats` counts only
the methods listing, block and auction (``TradingMethod(method)`` raises on anything else, and
that would happen while the trade is applied), and a repo leg is a negotiated off-screen trade,
which is what block trades are: they count in block volume and never set the open or close.
The first leg's price obeys the block band of its day; the second leg's price was fixed by the
agreement and is not checked again. The block minimum size does not apply to repos.
"""

from __future__ import annotations

from datetime import date

from openets.clearing.port import Wallets
from openets.domain.checks import check_int
from openets.domain.messages import Ctx, Result
from openets.domain.rejection import Code, Rejection
from openets.domain.when import WhenError, parse_day
from openets.market import Applier, Handler, MarketState
from openets.registry.events import LedgerPosted
from openets.registry.handlers import move
from openets.registry.model import Bucket, Posting, TxType
from openets.registry.validate import check_enough, check_product, get_usable_account
from openets.supervision.finance import (
    APPLIERS,
    AcceptRepo,
    CancelRepo,
    DecidePledgeEnforcement,
    FinanceState,
    PledgeEnforcementDecided,
    PledgeEnforcementRequested,
    PledgeRecord,
    PledgeRegistered,
    PledgeReleased,
    PledgeStatus,
    ProposeRepo,
    RegisterPledge,
    RepayPledge,
    RepoCancelled,
    RepoLegTraded,
    RepoProposed,
    RepoRecord,
    RepoStatus,
    RepurchaseRepo,
    RequestPledgeEnforcement,
)
from openets.supervision.port import check_account_restriction, check_position_limit
from openets.trading import checks
from openets.trading.bands import price_band
from openets.trading.book import Side
from openets.trading.port import day_guard, lock_for, trade_events, trading_account


def fin(m: MarketState) -> FinanceState:
    st: FinanceState = m.finance
    return st


# -- pledges -------------------------------------------------------------------------------------


def _text(value: object, name: str) -> Rejection | None:
    if isinstance(value, str) and value.strip():
        return None
    return Rejection(Code.INVALID_FIELD, f"{name} must not be empty, was {value!r}", name)


def _day(value: object, name: str) -> date | Rejection:
    try:
        return parse_day(value)
    except WhenError as exc:
        return Rejection(Code.INVALID_FIELD, f"{name} {exc}", name)


def register_pledge(m: MarketState, cmd: RegisterPledge, ctx: Ctx) -> Result:
    reg = m.registry
    r = (
        check_product(cmd.product)
        or check_int(cmd.quantity, "quantity", Code.INVALID_QUANTITY, "whole tonnes")
        or check_int(cmd.loan_fen, "loan_fen", Code.INVALID_AMOUNT, "an amount in fen")
        or _text(cmd.reference, "reference")
    )
    if r:
        return r
    for acct, name in ((cmd.pledgor, "pledgor"), (cmd.lender, "lender")):
        a = get_usable_account(reg, acct, name, moving_out=False)
        if isinstance(a, Rejection):
            return a
        if a.system_role is not None:
            return Rejection(Code.INVALID_FIELD, f"{name} {acct} is a system account", name)
    if cmd.pledgor == cmd.lender:
        return Rejection(Code.INVALID_FIELD, f"the lender is the pledgor {cmd.lender}", "lender")
    due = _day(cmd.maturity, "maturity")
    if isinstance(due, Rejection):
        return due
    r = check_enough(reg, cmd.pledgor, cmd.product, Bucket.AVAILABLE, cmd.quantity, "available")
    if r:
        return r
    pid = ctx.ids.next("PL")
    memo = f"pledged to {cmd.lender} under {cmd.reference}"
    return (
        move(
            ctx.ids.next("TX"),
            TxType.PLEDGE,
            cmd.pledgor,
            cmd.product,
            Bucket.AVAILABLE,
            Bucket.PLEDGED,
            cmd.quantity,
            ref=pid,
            memo=memo,
        ),
        PledgeRegistered(
            pid,
            cmd.pledgor,
            cmd.lender,
            cmd.product,
            cmd.quantity,
            cmd.loan_fen,
            due.isoformat(),
            cmd.reference.strip(),
            ctx.actor,
            ctx.now.isoformat(),
        ),
    )


def _pledge(m: MarketState, pledge_id: object, *allowed: PledgeStatus) -> PledgeRecord | Rejection:
    rec = fin(m).pledges.get(pledge_id) if isinstance(pledge_id, str) else None
    if rec is None:
        return Rejection(Code.INVALID_FIELD, f"no pledge {pledge_id!r}", "pledge_id")
    if rec.status not in allowed:
        return Rejection(
            Code.INVALID_STATE,
            f"pledge {pledge_id} is {rec.status.value}; needs {'/'.join(allowed)}",
            "pledge_id",
        )
    return rec


def repay_pledge(m: MarketState, cmd: RepayPledge, ctx: Ctx) -> Result:
    rec = _pledge(m, cmd.pledge_id, PledgeStatus.ACTIVE)
    if isinstance(rec, Rejection):
        return rec
    t = rec.terms
    r = check_enough(m.registry, t.pledgor, t.product, Bucket.PLEDGED, t.quantity, "pledged")
    if r:
        return r
    return (
        move(
            ctx.ids.next("TX"),
            TxType.RELEASE,
            t.pledgor,
            t.product,
            Bucket.PLEDGED,
            Bucket.AVAILABLE,
            t.quantity,
            ref=t.pledge_id,
            memo=cmd.reason,
        ),
        PledgeReleased(t.pledge_id, cmd.reason, ctx.actor, ctx.now.isoformat()),
    )


def request_enforcement(m: MarketState, cmd: RequestPledgeEnforcement, ctx: Ctx) -> Result:
    rec = _pledge(m, cmd.pledge_id, PledgeStatus.ACTIVE)
    if isinstance(rec, Rejection):
        return rec
    r = _text(cmd.reason, "reason")
    if r:
        return r
    return (PledgeEnforcementRequested(cmd.pledge_id, ctx.actor, cmd.reason, ctx.now.isoformat()),)


def decide_enforcement(m: MarketState, cmd: DecidePledgeEnforcement, ctx: Ctx) -> Result:
    rec = _pledge(m, cmd.pledge_id, PledgeStatus.DEFAULT_PENDING)
    if isinstance(rec, Rejection):
        return rec
    if rec.initiator == ctx.actor:
        return Rejection(
            Code.SAME_PERSON_APPROVAL,
            f"the enforcement of pledge {cmd.pledge_id} was requested by {ctx.actor}; "
            "a different person must decide it",
            "pledge_id",
        )
    decided = PledgeEnforcementDecided(
        cmd.pledge_id, ctx.actor, bool(cmd.approve), cmd.reason, ctx.now.isoformat()
    )
    if not cmd.approve:
        return (decided,)
    t = rec.terms
    reg = m.registry
    r = check_enough(reg, t.pledgor, t.product, Bucket.PLEDGED, t.quantity, "pledged")
    if r:
        return r
    lender = get_usable_account(reg, t.lender, "lender", moving_out=False)
    if isinstance(lender, Rejection):
        return lender
    postings = (
        Posting(t.pledgor, t.product, Bucket.PLEDGED, -t.quantity),
        Posting(t.lender, t.product, Bucket.AVAILABLE, t.quantity),
    )
    memo = f"pledge {t.pledge_id} enforced on default: {cmd.reason}"
    tx = LedgerPosted(ctx.ids.next("TX"), TxType.TRANSFER, postings, t.pledge_id, memo)
    return (decided, tx)


# -- repo ----------------------------------------------------------------------------------------


def _can_trade(m: MarketState, account_id: str, name: str) -> Rejection | None:
    return trading_account(m, account_id, name) or check_account_restriction(
        m, account_id, "trading", name
    )


def propose_repo(m: MarketState, cmd: ProposeRepo, ctx: Ctx) -> Result:
    r = (
        _can_trade(m, cmd.seller, "seller")
        or _can_trade(m, cmd.buyer, "buyer")
        or check_int(cmd.quantity, "quantity", Code.INVALID_QUANTITY, "whole tonnes")
        or check_int(cmd.price, "price", Code.INVALID_PRICE, "a price in fen")
        or check_int(cmd.repurchase_price, "repurchase_price", Code.INVALID_PRICE, "fen")
    )
    if r:
        return r
    if cmd.seller == cmd.buyer:
        return Rejection(Code.SELF_TRADE, f"seller and buyer are both {cmd.buyer}", "buyer")
    if cmd.instrument not in m.trading.instruments:
        return Rejection(Code.UNKNOWN_INSTRUMENT, f"no instrument {cmd.instrument!r}", "instrument")
    due = _day(cmd.repurchase_date, "repurchase_date")
    if isinstance(due, Rejection):
        return due
    cal = m.rules.calendar
    today = ctx.now.astimezone(cal.tz).date()
    if due <= today or not cal.is_trading_day(due):
        return Rejection(
            Code.INVALID_FIELD,
            f"repurchase_date must be a trading day after {today}, was {cmd.repurchase_date}",
            "repurchase_date",
        )
    rid = ctx.ids.next("RP")
    return (
        RepoProposed(
            rid,
            cmd.seller,
            cmd.buyer,
            cmd.instrument,
            cmd.quantity,
            cmd.price,
            cmd.repurchase_price,
            due.isoformat(),
            ctx.actor,
            ctx.now.isoformat(),
        ),
    )


def _repo(m: MarketState, repo_id: object, status: RepoStatus) -> RepoRecord | Rejection:
    rec = fin(m).repos.get(repo_id) if isinstance(repo_id, str) else None
    if rec is None:
        return Rejection(Code.INVALID_FIELD, f"no repo {repo_id!r}", "repo_id")
    if rec.status is not status:
        return Rejection(
            Code.INVALID_STATE, f"repo {repo_id} is {rec.status.value}, not {status}", "repo_id"
        )
    return rec


def cancel_repo(m: MarketState, cmd: CancelRepo, ctx: Ctx) -> Result:
    rec = _repo(m, cmd.repo_id, RepoStatus.PROPOSED)
    if isinstance(rec, Rejection):
        return rec
    return (RepoCancelled(cmd.repo_id, cmd.reason, ctx.actor),)


def _leg(
    m: MarketState,
    rid: str,
    leg: int,
    seller: str,
    buyer: str,
    price: int,
    t: RepoProposed,
    ctx: Ctx,
) -> Result:
    """One leg: the seller's tonnes locked, the trade through the clearing account."""
    r = _can_trade(m, seller, "seller") or _can_trade(m, buyer, "buyer")
    if r:
        return r
    inst = m.trading.instruments[t.instrument]
    mr = m.rules
    r = checks.check_not_suspended(inst.suspended, inst.code) or checks.check_session_open(
        mr.calendar, ctx.now, mr.block.sessions, "block trading"
    )
    if r:
        return r
    band_bps = mr.block.band_bps
    if leg == 1 and band_bps is not None:
        band = price_band(inst.prev_close, band_bps, mr.trading.tick_fen)
        r = checks.check_price_within_band(price, band, inst.prev_close)
        if r:
            return r
    if leg == 1:
        r = check_position_limit(m, buyer, inst.product, t.quantity)
        if r:
            return r
    opened = day_guard(m, ctx.now)
    if isinstance(opened, Rejection):
        return opened
    locked = lock_for(m, Side.SELL, seller, inst.product, price, t.quantity, ctx, rid)
    if isinstance(locked, Rejection):
        return locked
    trade = trade_events(
        m,
        ctx,
        Wallets(m),
        instrument=t.instrument,
        method="block",
        price=price,
        qty=t.quantity,
        buyer=buyer,
        seller=seller,
        maker=None,
        maker_side=Side.SELL,
        buyer_locked=0,
    )
    if isinstance(trade, Rejection):
        return trade
    tid = trade[-1].trade_id  # type: ignore[attr-defined]
    return (*opened, *locked[0], *trade, RepoLegTraded(rid, leg, tid))


def accept_repo(m: MarketState, cmd: AcceptRepo, ctx: Ctx) -> Result:
    rec = _repo(m, cmd.repo_id, RepoStatus.PROPOSED)
    if isinstance(rec, Rejection):
        return rec
    t = rec.terms
    if cmd.account_id != t.buyer:
        return Rejection(
            Code.NOT_PERMITTED, f"repo {cmd.repo_id} is offered to {t.buyer}", "account_id"
        )
    return _leg(m, cmd.repo_id, 1, t.seller, t.buyer, t.price, t, ctx)


def repurchase_repo(m: MarketState, cmd: RepurchaseRepo, ctx: Ctx) -> Result:
    rec = _repo(m, cmd.repo_id, RepoStatus.OPEN)
    if isinstance(rec, Rejection):
        return rec
    t = rec.terms
    today = ctx.now.astimezone(m.rules.calendar.tz).date().isoformat()
    if today < t.repurchase_date:
        return Rejection(
            Code.INVALID_STATE,
            f"repo {cmd.repo_id} is repurchased on {t.repurchase_date}, today is {today}",
            "repo_id",
        )
    return _leg(m, cmd.repo_id, 2, t.buyer, t.seller, t.repurchase_price, t, ctx)


def register(handlers: dict[type, Handler], appliers: dict[type, Applier]) -> None:
    from openets.market import apply_part

    handlers.update(
        {
            RegisterPledge: register_pledge,
            RepayPledge: repay_pledge,
            RequestPledgeEnforcement: request_enforcement,
            DecidePledgeEnforcement: decide_enforcement,
            ProposeRepo: propose_repo,
            CancelRepo: cancel_repo,
            AcceptRepo: accept_repo,
            RepurchaseRepo: repurchase_repo,
        }
    )
    for ev_t, fn in APPLIERS.items():
        appliers[ev_t] = apply_part("finance", fn)
