"""Accounts over their whole life, with four eyes: a registry operator asks to activate, restrict
or close an account, or to claw allowances back; a different operator approves or rejects.

- ``RequestAccountStatus`` → ``StatusChangeRequested``; ``DecideAccountStatus`` →
  ``StatusChangeDecided`` and, when approved, the registry's ``AccountStatusChanged``. The move
  is checked when asked and again when approved (the account may have changed in between):
  applied → active → restricted (and back) → closing → closed; an account still holding
  allowances is not closed.
- ``RequestClawBack`` → the registry's own four-eyes request (kind ``clawback``): the
  registry's ``Decide`` posts it from the account back to ``@ISSUED``.

The pending status requests live in this part; the registry's requests in the registry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from openets.domain.checks import check_types
from openets.domain.messages import Command, Ctx, Event, Result
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState, apply_part
from openets.registry import close_guard as account_close
from openets.registry import commands as rc
from openets.registry import handlers as reg
from openets.registry.account_handlers import change_status
from openets.registry.events import AccountStatusChanged, ApprovalRequested
from openets.registry.model import ISSUED, AccountStatus, Bucket, Posting, TxType

ACTIONS = ("activate", "restrict", "close")


@dataclass(frozen=True, slots=True)
class RequestAccountStatus(Command):
    account_id: str
    action: str
    """``activate``, ``restrict`` or ``close``."""
    reason: str


@dataclass(frozen=True, slots=True)
class DecideAccountStatus(Command):
    request_id: str
    approve: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RequestClawBack(Command):
    account_id: str
    product: str
    quantity: int
    reason: str


@dataclass(frozen=True, slots=True)
class StatusChangeRequested(Event):
    request_id: str
    account_id: str
    action: str
    old: AccountStatus
    new: AccountStatus
    initiator: str
    reason: str
    requested_at: str


@dataclass(frozen=True, slots=True)
class StatusChangeDecided(Event):
    request_id: str
    approver: str
    approved: bool
    reason: str


@dataclass(slots=True)
class AccountRequests:
    pending: dict[str, StatusChangeRequested] = field(default_factory=dict)
    decided: list[tuple[str, str, bool]] = field(default_factory=list)
    """(request id, approver, approved), oldest first."""

    def canonical(self) -> dict[str, Any]:
        return {
            "pending": [
                [r.request_id, r.account_id, r.action, str(r.old), str(r.new), r.initiator,
                 r.reason]
                for r in self.pending.values()
            ],
            "decided": [list(d) for d in self.decided],
        }  # fmt: skip


def part(m: MarketState) -> AccountRequests:
    p: AccountRequests = m.account_requests
    return p


def _target(status: AccountStatus, action: str) -> AccountStatus:
    if action == "activate":
        return AccountStatus.ACTIVE
    if action == "restrict":
        return AccountStatus.RESTRICTED
    if status in (AccountStatus.CLOSING, AccountStatus.APPLIED):
        return AccountStatus.CLOSED
    return AccountStatus.CLOSING


def _registry_change(m: MarketState, cmd: rc.ChangeAccountStatus, ctx: Ctx) -> Result:
    return change_status(m.registry, cmd, ctx)


_move = account_close.guard_close(_registry_change)
"""The registry's status move with the same close guard as its own command (money, orders)."""


def request_status(m: MarketState, cmd: RequestAccountStatus, ctx: Ctx) -> Result:
    if cmd.action not in ACTIONS:
        return Rejection(
            Code.INVALID_FIELD,
            f"action must be one of {', '.join(ACTIONS)}, was {cmd.action!r}",
            "action",
        )
    if not cmd.reason.strip():
        return Rejection(Code.INVALID_FIELD, "a reason is required", "reason")
    acct = m.registry.accounts.get(cmd.account_id)
    if acct is None or acct.system_role is not None:
        return Rejection(
            Code.UNKNOWN_ACCOUNT, f"no participant account {cmd.account_id!r}", "account_id"
        )
    for r in part(m).pending.values():
        if r.account_id == cmd.account_id:
            return Rejection(
                Code.DUPLICATE,
                f"request {r.request_id} to {r.action} {cmd.account_id} is still pending",
                "account_id",
            )
    new = _target(acct.status, cmd.action)
    check = _move(m, rc.ChangeAccountStatus(acct.account_id, new, ""), ctx)
    if isinstance(check, Rejection):
        return check
    return (
        StatusChangeRequested(
            ctx.ids.next("RQ"),
            acct.account_id,
            cmd.action,
            acct.status,
            new,
            ctx.actor,
            cmd.reason.strip(),
            ctx.now.isoformat(),
        ),
    )


def decide_status(m: MarketState, cmd: DecideAccountStatus, ctx: Ctx) -> Result:
    req = part(m).pending.get(cmd.request_id)
    if req is None:
        return Rejection(
            Code.UNKNOWN_TRANSACTION, f"no pending request {cmd.request_id!r}", "request_id"
        )
    if req.initiator == ctx.actor:
        return Rejection(
            Code.SAME_PERSON_APPROVAL,
            f"request {cmd.request_id} was made by {ctx.actor}; a different person must decide it",
            "request_id",
        )
    decided = StatusChangeDecided(cmd.request_id, ctx.actor, cmd.approve, cmd.reason)
    if not cmd.approve:
        return (decided,)
    memo = f"{req.action}: {req.reason} (asked by {req.initiator}, approved by {ctx.actor})"
    moved = _move(m, rc.ChangeAccountStatus(req.account_id, req.new, memo), ctx)
    if isinstance(moved, Rejection):
        return moved
    return (decided, *moved)


def request_clawback(m: MarketState, cmd: RequestClawBack, ctx: Ctx) -> Result:
    check = reg.claw_back(
        m.registry, rc.ClawBack(cmd.account_id, cmd.product, cmd.quantity, cmd.reason), ctx
    )
    if isinstance(check, Rejection):
        return check
    if not cmd.reason.strip():
        return Rejection(Code.INVALID_FIELD, "a reason is required", "reason")
    postings = (
        Posting(cmd.account_id, cmd.product, Bucket.AVAILABLE, -cmd.quantity),
        Posting(ISSUED, cmd.product, Bucket.AVAILABLE, cmd.quantity),
    )
    return (
        ApprovalRequested(
            ctx.ids.next("RQ"),
            "clawback",
            ctx.actor,
            TxType.CLAWBACK,
            postings,
            "",
            cmd.reason.strip(),
        ),
    )


def _apply(p: AccountRequests, ev: StatusChangeRequested | StatusChangeDecided) -> None:
    if isinstance(ev, StatusChangeRequested):
        p.pending[ev.request_id] = ev
    elif isinstance(ev, StatusChangeDecided):
        del p.pending[ev.request_id]
        p.decided.append((ev.request_id, ev.approver, ev.approved))


C = TypeVar("C", bound=Command)


def _typed(fn: Callable[[MarketState, C, Ctx], Result]) -> Callable[[MarketState, C, Ctx], Result]:
    """Refuse a command whose fields are not of their declared types, then run ``fn``."""

    @functools.wraps(fn)
    def h(m: MarketState, cmd: C, ctx: Ctx) -> Result:
        bad = check_types(cmd)
        return bad if bad is not None else fn(m, cmd, ctx)

    return h


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    handlers[RequestAccountStatus] = _typed(request_status)
    handlers[DecideAccountStatus] = _typed(decide_status)
    handlers[RequestClawBack] = _typed(request_clawback)
    for ev_t in (StatusChangeRequested, StatusChangeDecided):
        appliers[ev_t] = apply_part("account_requests", _apply)


__all__ = [
    "AccountRequests",
    "AccountStatusChanged",
    "DecideAccountStatus",
    "RequestAccountStatus",
    "RequestClawBack",
    "StatusChangeDecided",
    "StatusChangeRequested",
]
