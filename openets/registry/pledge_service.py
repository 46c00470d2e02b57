"""Pledges of allowances (碳质押, reference §10): the registry's use cases.

A participant pledges allowances to a lender: the quantity moves to the pledged bucket of the
pledgor's account (a registry-level freeze with the pledgee recorded). On repayment it is
released; on default, a registry operator asks for the transfer to the lender and a *different*
operator approves it (four-eyes), which moves the tonnes from the pledgor's pledged bucket to
the lender's available bucket. Only the registry's balances move; the agreement itself is
recorded in :mod:`openets.supervision.finance` (``MarketState.finance``).

The approved enforcement is a transfer and is guarded as one where the tables are composed
(:mod:`openets.composition`: the accounts' status and restrictions, the lender's position limit);
a judicial freeze of the pledgor stops it (the court deducts by its own order). Repayment only
releases tonnes inside the pledgor's account and is not guarded.
"""

from __future__ import annotations

from openets.domain.checks import check_int, check_text, checked_day
from openets.domain.messages import Ctx, Result
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState
from openets.registry.events import LedgerPosted
from openets.registry.handlers import move
from openets.registry.model import Bucket, Posting, TxType
from openets.registry.validate import check_enough, check_product, get_usable_account
from openets.supervision.port import (
    PLEDGE_EVENTS,
    DecidePledgeEnforcement,
    PledgeEnforcementDecided,
    PledgeEnforcementRequested,
    PledgeRecord,
    PledgeRegistered,
    PledgeReleased,
    PledgeStatus,
    RegisterPledge,
    RepayPledge,
    RequestPledgeEnforcement,
    finance_appliers,
    pledge,
)


def register_pledge(m: MarketState, cmd: RegisterPledge, ctx: Ctx) -> Result:
    reg = m.registry
    r = (
        check_product(cmd.product)
        or check_int(cmd.quantity, "quantity", Code.INVALID_QUANTITY, "whole tonnes")
        or check_int(cmd.loan_fen, "loan_fen", Code.INVALID_AMOUNT, "an amount in fen")
        or check_text(cmd.reference, "reference")
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
    due = checked_day(cmd.maturity, "maturity")
    if isinstance(due, Rejection):
        return due
    today = ctx.now.astimezone(m.rules.calendar.tz).date()
    if due <= today:  # a loan already due cannot be secured
        return Rejection(
            Code.INVALID_FIELD, f"maturity {due} is not after today {today}", "maturity"
        )
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
    rec = pledge(m, pledge_id)
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
    r = check_text(cmd.reason, "reason")
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


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    """The pledge commands and the appliers of the pledges' events."""
    handlers[RegisterPledge] = register_pledge
    handlers[RepayPledge] = repay_pledge
    handlers[RequestPledgeEnforcement] = request_enforcement
    handlers[DecidePledgeEnforcement] = decide_enforcement
    appliers.update(finance_appliers(PLEDGE_EVENTS))
