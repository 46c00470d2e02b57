"""Read the market's state into response bodies (called in the event loop or the writer)."""

from __future__ import annotations

from openets.api.schemas.common import yuan
from openets.api.schemas.funds import BalancesOut
from openets.api.schemas.registry import (
    AccountPublic,
    HoldingOut,
    PostingOut,
    RequestOut,
    TxOut,
)
from openets.clearing.funds import FundBucket
from openets.market import MarketState
from openets.registry.events import ApprovalRequested, LedgerPosted
from openets.registry.model import BUCKET_NAMES, Account, Posting
from openets.registry.service import StatusChangeRequested


def holdings(state: MarketState, account_id: str) -> list[HoldingOut]:
    out = []
    for product, b in sorted(state.registry.holdings_of(account_id)):
        if any(b):
            out.append(
                HoldingOut(
                    product=product,
                    available=b[0],
                    locked=b[1],
                    pending=b[2],
                    pledged=b[3],
                    frozen=b[4],
                    total=sum(b),
                )
            )
    return out


def account_public(state: MarketState, acct: Account) -> AccountPublic:
    return AccountPublic(
        account_id=acct.account_id,
        subject_type=acct.subject_type.value,
        name=acct.name,
        id_code=acct.id_code,
        province=acct.province,
        status=acct.status.value,
        system_role=acct.system_role.value if acct.system_role is not None else None,
        opened_at=acct.opened_at,
        holdings=holdings(state, acct.account_id),
    )


def postings_out(postings: tuple[Posting, ...]) -> list[PostingOut]:
    return [
        PostingOut(
            account_id=p.account_id,
            product=p.product,
            bucket=BUCKET_NAMES[p.bucket],
            delta=p.delta,
        )
        for p in postings
    ]


def tx_out(ev: LedgerPosted) -> TxOut:
    return TxOut(
        tx_id=ev.tx_id,
        tx_type=ev.tx_type.value,
        postings=postings_out(ev.postings),
        ref=ev.ref,
        memo=ev.memo,
    )


def request_out(
    req: ApprovalRequested,
    status: str = "pending",
    approver: str | None = None,
    tx_id: str | None = None,
) -> RequestOut:
    return RequestOut(
        request_id=req.request_id,
        kind=req.kind,
        status=status,  # type: ignore[arg-type]
        initiator=req.initiator,
        postings=postings_out(req.postings),
        ref=req.ref,
        memo=req.memo,
        approver=approver,
        tx_id=tx_id,
    )


def status_request_out(
    req: StatusChangeRequested, status: str = "pending", approver: str | None = None
) -> RequestOut:
    """An account status request (activate, restrict, close) as a four-eyes request."""
    return RequestOut(
        request_id=req.request_id,
        kind=req.action,
        status=status,  # type: ignore[arg-type]
        initiator=req.initiator,
        postings=[],
        ref=req.account_id,
        memo=req.reason,
        approver=approver,
        account_id=req.account_id,
        new_status=req.new.value,
    )


def balances(state: MarketState, account_id: str) -> BalancesOut:
    b = state.funds.of(account_id)
    return BalancesOut(
        account_id=account_id,
        available=yuan(b[FundBucket.AVAILABLE]),
        locked=yuan(b[FundBucket.LOCKED]),
        withdrawable=yuan(state.funds.withdrawable(account_id)),
        receivable=yuan(b[FundBucket.RECEIVABLE]),
        pending_withdrawal=yuan(b[FundBucket.PENDING_WITHDRAWAL]),
    )
