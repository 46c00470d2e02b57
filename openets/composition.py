"""How the market is put together: every command's handler and every event's applier, written out.

New command handlers are registered here. Add the context's service module to ``USE_CASES``
(its ``register(handlers, appliers)`` fills a table of its own), or a context's table to
``_context_tables``; a new state part is a field of :class:`openets.market.MarketState`.
Nothing is discovered: the tables are exactly what this module lists, so renaming or reordering
a module cannot change behaviour.

Rules of the composition:

- One handler per command type and one applier per event type. A second claim raises
  :class:`CompositionError` while the tables are built (no override by import order). Where a
  service decides a context's command (the compliance surrender, the fund ledger's commands
  with the participant and limit checks), the context's own entry is left out here, by name.
- Guards are composed here, where the table is written: ``TRANSFER_GUARDS`` refuses a command
  that moves allowances or funds out of an account the registry has restricted or frozen, or the
  regulator or exchange restricted from transfers, or into an account whose status forbids it to
  receive (frozen, applied, closing, closed); ``WRAPPERS`` adds another context's checks to a
  handler (closing an account with money or orders open).
- A handler that needs another context's port is built here with it (``BUILT``: an auction's
  close with supervision's containment reserves).
- Two appliers of one event run in the order written in ``CHAINED``.
- The registry report's compliance section reads the sources listed in
  ``COMPLIANCE_SOURCES`` (the compliance context's obligations by holder).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping
from types import ModuleType
from typing import Any, TypeVar

from openets.audit import service as audit
from openets.clearing import funds
from openets.clearing import repo_service as repos
from openets.clearing import service as money
from openets.clearing import settlement_service as settlement
from openets.compliance import queries as compliance_queries
from openets.compliance import service as compliance
from openets.compliance import service_carry_over as carry_over
from openets.compliance import service_runs as compliance_runs
from openets.domain.messages import Ctx, Result
from openets.engine.core import bind_applier
from openets.identity import service as identity
from openets.market import (
    Applier,
    ApplierTable,
    C,
    Handler,
    HandlerTable,
    MarketState,
    WrapperTable,
    apply_part,
    part,
)
from openets.ops import clock_service as clock
from openets.registry import close_guard as account_close
from openets.registry import commands as rc
from openets.registry import genesis_service as genesis
from openets.registry import handlers as registry
from openets.registry import pledge_service as pledges
from openets.registry import port as registry_port
from openets.registry import service as account_requests
from openets.registry.events import LedgerPosted
from openets.supervision import funds_watch
from openets.supervision import messages as sm
from openets.supervision import reserves_band_service as reserves_band
from openets.supervision import reserves_service as reserves
from openets.supervision import service as supervision
from openets.supervision.port import DecidePledgeEnforcement, PledgeStatus
from openets.supervision.port import pledge as pledge_of
from openets.supervision.reports.registry import ComplianceLine, ComplianceSource
from openets.trading import auction_close_service as auction_close
from openets.trading import auction_service as auction
from openets.trading import block_service as block
from openets.trading import day_service as day
from openets.trading import order_service as orders
from openets.trading import service as trade
from openets.trading.auction_messages import CloseAuction
from openets.trading.block_messages import AcceptBlockQuote

USE_CASES: tuple[ModuleType, ...] = (
    genesis,
    trade,
    orders,
    auction,
    block,
    day,
    settlement,
    money,
    pledges,
    repos,
    compliance,
    compliance_runs,
    carry_over,
    account_requests,
    supervision,
    reserves,
    reserves_band,
    clock,
    identity,
    audit,
)
"""The contexts' service modules (``<context>/service*.py`` and the market-wide ones: audit
checkpoints, the journaled clock); each has ``register(handlers, appliers)``."""

BUILT = HandlerTable()
"""Handlers built here from a context's service and the port it is given."""
BUILT[CloseAuction] = auction_close.closing(reserves)  # the containment reserves act at the close

DECIDED_BY_USE_CASES: frozenset[type] = frozenset(
    {
        rc.Surrender,  # compliance.surrender (falls back to the registry's for other accounts)
        *funds.HANDLERS,  # money: the participant account and the preset's fund limits first
    }
)
"""Commands of a context that a service decides instead of the context's own handler."""

Moves = Callable[[MarketState, Any], Iterable[tuple[str, str, registry_port.Direction]]]
"""The (account, field, direction) of each account a command moves allowances or funds of."""


def _decided_transfer(m: MarketState, cmd: rc.Decide) -> list[tuple[str, str, Any]]:
    """An approved transfer request's accounts: the sender out (named as the request's
    ``from_account``), the receiver in (``to_account``)."""
    postings = registry_port.pending_transfer(m, cmd.request_id) if cmd.approve else ()
    return [
        (p.account_id, "from_account", "out") if p.delta < 0 else (p.account_id, "to_account", "in")
        for p in postings
    ]


def _enforced_pledge(m: MarketState, cmd: DecidePledgeEnforcement) -> list[tuple[str, str, Any]]:
    """An approved enforcement's accounts: the pledgor out (``pledgor``), the lender in
    (``lender``), as a registry transfer's. A creditor's enforcement does not go past a judicial
    freeze: a court's freeze (冻结) of the pledgor's account stops every disposal of what it holds,
    the pledged tonnes included, and the pledgee's priority is then weighed by the court that
    froze it, which deducts by its own order (司法扣划, reference §10: the registry cooperates
    with court freezes and transfers by court order), not by the registry on the lender's
    request. So a frozen pledgor, or a restricted one (it sends nothing), or one the regulator
    restricted from transfers, is refused until the measure is lifted; a lender that may not
    receive is refused too. A refused enforcement stays requested (the decision may be made
    again). Repayment (:class:`RepayPledge`) is not guarded: it releases the tonnes inside the
    pledgor's own account, nothing leaves it, and the account's status still holds them."""
    if not cmd.approve:
        return []
    rec = pledge_of(m, cmd.pledge_id)
    if rec is None or rec.status is not PledgeStatus.DEFAULT_PENDING:
        return []  # the handler names what is wrong
    t = rec.terms
    return [(t.pledgor, "pledgor", "out"), (t.lender, "lender", "in")]


TRANSFER_GUARDS: dict[type, tuple[str, Moves]] = {
    rc.RequestTransfer: (
        "allowances in a transfer",
        lambda m, c: [(c.from_account, "from_account", "out"), (c.to_account, "to_account", "in")],
    ),
    rc.Decide: ("allowances in a transfer", _decided_transfer),
    funds.RequestWithdrawal: (
        "funds in a withdrawal",
        lambda m, c: [(c.account_id, "account_id", "out")],
    ),
    DecidePledgeEnforcement: ("allowances in a pledge's enforcement", _enforced_pledge),
}
"""Commands refused for an account whose status or restriction forbids the move: what the move
is called in the refusal, and the accounts it moves out of and into."""

WRAPPERS = WrapperTable()
"""Handlers wrapped by guards of another context (the first listed innermost; the
``TRANSFER_GUARDS`` go around them all)."""
WRAPPERS[rc.ChangeAccountStatus] = (
    account_close.guard_close,  # no close while money or orders are open
    supervision.withdraw_when_barred,  # a restricted or frozen account's orders leave
)
WRAPPERS[account_requests.DecideAccountStatus] = (supervision.withdraw_when_barred,)  # approved
WRAPPERS[AcceptBlockQuote] = (supervision.limit_block_buyer,)  # the buyer within its limit
WRAPPERS[sm.UnlinkAccounts] = (supervision.guard_unlink,)  # every account the registry knows
WRAPPERS[rc.RequestTransfer] = (supervision.limit_transfer_receiver,)  # the receiver's limit
WRAPPERS[rc.Decide] = (supervision.limit_transfer_receiver,)  # an approved transfer: the same
WRAPPERS[DecidePledgeEnforcement] = (supervision.limit_transfer_receiver,)  # the lender's limit
WRAPPERS[funds.ConfirmWithdrawal] = (funds_watch.flag_withdrawal_paid_while_barred,)  # an alert

CHAINED: dict[type, tuple[Applier, ...]] = {
    LedgerPosted: (
        apply_part("registry", registry.APPLIERS[LedgerPosted]),
        supervision.tally_allocation,
    ),
}
"""Events applied by more than one context, in this order."""


def compliance_by_holder(m: MarketState) -> list[ComplianceLine]:
    """Every entity-year as the compliance context reports it (obligation, surrendered,
    status), by the holder's account."""
    comp = m.compliance
    years = sorted({y for _, y in comp.years} | {y for _, y in comp.reports})
    return [
        ComplianceLine(v.account_id, v.year, v.obligation_t or 0, v.surrendered_t, v.status)
        for y in years
        for v in compliance_queries.obligations(comp, y)
    ]


COMPLIANCE_SOURCES: tuple[ComplianceSource, ...] = (compliance_by_holder,)
"""The sources of the public registry report's compliance section."""


K = TypeVar("K")
V = TypeVar("V")


class CompositionError(RuntimeError):
    """Two handlers claim one command type (or two appliers one event type)."""


def _claim(table: MutableMapping[K, V], entries: Mapping[K, V], source: str) -> None:
    for key, value in entries.items():
        if key in table:
            raise CompositionError(
                f"{getattr(key, '__name__', key)} is claimed twice (again by {source}); "
                "one handler per type"
            )
        table[key] = value


def _context_tables() -> Iterable[tuple[str, HandlerTable, ApplierTable]]:
    """Each context's own handlers and appliers, routed to its part of the state."""
    reg, fund = HandlerTable(), HandlerTable()
    for t, fn in registry.HANDLERS.items():
        reg[t] = part("registry", fn)
    for t, fund_fn in funds.HANDLERS.items():
        fund[t] = part("funds", fund_fn)
    yield "registry", reg, {t: apply_part("registry", a) for t, a in registry.APPLIERS.items()}
    yield "funds", fund, {t: apply_part("funds", a) for t, a in funds.APPLIERS.items()}


def guarded(inner: Handler[C], what: str, moves: Moves) -> Handler[C]:
    """``inner``, refused first when an account's registry status forbids the move
    (ACCOUNT_NOT_ACTIVE: a restricted account sends nothing, a frozen one neither sends nor
    receives) or a supervisory measure restricts the account from transfers out
    (ACCOUNT_RESTRICTED)."""

    statuses = registry_port.MOVE_STATUSES

    def guard(m: MarketState, cmd: C, ctx: Ctx) -> Result:
        lookup = registry_port.account_lookup(m)
        for acct, field, direction in moves(m, cmd):
            # Each account looked up once: a known account whose status allows the move passes
            # at a glance; the full check names what is wrong with any other.
            a = lookup(acct) if type(acct) is str else None
            if a is None or a.status not in statuses[direction]:
                r = registry_port.check_may_move(m, acct, direction, what, field)
                if r:
                    return r
            if direction == "out":
                r = supervision.check_account_restriction(m, acct, "transfer", field)
                if r:
                    return r
        return inner(m, cmd, ctx)

    guard.guarded_by = "transfer restriction"  # type: ignore[attr-defined]
    return guard


def chained(appliers: tuple[Applier, ...]) -> Applier:
    """One applier running ``appliers`` in order (bound once for replay)."""

    def both(m: MarketState, ev: Any) -> None:
        for a in appliers:
            a(m, ev)

    def bind(m: MarketState) -> Callable[[Any], None]:
        bound = [bind_applier(a, m) for a in appliers]
        if len(bound) == 2:  # the common case, without the loop (replay runs it per event)
            first, second = bound

            def run_two(ev: Any) -> None:
                first(ev)
                second(ev)

            return run_two

        def run(ev: Any) -> None:
            for f in bound:
                f(ev)

        return run

    both.bind = bind  # type: ignore[attr-defined]
    return both


def compose(
    use_cases: Iterable[ModuleType] = USE_CASES,
) -> tuple[HandlerTable, ApplierTable]:
    """The handler and applier tables; raises :class:`CompositionError` on a double claim."""
    handlers = HandlerTable()
    appliers: ApplierTable = {}
    for name, hs, aps in _context_tables():
        own = {t: h for t, h in hs.items() if t not in DECIDED_BY_USE_CASES}
        _claim(handlers, own, name)
        _claim(appliers, {t: a for t, a in aps.items() if t not in CHAINED}, name)
    for mod in use_cases:
        mod_handlers, mod_appliers = HandlerTable(), ApplierTable()
        mod.register(mod_handlers, mod_appliers)
        _claim(handlers, mod_handlers, mod.__name__)
        _claim(appliers, mod_appliers, mod.__name__)
    _claim(handlers, BUILT, "BUILT")
    _claim(appliers, {t: chained(fns) for t, fns in CHAINED.items()}, "CHAINED")
    for cmd_t, wraps in WRAPPERS.items():
        for wrap in wraps:
            handlers[cmd_t] = wrap(handlers[cmd_t])
    for cmd_t, (what, moves) in TRANSFER_GUARDS.items():
        handlers[cmd_t] = guarded(handlers[cmd_t], what, moves)
    return handlers, appliers


def build_tables() -> tuple[HandlerTable, ApplierTable]:
    return compose()


def new_state() -> MarketState:
    """An empty market: every part of :class:`MarketState`, empty."""
    return MarketState()
