"""Registry command handlers: pure functions from (state, command, ctx) to events or a Rejection
(the ledger's: issuance, transfers, corrections, four-eyes decisions, retirement, bucket moves; the
accounts' own are in :mod:`openets.registry.account_handlers`).

They never change the state; the engine applies the returned events.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from openets.domain.messages import Ctx, Event
from openets.domain.products import CCER_PRE_2017, LEGACY_CCER_FILED_BEFORE, is_ccer
from openets.domain.provinces import PROVINCES as PROVINCES  # re-exported
from openets.domain.rejection import Code, Rejection
from openets.domain.tables import PartTable
from openets.registry import commands as c
from openets.registry.account_handlers import change_status, open_account, open_system_account
from openets.registry.checks import check_postings, check_reversible
from openets.registry.events import (
    AccountOpened,
    AccountStatusChanged,
    ApprovalDecided,
    ApprovalRequested,
    LedgerPosted,
)
from openets.registry.model import (
    ISSUED,
    Bucket,
    Posting,
    SystemRole,
    TxType,
)
from openets.registry.state import RegistryState
from openets.registry.validate import (
    check_enough,
    check_product,
    check_quantity,
    get_account,
    get_usable_account,
)

Result = tuple[Event, ...] | Rejection


def move(
    tx_id: str,
    tx_type: TxType,
    account_id: str,
    prod: str,
    frm: Bucket,
    to: Bucket,
    qty: int,
    ref: str = "",
    memo: str = "",
) -> LedgerPosted:
    """A bucket move inside one account (lock, unlock, freeze, pledge, roll)."""
    return LedgerPosted(
        tx_id,
        tx_type,
        (Posting(account_id, prod, frm, -qty), Posting(account_id, prod, to, qty)),
        ref,
        memo,
    )


def transfer(
    tx_id: str,
    tx_type: TxType,
    src: str,
    dst: str,
    prod: str,
    qty: int,
    *,
    src_bucket: Bucket = Bucket.AVAILABLE,
    dst_bucket: Bucket = Bucket.AVAILABLE,
    ref: str = "",
    memo: str = "",
) -> LedgerPosted:
    return LedgerPosted(
        tx_id,
        tx_type,
        (Posting(src, prod, src_bucket, -qty), Posting(dst, prod, dst_bucket, qty)),
        ref,
        memo,
    )


def _qty_product_account(
    state: RegistryState, account_id: str, prod: str, qty: int, *, moving_out: bool
) -> Rejection | None:
    r = check_quantity(qty) or check_product(prod)
    if r:
        return r
    acct = get_usable_account(state, account_id, moving_out=moving_out)
    return acct if isinstance(acct, Rejection) else None


def _checked(state: RegistryState, ev: LedgerPosted) -> Result:
    """``ev`` if it passes its transaction type's check list."""
    r = check_postings(state, ev.tx_type, ev.postings)
    return r or (ev,)


def _issued_product(cmd: c.Issue | c.RequestIssuance) -> tuple[str, str] | Rejection:
    """(product, memo) of an issue: CCER filed before 2017-03-14 becomes ``CCER-PRE17``."""
    if not cmd.registered_on:
        return cmd.product, cmd.reason
    if not is_ccer(cmd.product):
        return Rejection(
            Code.INVALID_FIELD,
            f"registered_on is the filing date of CCER; {cmd.product} has none",
            "registered_on",
        )
    try:
        day = date.fromisoformat(cmd.registered_on)
    except (TypeError, ValueError):
        return Rejection(
            Code.INVALID_FIELD,
            f"registered_on must be a date YYYY-MM-DD, was {cmd.registered_on!r}",
            "registered_on",
        )
    legacy = day < LEGACY_CCER_FILED_BEFORE
    if cmd.product == CCER_PRE_2017 and not legacy:
        return Rejection(
            Code.INVALID_FIELD,
            f"{CCER_PRE_2017} is CCER filed before {LEGACY_CCER_FILED_BEFORE.isoformat()}; "
            f"registered_on was {cmd.registered_on}",
            "registered_on",
        )
    memo = f"{cmd.reason} (filed {day.isoformat()})"
    return (CCER_PRE_2017 if legacy else cmd.product), memo


def _issuance(
    state: RegistryState, cmd: c.Issue | c.RequestIssuance
) -> tuple[tuple[Posting, ...], str] | Rejection:
    """The postings (``@ISSUED`` → the account) and memo of an issuance that passes its
    transaction type's check list."""
    r = _qty_product_account(state, cmd.account_id, cmd.product, cmd.quantity, moving_out=False)
    if r:
        return r
    issued = _issued_product(cmd)
    if isinstance(issued, Rejection):
        return issued
    product, memo = issued
    postings = (
        Posting(ISSUED, product, Bucket.AVAILABLE, -cmd.quantity),
        Posting(cmd.account_id, product, Bucket.AVAILABLE, cmd.quantity),
    )
    r = check_postings(state, TxType.ISSUANCE, postings)
    return r or (postings, memo)


def issue(state: RegistryState, cmd: c.Issue, ctx: Ctx) -> Result:
    got = _issuance(state, cmd)
    if isinstance(got, Rejection):
        return got
    postings, memo = got
    return (LedgerPosted(ctx.ids.next("TX"), TxType.ISSUANCE, postings, "", memo),)


def request_issuance(state: RegistryState, cmd: c.RequestIssuance, ctx: Ctx) -> Result:
    """An issuance that waits for a different registry operator (``Decide``), who re-runs its
    check list before it posts."""
    got = _issuance(state, cmd)
    if isinstance(got, Rejection):
        return got
    postings, memo = got
    return (
        ApprovalRequested(
            ctx.ids.next("RQ"), "issuance", ctx.actor, TxType.ISSUANCE, postings, "", memo
        ),
    )


def claw_back(state: RegistryState, cmd: c.ClawBack, ctx: Ctx) -> Result:
    r = _qty_product_account(state, cmd.account_id, cmd.product, cmd.quantity, moving_out=False)
    if r is None:
        r = check_enough(
            state, cmd.account_id, cmd.product, Bucket.AVAILABLE, cmd.quantity, "available"
        )
    if r:
        return r
    ev = transfer(
        ctx.ids.next("TX"),
        TxType.CLAWBACK,
        cmd.account_id,
        ISSUED,
        cmd.product,
        cmd.quantity,
        memo=cmd.reason,
    )
    return _checked(state, ev)


def request_transfer(state: RegistryState, cmd: c.RequestTransfer, ctx: Ctx) -> Result:
    r = _qty_product_account(state, cmd.from_account, cmd.product, cmd.quantity, moving_out=True)
    if r:
        return r
    dst = get_usable_account(state, cmd.to_account, "to_account", moving_out=False)
    if isinstance(dst, Rejection):
        return dst
    if cmd.from_account == cmd.to_account:
        return Rejection(
            Code.INVALID_FIELD,
            f"from_account and to_account are both {cmd.to_account}",
            "to_account",
        )
    postings = (
        Posting(cmd.from_account, cmd.product, Bucket.AVAILABLE, -cmd.quantity),
        Posting(cmd.to_account, cmd.product, Bucket.AVAILABLE, cmd.quantity),
    )
    r = _check_request(state, TxType.TRANSFER, postings)
    if r:
        return r
    r = check_enough(
        state, cmd.from_account, cmd.product, Bucket.AVAILABLE, cmd.quantity, "available"
    )
    if r:
        return r
    return (
        ApprovalRequested(
            ctx.ids.next("RQ"), "transfer", ctx.actor, TxType.TRANSFER, postings, "", cmd.reason
        ),
    )


def _check_request(
    state: RegistryState, tx_type: TxType, postings: tuple[Posting, ...]
) -> Rejection | None:
    """The check list of a request's postings, a rejection naming the request's field (the
    fields are worked out only for a rejection: the list is checked again with them)."""
    if check_postings(state, tx_type, postings) is None:
        return None
    return check_postings(state, tx_type, postings, _request_fields(postings))


def _request_fields(postings: tuple[Posting, ...]) -> dict[str, str]:
    """The request field naming each account: the sender ``from_account``, else ``to_account``."""
    out: dict[str, str] = {}
    for p in postings:
        out.setdefault(p.account_id, "from_account" if p.delta < 0 else "to_account")
    return out


def request_correction(state: RegistryState, cmd: c.RequestCorrection, ctx: Ctx) -> Result:
    r = check_reversible(state, cmd.tx_id)
    if r:
        return r
    tx = state.transactions[cmd.tx_id]
    postings = tuple(Posting(p.account_id, p.product, p.bucket, -p.delta) for p in tx.postings)
    r = _check_request(state, TxType.CORRECTION, postings)
    if r:
        return r
    return (
        ApprovalRequested(
            ctx.ids.next("RQ"),
            "correction",
            ctx.actor,
            TxType.CORRECTION,
            postings,
            cmd.tx_id,
            cmd.reason,
        ),
    )


def _postings_fit(state: RegistryState, postings: tuple[Posting, ...]) -> Rejection | None:
    need: dict[tuple[str, str, int], int] = {}
    get = need.get
    for p in postings:
        if p.account_id != ISSUED:
            k = (p.account_id, p.product, p.bucket)  # a Bucket hashes and compares as its int
            need[k] = get(k, 0) + p.delta
    bucket = state.bucket
    for (acct, prod, b), delta in need.items():
        if delta < 0 and bucket(acct, prod)[b] + delta < 0:
            return Rejection(
                Code.INSUFFICIENT_HOLDINGS,
                f"account {acct} has "
                f"{state.bucket(acct, prod)[b]} t of {prod} in "
                f"{Bucket(b).name.lower()}, needs {-delta} t",
                "quantity",
            )
    return None


def decide(state: RegistryState, cmd: c.Decide, ctx: Ctx) -> Result:
    req = state.pending.get(cmd.request_id)
    if req is None:
        return Rejection(
            Code.UNKNOWN_TRANSACTION, f"no pending request {cmd.request_id!r}", "request_id"
        )
    if req.initiator == ctx.actor:
        return Rejection(
            Code.SAME_PERSON_APPROVAL,
            f"request {cmd.request_id} was initiated by "
            f"{ctx.actor}; a different person must decide it",
            "request_id",
        )
    decided = ApprovalDecided(cmd.request_id, ctx.actor, cmd.approve, cmd.reason)
    if not cmd.approve:
        return (decided,)
    # The request's check list again: accounts may have changed status since it was made.
    r = check_reversible(state, req.ref, but=req.request_id) if req.kind == "correction" else None
    r = r or _check_request(state, req.tx_type, req.postings)
    r = r or _postings_fit(state, req.postings)
    if r:
        return r
    return (decided, LedgerPosted(ctx.ids.next("TX"), req.tx_type, req.postings, req.ref, req.memo))


def _retire(
    state: RegistryState,
    role: SystemRole,
    tx_type: TxType,
    account_id: str,
    items: tuple[tuple[str, int], ...],
    ref: str,
    memo: str,
    ctx: Ctx,
) -> Result:
    target = state.system_account(role)
    if target is None:
        return Rejection(
            Code.INVALID_STATE, f"the registry has no {role.value} account yet", "account_id"
        )
    if not items:
        return Rejection(Code.INVALID_FIELD, "items must not be empty", "items")
    postings: list[Posting] = []
    wanted: dict[str, int] = {}
    for i, (prod, qty) in enumerate(items):
        r = _qty_product_account(state, account_id, prod, qty, moving_out=True)
        if r:
            return Rejection(r.code, r.message, f"items[{i}].{r.field}" if r.field else None)
        wanted[prod] = wanted.get(prod, 0) + qty
        postings += [
            Posting(account_id, prod, Bucket.AVAILABLE, -qty),
            Posting(target, prod, Bucket.AVAILABLE, qty),
        ]
    for prod, qty in wanted.items():
        r = check_enough(state, account_id, prod, Bucket.AVAILABLE, qty, "available")
        if r:
            return r
    return _checked(state, LedgerPosted(ctx.ids.next("TX"), tx_type, tuple(postings), ref, memo))


def surrender(state: RegistryState, cmd: c.Surrender, ctx: Ctx) -> Result:
    if isinstance(cmd.compliance_year, bool) or not isinstance(cmd.compliance_year, int):
        return Rejection(
            Code.INVALID_FIELD,
            f"compliance_year must be a year, was {cmd.compliance_year!r}",
            "compliance_year",
        )
    return _retire(
        state,
        SystemRole.SURRENDER,
        TxType.SURRENDER,
        cmd.account_id,
        cmd.items,
        str(cmd.compliance_year),
        "surrender for compliance",
        ctx,
    )


def cancel_voluntarily(state: RegistryState, cmd: c.CancelVoluntarily, ctx: Ctx) -> Result:
    return _retire(
        state,
        SystemRole.CANCELLATION,
        TxType.CANCELLATION,
        cmd.account_id,
        ((cmd.product, cmd.quantity),),
        "",
        cmd.reason,
        ctx,
    )


def _bucket_move(
    state: RegistryState,
    account_id: str,
    prod: str,
    qty: int,
    frm: Bucket,
    to: Bucket,
    tx_type: TxType,
    reason: str,
    ctx: Ctx,
) -> Result:
    r = check_quantity(qty) or check_product(prod)
    if r:
        return r
    acct = get_account(state, account_id)
    if isinstance(acct, Rejection):
        return acct
    r = check_enough(state, account_id, prod, frm, qty, frm.name.lower())
    if r:
        return r
    return (move(ctx.ids.next("TX"), tx_type, account_id, prod, frm, to, qty, memo=reason),)


BUCKET_MOVES: dict[type[Any], tuple[Bucket, Bucket, TxType]] = {
    c.Freeze: (Bucket.AVAILABLE, Bucket.FROZEN, TxType.FREEZE),
    c.Unfreeze: (Bucket.FROZEN, Bucket.AVAILABLE, TxType.UNFREEZE),
    c.Pledge: (Bucket.AVAILABLE, Bucket.PLEDGED, TxType.PLEDGE),
    c.ReleasePledge: (Bucket.PLEDGED, Bucket.AVAILABLE, TxType.RELEASE),
}
"""Commands that move a quantity between two buckets of one account: (from, to, type)."""


def bucket_move(
    state: RegistryState, cmd: c.Freeze | c.Unfreeze | c.Pledge | c.ReleasePledge, ctx: Ctx
) -> Result:
    frm, to, tx_type = BUCKET_MOVES[type(cmd)]
    return _bucket_move(
        state, cmd.account_id, cmd.product, cmd.quantity, frm, to, tx_type, cmd.reason, ctx
    )


HANDLERS = PartTable[RegistryState]()
HANDLERS[c.OpenAccount] = open_account
HANDLERS[c.OpenSystemAccount] = open_system_account
HANDLERS[c.ChangeAccountStatus] = change_status
HANDLERS[c.Issue] = issue
HANDLERS[c.RequestIssuance] = request_issuance
HANDLERS[c.ClawBack] = claw_back
HANDLERS[c.RequestTransfer] = request_transfer
HANDLERS[c.RequestCorrection] = request_correction
HANDLERS[c.Decide] = decide
HANDLERS[c.Surrender] = surrender
HANDLERS[c.CancelVoluntarily] = cancel_voluntarily
for cmd_type in BUCKET_MOVES:
    HANDLERS[cmd_type] = bucket_move

APPLIERS: dict[type[Event], Callable[[RegistryState, Any], None]] = {
    AccountOpened: RegistryState.apply_account_opened,
    AccountStatusChanged: RegistryState.apply_status_changed,
    LedgerPosted: RegistryState.apply_ledger,
    ApprovalRequested: RegistryState.apply_approval_requested,
    ApprovalDecided: RegistryState.apply_approval_decided,
}
