"""Closing an account: refused while another context still has something open for it.

The registry refuses a close while the account holds allowances or is named in a pending
request (:func:`openets.registry.checks.check_closable`); this guard adds money (a fund
balance), fund instructions the bank has not settled, open listings and unsettled trades.
"""

from __future__ import annotations

from openets.clearing import port as clearing_port
from openets.domain.messages import Ctx, Result
from openets.domain.rejection import Code, Rejection
from openets.market import Handler, MarketState
from openets.registry import commands as rc
from openets.registry.model import AccountStatus
from openets.trading import port as trading_port


def open_requests(m: MarketState, account_id: str) -> list[str]:
    """What is still open for ``account_id`` outside the registry, in words (asked of clearing
    and trading through their ports)."""
    return clearing_port.open_for_account(m, account_id) + trading_port.open_for_account(
        m, account_id
    )


def guard_close(inner: Handler[rc.ChangeAccountStatus]) -> Handler[rc.ChangeAccountStatus]:
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
