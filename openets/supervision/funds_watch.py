"""Withdrawals the bank paid after the account was barred: recorded, and flagged to the regulator.

A withdrawal is requested while the account may send funds; the bank pays it later and reports
it (``ConfirmWithdrawal``). If the registry restricted or froze the account in between, or the
regulator restricted it from transfers, the report is still recorded: it is the bank's statement
that the money has left the settlement account, and a ledger that refused it would no longer
agree with the bank (the day's reconciliation would break and the sub-account would show money
that is gone). What a market infrastructure does with such a fact is record it and tell the
supervisor, who may follow the money (the court or the regulator that ordered the measure). So
the paid report is posted as usual and an alert, ``withdrawal_paid_while_barred`` (high severity,
the account, the bank's reference as its subject, the amount in fen, the measure), is raised on
the regulator's alert list. A report that the payment failed returns the money to the account:
nothing left, nothing is flagged.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from openets.clearing.port import FundsPosted
from openets.domain.messages import Ctx, Event, Result
from openets.domain.money import format_yuan
from openets.domain.rejection import Rejection
from openets.market import C, Handler, MarketState
from openets.registry import port as registry_port
from openets.registry.port import AccountStatus
from openets.supervision import messages as sm
from openets.supervision.model import Alert, Severity
from openets.supervision.port import sup

DETECTOR = "withdrawal_paid_while_barred"
"""The alert's detector name (not a surveillance detector: raised when the bank's report comes)."""

_BARRED = frozenset({AccountStatus.RESTRICTED, AccountStatus.FROZEN})


def _measure(m: MarketState, account_id: str) -> str | None:
    """What bars ``account_id`` from sending funds, in words, or None."""
    acct = registry_port.account(m, account_id)
    if acct is not None and acct.status in _BARRED:
        return f"{acct.status.value} by the registry"
    r = sup(m).restricted(account_id, "transfer")
    if r is not None:
        return f"restricted from transfers by the {r.authority.value}: {r.reason}"
    return None


def flag_withdrawal_paid_while_barred(inner: Handler[C]) -> Handler[C]:
    """``inner`` (the bank's report of a withdrawal), and when it records a withdrawal paid out
    of an account that is now restricted or frozen (or restricted from transfers), an alert for
    the regulator beside it. The report itself is never refused for the account's status."""

    def guarded(m: MarketState, cmd: C, ctx: Ctx) -> Result:
        r = inner(m, cmd, ctx)
        if isinstance(r, Rejection):
            return r
        out: list[Event] = list(r)
        for e in r:
            if not isinstance(e, FundsPosted) or e.tx_type != "withdrawal":
                continue
            for p in e.postings:
                if p.delta >= 0:
                    continue
                why = _measure(m, p.account_id)
                if why is None:
                    continue
                day = ctx.now.astimezone(ZoneInfo(m.rules.trading.timezone)).date().isoformat()
                alert = Alert(
                    DETECTOR,
                    day,
                    "",
                    (p.account_id,),
                    Severity.HIGH,
                    f"withdrawal {e.ref} of {format_yuan(-p.delta)} yuan paid by the bank "
                    f"after account {p.account_id} was {why}",
                    metrics=(("amount_fen", -p.delta),),
                    evidence_count=1,
                    subject=e.ref,
                )
                out.append(sm.AlertRaised(ctx.ids.next("AL"), e.tx_id, alert))
        return tuple(out)

    return guarded
