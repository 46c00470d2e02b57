"""Supervision's service: risk limits and measures, restrictions, links, scans.

The checks other contexts ask (position limit, account restriction) are supervision's port,
:mod:`openets.supervision.port`; the guards built from them are composed around the other
contexts' handlers where the table is written (:mod:`openets.composition`). Allocations,
which position limits of covered entities add to, are tallied from the registry's ledger
events by an applier chained after the registry's own.

Commands that need only supervision's own state (rules, alerts, cases, large-holder reports)
are handled in :mod:`openets.supervision.handlers`; this module adds those that read the
registry or the trading state.

A surveillance run (:func:`openets.ops.surveillance.run_surveillance`, which drives the
engine) reads one day from the journal, runs the pure detectors and journals the run and its
new alerts with :class:`~openets.supervision.messages.RecordAlerts`.
"""

from __future__ import annotations

from collections.abc import Callable

from openets.domain.messages import Ctx, Event, Result
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, C, Handler, HandlerTable, MarketState
from openets.registry import port as registry_port
from openets.registry.port import (
    AccountStatus,
    AccountStatusChanged,
    ApprovalRequested,
    LedgerPosted,
    Posting,
    SystemRole,
    TxType,
)
from openets.supervision import messages as sm
from openets.supervision.handlers import HANDLERS, authority_field, text_field
from openets.supervision.port import check_account_restriction as check_account_restriction
from openets.supervision.port import check_position_limit as check_position_limit
from openets.supervision.port import risk_rules, sup
from openets.supervision.state import APPLIERS
from openets.trading import port as trading_port
from openets.trading.port import (
    AUCTION_OPEN,
    InstrumentStatusChanged,
    TradeExecuted,
    bid_withdrawal,
    cancellation,
    release_listing,
)

ALLOCATION_ROLES = frozenset({SystemRole.NATIONAL_ALLOCATION, SystemRole.PROVINCIAL_ALLOCATION})


def _exposures(m: MarketState) -> dict[tuple[str, str], int]:
    """Every participant's position per product (one pass over holdings, trades, listings)."""
    out: dict[tuple[str, str], int] = {}
    for acct, prod, tonnes in registry_port.participant_holdings(m):
        out[(acct, prod)] = tonnes
    product = {i.code: i.product for i in trading_port.instruments(m)}
    for x in trading_port.unsettled_trades(m):
        p = product[x.instrument]
        out[(x.buyer, p)] = out.get((x.buyer, p), 0) + x.quantity
        out[(x.seller, p)] = out.get((x.seller, p), 0) - x.quantity
    for acct, code, resting in trading_port.resting_buys(m):
        k = (acct, product[code])
        out[k] = out.get(k, 0) + resting
    return out


def large_holder_events(m: MarketState, ctx: Ctx) -> tuple[Event, ...]:
    """Report obligations for positions that reached their threshold; clear those now below."""
    rr = risk_rules(m)
    st = sup(m)
    events: list[Event] = []
    now = ctx.now.isoformat()
    for (acct, prod), pos in sorted(_exposures(m).items()):
        a = registry_port.account(m, acct)
        limit = rr.reporting_threshold(a.subject_type.value) if a is not None else None
        if limit is None:
            continue
        threshold = limit.of(st.allocation(acct, prod))
        above = (acct, prod) in st.above
        if pos >= threshold and not above:
            oid = ctx.ids.next("LH")
            events.append(
                sm.LargeHolderReportRequired(oid, acct, prod, pos, threshold, rr.source, now)
            )
        elif pos < threshold and above:
            events.append(sm.LargeHolderBelowThreshold(acct, prod, pos, threshold, now))
    return tuple(events)


# --- handlers: rules and measures ---------------------------------------------------------------


def _participant(m: MarketState, account_id: object, field: str = "account_id") -> Rejection | None:
    a = registry_port.account(m, account_id)
    if a is None or a.system_role is not None:
        return Rejection(Code.UNKNOWN_ACCOUNT, f"no participant account {account_id!r}", field)
    return None


def _instrument(m: MarketState, code: object, field: str = "instrument") -> Rejection | None:
    if trading_port.instrument(m, code) is None:
        return Rejection(Code.UNKNOWN_INSTRUMENT, f"no instrument {code!r}", field)
    return None


def issue_warning(m: MarketState, cmd: sm.IssueRiskWarning, ctx: Ctx) -> Result:
    r = (
        text_field(cmd.text, "text")
        or authority_field(cmd.authority)
        or (_participant(m, cmd.account_id) if cmd.account_id else None)
        or (_instrument(m, cmd.instrument) if cmd.instrument else None)
    )
    if r:
        return r
    return (
        sm.RiskWarningIssued(
            ctx.ids.next("RW"),
            cmd.account_id,
            cmd.instrument,
            cmd.text.strip(),
            sm.Authority(cmd.authority),
            ctx.actor,
            ctx.now.isoformat(),
        ),
    )


def restrict_account(m: MarketState, cmd: sm.RestrictAccount, ctx: Ctx) -> Result:
    r = (
        _participant(m, cmd.account_id)
        or text_field(cmd.reason, "reason")
        or authority_field(cmd.authority)
    )
    if r:
        return r
    if not isinstance(cmd.trading, bool) or not isinstance(cmd.transfer, bool):
        return Rejection(Code.INVALID_FIELD, "trading and transfer must be true or false", None)
    cur = sup(m).restrictions.get(cmd.account_id)
    now = (cur.trading, cur.transfer) if cur else (False, False)
    if now == (cmd.trading, cmd.transfer):
        return ()
    restricted = sm.AccountRestrictionSet(
        cmd.account_id,
        cmd.trading,
        cmd.transfer,
        cmd.reason.strip(),
        sm.Authority(cmd.authority),
        ctx.actor,
        ctx.now.isoformat(),
    )
    if not cmd.trading or now[0]:
        return (restricted,)
    why = f"restricted from trading by the {restricted.authority.value}: {restricted.reason}"
    return (restricted, *withdraw_resting(m, cmd.account_id, why, ctx))


def withdraw_resting(m: MarketState, account_id: str, why: str, ctx: Ctx) -> tuple[Event, ...]:
    """Everything of ``account_id`` that could still trade without it asking, taken back with
    its locks: resting listings and continuous orders (cancelled with ``why``), bids and offers
    in open auctions (withdrawn), open auctions it initiated (called off with ``why``). Its
    block requests and quotes stay, but no confirmation can trade them (both parties of a block
    confirmation must be allowed to trade)."""
    events: list[Event] = []
    for lst in trading_port.listings_of(m, account_id):
        events += release_listing(m, lst, why, ctx)
    for _, a in sorted(trading_port.auctions(m).items()):
        if a.status != AUCTION_OPEN:
            continue
        if a.spec.initiator == account_id:
            events += cancellation(m, a, why, ctx)
            continue
        for bid_id, bid in sorted(a.bids.items()):
            if bid.bidder == account_id:
                events += bid_withdrawal(m, a, bid_id, ctx)
    return tuple(events)


def _suspend(
    m: MarketState,
    code: str,
    suspended: bool,
    cmd: sm.SuspendInstrument | sm.ResumeInstrument,
    ctx: Ctx,
) -> Result:
    r = _instrument(m, code) or text_field(cmd.reason, "reason") or authority_field(cmd.authority)
    if r:
        return r
    inst = trading_port.instrument(m, code)
    if inst is not None and inst.suspended == suspended:
        return ()
    return (
        InstrumentStatusChanged(code, suspended, cmd.reason.strip()),
        sm.SuspensionOrdered(
            code,
            suspended,
            cmd.reason.strip(),
            sm.Authority(cmd.authority),
            ctx.actor,
            ctx.now.isoformat(),
        ),
    )


def suspend(m: MarketState, cmd: sm.SuspendInstrument, ctx: Ctx) -> Result:
    return _suspend(m, cmd.instrument, True, cmd, ctx)


def resume(m: MarketState, cmd: sm.ResumeInstrument, ctx: Ctx) -> Result:
    return _suspend(m, cmd.instrument, False, cmd, ctx)


def link_accounts(m: MarketState, cmd: sm.LinkAccounts, ctx: Ctx) -> Result:
    r = text_field(cmd.group_id, "group_id") or text_field(cmd.reason, "reason")
    if r:
        return r
    if not isinstance(cmd.account_ids, tuple) or not cmd.account_ids:
        return Rejection(
            Code.INVALID_FIELD, f"account_ids must list accounts, was {cmd.account_ids!r}", None
        )
    for i, a in enumerate(cmd.account_ids):
        r = _participant(m, a, f"account_ids[{i}]")
        if r:
            return r
    groups = sup(m).groups
    members = {a for a, g in groups.items() if g == cmd.group_id} | set(cmd.account_ids)
    if len(members) < 2:
        return Rejection(
            Code.INVALID_FIELD,
            f"a link group needs at least two different accounts; group {cmd.group_id!r} "
            f"would hold only {sorted(members)}",
            "account_ids",
        )
    if all(groups.get(a) == cmd.group_id for a in cmd.account_ids):
        return ()
    return (sm.AccountsLinked(cmd.group_id, tuple(cmd.account_ids), cmd.reason, ctx.actor),)


def guard_unlink(inner: Handler[sm.UnlinkAccounts]) -> Handler[sm.UnlinkAccounts]:
    """``inner``, refused first for an account the registry does not know."""

    def guarded(m: MarketState, cmd: sm.UnlinkAccounts, ctx: Ctx) -> Result:
        ids = cmd.account_ids if isinstance(cmd.account_ids, tuple) else ()
        for i, a in enumerate(ids):
            r = _participant(m, a, f"account_ids[{i}]")
            if r:
                return r
        return inner(m, cmd, ctx)

    return guarded


BARRED = frozenset({AccountStatus.RESTRICTED, AccountStatus.FROZEN})
"""Registry statuses under which an account may not trade (its resting orders leave)."""


def withdraw_when_barred(inner: Handler[C]) -> Handler[C]:
    """``inner``, and when it restricts or freezes an account (an ``AccountStatusChanged`` of
    the registry's status change, direct or approved), the account's resting listings, orders,
    bids and auctions are taken back with their locks, the reason journaled
    (:func:`withdraw_resting`)."""

    def guarded(m: MarketState, cmd: C, ctx: Ctx) -> Result:
        r = inner(m, cmd, ctx)
        if isinstance(r, Rejection):
            return r
        barred = [e for e in r if isinstance(e, AccountStatusChanged) and e.new in BARRED]
        if not barred:
            return r
        out = list(r)
        for e in barred:
            why = f"account {e.account_id} {e.new.value} by the registry: {e.reason}"
            out += withdraw_resting(m, e.account_id, why, ctx)
        return tuple(out)

    return guarded


def limit_block_buyer(inner: Handler[C]) -> Handler[C]:
    """``inner`` (a block confirmation), refused when its trade would take the buyer over its
    position limit (open block requests and quotes are not counted in a position: the trade
    is checked when it is agreed)."""

    def guarded(m: MarketState, cmd: C, ctx: Ctx) -> Result:
        r = inner(m, cmd, ctx)
        if isinstance(r, Rejection):
            return r
        for e in r:
            if isinstance(e, TradeExecuted):
                product = trading_port.product_of(m, e.instrument)
                over = check_position_limit(m, e.buyer, product, e.quantity)
                if over:
                    return over
        return r

    return guarded


def limit_transfer_receiver(inner: Handler[C]) -> Handler[C]:
    """``inner`` (a transfer's request or its approval), refused when the allowances it moves
    in would take the receiver over its position limit. A transfer from an allocation account
    is allocation: it raises an allocation-based limit as much as the position."""

    def guarded(m: MarketState, cmd: C, ctx: Ctx) -> Result:
        r = inner(m, cmd, ctx)
        if isinstance(r, Rejection) or not risk_rules(m).position:  # no limit in force
            return r
        for e in r:
            if isinstance(e, ApprovalRequested | LedgerPosted) and e.tx_type is TxType.TRANSFER:
                over = _over_on_receipt(m, e.postings)
                if over:
                    return over
        return r

    return guarded


def _over_on_receipt(m: MarketState, postings: tuple[Posting, ...]) -> Rejection | None:
    allocation = False
    for p in postings:
        if p.delta < 0:
            a = registry_port.account(m, p.account_id)
            if a is not None and a.system_role in ALLOCATION_ROLES:
                allocation = True
                break
    for p in postings:
        if p.delta > 0:
            over = check_position_limit(
                m,
                p.account_id,
                p.product,
                p.delta,
                what="this transfer",
                allocated=p.delta if allocation else 0,
            )
            if over:
                return over
    return None


# --- handlers: surveillance and cases -----------------------------------------------------------


def scan_positions(m: MarketState, cmd: sm.ScanPositions, ctx: Ctx) -> Result:
    return large_holder_events(m, ctx)


# --- guards and tallies on other contexts' messages ---------------------------------------------


def tally_allocation(m: MarketState, ev: LedgerPosted) -> None:
    """Allocation received: issuances and transfers from allocation accounts, less claw-backs
    (and their corrections)."""
    kind = ev.tx_type
    if kind is TxType.CORRECTION:
        orig = registry_port.transaction(m, ev.ref)
        kind = orig.tx_type if orig is not None else kind
    if kind is TxType.TRANSFER:
        for p in ev.postings:  # from an allocation account? (most transfers are not)
            acct = registry_port.account(m, p.account_id)
            if acct is not None and acct.system_role in ALLOCATION_ROLES:
                break
        else:
            return
    elif kind not in (TxType.ISSUANCE, TxType.CLAWBACK):
        return
    st = sup(m)
    for p in ev.postings:
        a = registry_port.account(m, p.account_id)
        if a is not None and a.system_role is None:
            st.add_allocation(p.account_id, p.product, p.delta)


_TALLIED = frozenset({TxType.TRANSFER, TxType.ISSUANCE, TxType.CLAWBACK, TxType.CORRECTION})
"""The transaction types :func:`tally_allocation` may count (a correction, by what it reverses)."""


def _bind_tally_allocation(m: MarketState) -> Callable[[LedgerPosted], None]:
    """:func:`tally_allocation` for replay: a transfer between accounts of no allocation role
    (most of them) is passed over with the accounts looked up directly."""
    account = registry_port.account_lookup(m)
    transfer = TxType.TRANSFER
    roles = ALLOCATION_ROLES
    tallied = _TALLIED

    def run(ev: LedgerPosted) -> None:
        if ev.tx_type not in tallied:  # a lock, an unlock, a delivery...: nothing to tally
            return
        if ev.tx_type is transfer:
            for p in ev.postings:
                a = account(p.account_id)
                if a is not None and a.system_role in roles:
                    break
            else:
                return
        tally_allocation(m, ev)

    return run


tally_allocation.bind = _bind_tally_allocation  # type: ignore[attr-defined]


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    from openets.market import apply_part, part

    handlers[sm.IssueRiskWarning] = issue_warning
    handlers[sm.RestrictAccount] = restrict_account
    handlers[sm.SuspendInstrument] = suspend
    handlers[sm.ResumeInstrument] = resume
    handlers[sm.LinkAccounts] = link_accounts
    handlers[sm.ScanPositions] = scan_positions
    for cmd_t, h in HANDLERS.items():
        handlers[cmd_t] = part("supervision", h)
    for ev_t, fn in APPLIERS.items():
        appliers[ev_t] = apply_part("supervision", fn)
