"""Who may do what: roles, participant permissions, and the one role × action matrix.

Routers call :func:`authorize` with an :class:`Action` and, for account-scoped actions, the
account the request is about. A participant acts only for the one account it is bound to and
only with the permissions it was given; the other roles act market-wide within their duties.

The matrix (``any`` = every account, ``own`` = only the bound account, with the permission
named in :data:`PARTICIPANT_PERMISSION`; a blank cell is refused with 403 ``NOT_PERMITTED``):

======================  ===========  ========  ========  =========  ========
Action                  participant  registry  exchange  regulator  verifier
======================  ===========  ========  ========  =========  ========
users.create                         any
users.view                           any
users.approve                        any
users.disable                        any
users.role                           any
users.mfa_reset                      any
account.open                         any
account.view            own (view)   any       any       any
account.list            own (view)   any       any       any
registry.issue                       any
registry.transfer                    any
registry.decide                      any
registry.correct                     any
registry.freeze                      any
registry.surrender      own (surr.)
registry.report                      any                 any
registry.statement      own (view)   any       any       any
funds.deposit           own (funds)
funds.withdraw          own (funds)
funds.view              own (view)   any       any       any
ops.clock_advance                              any
ops.eod                                        any
trading.trade           own (trade)
trading.view_listings   own (view)   any       any       any
trading.admin                                  any
compliance.view         own (view)   any                 any        any
compliance.verify                                                   any
compliance.register                  any
compliance.submit       own (surr.)
compliance.approve                                       any
compliance.allocate                                      any
compliance.penalize                                      any
supervision.view                                         any
trading.instrument_st.                         any       any
market.listings         any                    any       any
compliance.report                                        any
supervision.act                                          any
supervision.measure                            any       any
supervision.lh_file     own (trade)
======================  ===========  ========  ========  =========  ========

(Shortened in the table: ``trading.instrument_status`` and ``supervision.large_holder_file``.)

Reading public market data (instruments, depth, trades, reports, the clock, health) needs no
action. Trading, compliance and supervision rows are here so their routers reuse the matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from openets.api.errors import ApiError
from openets.domain.rejection import Code


class Role(StrEnum):
    PARTICIPANT = "participant"
    REGISTRY_OPERATOR = "registry_operator"
    EXCHANGE_OPERATOR = "exchange_operator"
    REGULATOR = "regulator"
    VERIFIER = "verifier"
    SETTLEMENT_BANK = "settlement_bank"
    """The settlement bank's system: reports deposits received and withdrawals paid or failed."""


class Permission(StrEnum):
    """What a participant user may do for its account (several users may share one account)."""

    TRADE = "trade"
    FUNDS = "funds"
    SURRENDER = "surrender"
    VIEW = "view"


ALL_PERMISSIONS = frozenset(Permission)


class Action(StrEnum):
    USERS_CREATE = "users.create"
    USERS_VIEW = "users.view"
    USERS_APPROVE = "users.approve"
    USERS_DISABLE = "users.disable"
    USERS_ENABLE = "users.enable"
    USERS_ROLE = "users.role"
    USERS_MFA_RESET = "users.mfa_reset"
    ACCOUNT_OPEN = "account.open"
    ACCOUNT_VIEW = "account.view"
    ACCOUNT_LIST = "account.list"
    ISSUE = "registry.issue"
    TRANSFER = "registry.transfer"
    DECIDE = "registry.decide"
    CORRECT = "registry.correct"
    FREEZE = "registry.freeze"
    SURRENDER = "registry.surrender"
    REPORT = "registry.report"
    STATEMENT = "registry.statement"
    DEPOSIT = "funds.deposit"
    WITHDRAW = "funds.withdraw"
    FUNDS_VIEW = "funds.view"
    CLOCK_ADVANCE = "ops.clock_advance"
    EOD = "ops.eod"
    TRADE = "trading.trade"
    VIEW_LISTINGS = "trading.view_listings"
    TRADING_ADMIN = "trading.admin"
    COMPLIANCE_VIEW = "compliance.view"
    COMPLIANCE_VERIFY = "compliance.verify"
    COMPLIANCE_REGISTER = "compliance.register"
    COMPLIANCE_SUBMIT = "compliance.submit"
    COMPLIANCE_APPROVE = "compliance.approve"
    COMPLIANCE_ALLOCATE = "compliance.allocate"
    COMPLIANCE_PENALIZE = "compliance.penalize"
    SUPERVISION_VIEW = "supervision.view"
    INSTRUMENT_STATUS = "trading.instrument_status"
    MARKET_LISTINGS = "market.listings"
    COMPLIANCE_REPORT = "compliance.report"
    SUPERVISION_ACT = "supervision.act"
    SUPERVISION_MEASURE = "supervision.measure"
    LARGE_HOLDER_FILE = "supervision.large_holder_file"
    BANK_REPORT = "funds.bank_report"
    BANK_REPORTS_VIEW = "funds.bank_reports_view"


class Scope(StrEnum):
    ANY = "any"
    OWN = "own"


P, R, X, G, V, B = (
    Role.PARTICIPANT,
    Role.REGISTRY_OPERATOR,
    Role.EXCHANGE_OPERATOR,
    Role.REGULATOR,
    Role.VERIFIER,
    Role.SETTLEMENT_BANK,
)
ANY, OWN = Scope.ANY, Scope.OWN

MATRIX: dict[Action, dict[Role, Scope]] = {
    Action.USERS_CREATE: {R: ANY},
    Action.USERS_VIEW: {R: ANY},
    Action.USERS_APPROVE: {R: ANY},
    Action.USERS_DISABLE: {R: ANY},
    Action.USERS_ENABLE: {R: ANY},
    Action.USERS_ROLE: {R: ANY},
    Action.USERS_MFA_RESET: {R: ANY},
    Action.ACCOUNT_OPEN: {R: ANY},
    Action.ACCOUNT_VIEW: {P: OWN, R: ANY, X: ANY, G: ANY},
    Action.ACCOUNT_LIST: {P: OWN, R: ANY, X: ANY, G: ANY},
    Action.ISSUE: {R: ANY},
    Action.TRANSFER: {R: ANY},
    Action.DECIDE: {R: ANY},
    Action.CORRECT: {R: ANY},
    Action.FREEZE: {R: ANY},
    Action.SURRENDER: {P: OWN},
    Action.REPORT: {R: ANY, G: ANY},
    Action.STATEMENT: {P: OWN, R: ANY, X: ANY, G: ANY},
    Action.DEPOSIT: {P: OWN},
    Action.WITHDRAW: {P: OWN},
    Action.FUNDS_VIEW: {P: OWN, R: ANY, X: ANY, G: ANY},
    Action.CLOCK_ADVANCE: {X: ANY},
    Action.EOD: {X: ANY},
    Action.TRADE: {P: OWN},
    Action.VIEW_LISTINGS: {P: OWN, R: ANY, X: ANY, G: ANY},
    Action.TRADING_ADMIN: {X: ANY},
    Action.COMPLIANCE_VIEW: {P: OWN, R: ANY, G: ANY, V: ANY},
    Action.COMPLIANCE_VERIFY: {V: ANY},
    Action.COMPLIANCE_REGISTER: {R: ANY},
    Action.COMPLIANCE_SUBMIT: {P: OWN},
    Action.COMPLIANCE_APPROVE: {G: ANY},
    Action.COMPLIANCE_ALLOCATE: {G: ANY},
    Action.COMPLIANCE_PENALIZE: {G: ANY},
    Action.SUPERVISION_VIEW: {G: ANY},
    Action.INSTRUMENT_STATUS: {X: ANY, G: ANY},
    Action.MARKET_LISTINGS: {P: ANY, X: ANY, G: ANY},
    Action.COMPLIANCE_REPORT: {G: ANY},
    Action.SUPERVISION_ACT: {G: ANY},
    Action.SUPERVISION_MEASURE: {X: ANY, G: ANY},
    Action.LARGE_HOLDER_FILE: {P: OWN},
    Action.BANK_REPORT: {B: ANY},
    Action.BANK_REPORTS_VIEW: {X: ANY, G: ANY, B: ANY},
}
"""Role × action: the scope a role has for an action; a missing role is refused."""

PARTICIPANT_PERMISSION: dict[Action, Permission] = {
    Action.ACCOUNT_VIEW: Permission.VIEW,
    Action.ACCOUNT_LIST: Permission.VIEW,
    Action.SURRENDER: Permission.SURRENDER,
    Action.STATEMENT: Permission.VIEW,
    Action.DEPOSIT: Permission.FUNDS,
    Action.WITHDRAW: Permission.FUNDS,
    Action.FUNDS_VIEW: Permission.VIEW,
    Action.TRADE: Permission.TRADE,
    Action.VIEW_LISTINGS: Permission.VIEW,
    Action.COMPLIANCE_VIEW: Permission.VIEW,
    Action.COMPLIANCE_SUBMIT: Permission.SURRENDER,
    Action.LARGE_HOLDER_FILE: Permission.TRADE,
}
"""The permission a participant user needs for each action it may do for its own account."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated user of a request."""

    username: str
    role: Role
    account_id: str | None = None
    permissions: frozenset[Permission] = ALL_PERMISSIONS

    @property
    def is_participant(self) -> bool:
        return self.role is Role.PARTICIPANT


def scope_of(principal: Principal, action: Action) -> Scope | None:
    """The scope ``principal`` has for ``action``, or None if it may not do it at all."""
    scope = MATRIX.get(action, {}).get(principal.role)
    if scope is OWN:
        needed = PARTICIPANT_PERMISSION.get(action)
        if principal.account_id is None or (
            needed is not None and needed not in principal.permissions
        ):
            return None
    return scope


def allowed(principal: Principal, action: Action, account_id: str | None = None) -> bool:
    scope = scope_of(principal, action)
    if scope is None:
        return False
    if scope is OWN:
        return account_id is not None and account_id == principal.account_id
    return True


def authorize(principal: Principal, action: Action, account_id: str | None = None) -> None:
    """Raise 403 ``NOT_PERMITTED`` unless ``principal`` may do ``action`` (for ``account_id``).

    The answer does not depend on whether the other account exists, so it reveals nothing.
    """
    scope = scope_of(principal, action)
    if scope is None:
        needed = PARTICIPANT_PERMISSION.get(action)
        why = (
            f"user {principal.username} lacks the '{needed}' permission"
            if principal.is_participant and needed is not None and principal.account_id
            else f"role {principal.role.value} may not do {action.value}"
        )
        raise ApiError(Code.NOT_PERMITTED, f"{why} ({action.value})", None)
    if scope is OWN and (account_id is None or account_id != principal.account_id):
        raise ApiError(
            Code.NOT_PERMITTED,
            f"user {principal.username} acts only for account {principal.account_id}, "
            f"not {account_id}",
            "account_id",
        )
