"""Closing an account: refused while another context still has something open for it.

The registry refuses a close while the account holds allowances or is named in a pending
request (:func:`openets.registry.checks.check_closable`); this guard adds money (a fund
balance), fund instructions the bank has not settled, open listings and unsettled trades.
"""

from __future__ import annotations

from openets.domain.messages import Ctx, Result
from openets.domain.money import format_yuan
from openets.domain.rejection import Code, Rejection
from openets.market import Handler, MarketState
from openets.registry import commands as rc
from openets.registry.model import AccountStatus


def open_requests(m: MarketState, account_id: str) -> list[str]:
    """What is still open for ``account_id`` outside the registry, in words."""
    out: list[str] = []
    bal = m.funds.balances.get(account_id)
    if bal and any(bal):
        out.append(f"a fund balance of {format_yuan(sum(bal))} yuan")
    fu = m.funds
    refs = [r for r, (a, _) in fu.withdrawals.items() if a == account_id]
    refs += [r for r, (a, _) in fu.pending_deposits.items() if a == account_id]
    if refs:
        out.append(f"fund instructions {', '.join(sorted(refs))}")
    t = m.trading
    if t is not None:
        listings = sorted(k for k, x in t.listings.items() if x.account_id == account_id)
        if listings:
            out.append(f"open listings {', '.join(listings)}")
        trades = sorted(k for k, x in t.unsettled.items() if account_id in (x.buyer, x.seller))
        if trades:
            out.append(f"unsettled trades {', '.join(trades)}")
    return out


def guard_close(inner: Handler) -> Handler:
    """``inner``, refused first for a close while something is still open for the account."""

    def guarded(m: MarketState, cmd: rc.ChangeAccountStatus, ctx: Ctx) -> Result:
        if cmd.status == AccountStatus.CLOSED:
            left = open_requests(m, cmd.account_id) if isinstance(cmd.account_id, str) else []
            if left:
                return Rejection(
                    Code.OPEN_REQUESTS,
                    f"account {cmd.account_id} still has {'; '.join(left)}; "
                    "settle them before closing",
                    "status",
                )
        return inner(m, cmd, ctx)

    return guarded
