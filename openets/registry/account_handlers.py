"""Registry command handlers for the accounts themselves: opening a participant's or a system
account, and moving an account between statuses. Pure, like :mod:`openets.registry.handlers`
(which lists them in its table with the ledger's handlers).
"""

from __future__ import annotations

from openets.domain.cells import name_error
from openets.domain.identity import resident_id_error, uscc_error
from openets.domain.messages import Ctx, Result
from openets.domain.provinces import PROVINCES
from openets.domain.rejection import Code, Rejection
from openets.registry import commands as c
from openets.registry.checks import check_closable
from openets.registry.events import (
    AccountOpened,
    AccountStatusChanged,
)
from openets.registry.model import (
    ALLOWED_STATUS_MOVES,
    AccountStatus,
    SubjectType,
    SystemRole,
)
from openets.registry.state import RegistryState
from openets.registry.validate import (
    get_account,
)


def _id_code_error(subject_type: SubjectType, code: str) -> str | None:
    if subject_type is SubjectType.INDIVIDUAL:
        return resident_id_error(code)
    return uscc_error(code)


def open_account(state: RegistryState, cmd: c.OpenAccount, ctx: Ctx) -> Result:
    if cmd.subject_type is SubjectType.SYSTEM:
        return Rejection(
            Code.INVALID_FIELD, "system accounts are opened by the registry itself", "subject_type"
        )
    if not isinstance(cmd.name, str) or not cmd.name.strip():
        return Rejection(Code.INVALID_FIELD, f"name must not be empty, was {cmd.name!r}", "name")
    bad = name_error(cmd.name)
    if bad is not None:
        return Rejection(Code.INVALID_FIELD, f"name {cmd.name!r} {bad}", "name")
    if not isinstance(cmd.id_code, str):
        return Rejection(
            Code.INVALID_ID_CODE, f"id_code must be text, was {cmd.id_code!r}", "id_code"
        )
    code = cmd.id_code.strip().upper()
    why = _id_code_error(cmd.subject_type, code)
    if why is not None:
        kind = (
            "resident ID number (GB 11643)"
            if cmd.subject_type is SubjectType.INDIVIDUAL
            else "unified social credit code (GB 32100)"
        )
        return Rejection(
            Code.INVALID_ID_CODE, f"id_code {cmd.id_code!r} is not a valid {kind}: {why}", "id_code"
        )
    if code in state.by_id_code:
        return Rejection(
            Code.DUPLICATE_SUBJECT,
            f"subject {code} already has account "
            f"{state.by_id_code[code]} (one registry account per subject)",
            "id_code",
        )
    if cmd.province not in PROVINCES:
        return Rejection(
            Code.INVALID_FIELD,
            f"province {cmd.province!r} is not a province of mainland China (e.g. 山东, 广东)",
            "province",
        )
    status = AccountStatus.ACTIVE if cmd.activate else AccountStatus.APPLIED
    acct_id = ctx.ids.next("A")
    return (
        AccountOpened(
            acct_id,
            cmd.subject_type,
            cmd.name.strip(),
            code,
            cmd.province,
            status,
            None,
            ctx.now.isoformat(),
        ),
    )


def open_system_account(state: RegistryState, cmd: c.OpenSystemAccount, ctx: Ctx) -> Result:
    province = cmd.province if cmd.role is SystemRole.PROVINCIAL_ALLOCATION else ""
    if cmd.role is SystemRole.PROVINCIAL_ALLOCATION and province not in PROVINCES:
        return Rejection(Code.INVALID_FIELD, f"province {cmd.province!r} is unknown", "province")
    if state.system_account(cmd.role, province) is not None:
        return Rejection(
            Code.DUPLICATE, f"system account {cmd.role.value} {province} exists", "role"
        )
    acct_id = ctx.ids.next("S")
    name = f"{cmd.role.value}{(' ' + province) if province else ''}"
    return (
        AccountOpened(
            acct_id,
            SubjectType.SYSTEM,
            name,
            "",
            province,
            AccountStatus.ACTIVE,
            cmd.role,
            ctx.now.isoformat(),
        ),
    )


def change_status(state: RegistryState, cmd: c.ChangeAccountStatus, ctx: Ctx) -> Result:
    acct = get_account(state, cmd.account_id)
    if isinstance(acct, Rejection):
        return acct
    try:
        new = AccountStatus(cmd.status)
    except ValueError:
        return Rejection(Code.INVALID_FIELD, f"status {cmd.status!r} is unknown", "status")
    if new not in ALLOWED_STATUS_MOVES[acct.status]:
        return Rejection(
            Code.INVALID_STATE,
            f"account {acct.account_id} cannot go from {acct.status.value} to {new.value}",
            "status",
        )
    if new is AccountStatus.CLOSED:
        r = check_closable(state, acct.account_id)
        if r:
            return r
    return (AccountStatusChanged(acct.account_id, acct.status, new, cmd.reason),)
