"""Users (registry operators): request a login, list them, approve, disable, re-enable, change a
role.

A new login, a role change and re-enabling a disabled login are requests: each takes effect when
a registry operator who is a *different natural person* (not the requester, not the login's own
person) approves. Every step is journaled with who asked and who approved
(:mod:`openets.identity`); the password's argon2id hash goes to the ``users`` table in the same
transaction, never into the journal.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from openets.api.auth import Action, Role, authorize
from openets.api.deps import CommandDep, PrincipalDep, Render, ServicesDep, json_response
from openets.api.errors import ApiError, rejection_body
from openets.api.mfa import clear_secret
from openets.api.schemas.auth import (
    ApproveIn,
    DisableIn,
    RoleChangeIn,
    UserCreate,
    UserCreated,
    UserList,
    UserOut,
)
from openets.api.schemas.common import COMMAND_ERRORS, errors
from openets.api.sequencer import Writer
from openets.api.users import (
    BOOTSTRAP_ACTOR,
    UserError,
    UserRecord,
    UserStore,
    appointment,
    check_grant_fields,
    check_new_user,
    check_provinces,
    grant_of,
    identity_of,
    person_ref,
    user_view,
)
from openets.domain.messages import Event
from openets.domain.rejection import Code, Rejection
from openets.identity.model import (
    ApproveUser,
    DisableUser,
    RequestEnable,
    RequestRoleChange,
    RequestUser,
    SetMfa,
    UserApproved,
    UserStatus,
)
from openets.market import MarketState

router = APIRouter(tags=["users"])
log = logging.getLogger("openets.api.users")


def _out(state: MarketState, username: str) -> UserOut:
    return UserOut(**user_view(identity_of(state).users[username]))


@router.post("/users", status_code=201, response_model=UserCreated, responses=COMMAND_ERRORS)
async def create_user(body: UserCreate, cmd: CommandDep) -> Response:
    """Request a login (registry operator). It is ``pending_approval`` until a registry operator
    who is a different person approves it. A staff login names its natural person (``person``
    or ``person_id``); one person holds one staff login. A participant login is bound to a
    participant account (an account representative)."""
    services = cmd.services
    cmd.require(Action.USERS_CREATE)
    try:
        role, perms = check_new_user(
            body.username, body.password, body.role, body.account_id, body.permissions
        )
        provinces = check_provinces(role, body.provinces)
        ref = person_ref(
            body.person_id,
            body.person.name if body.person else None,
            body.person.id_number if body.person else None,
        )
    except UserError as exc:
        raise ApiError(exc.code, exc.message, exc.field) from None
    pw_hash = await services.hash_password(body.password)
    rec = UserRecord(body.username, pw_hash, role, body.account_id, perms)
    actor = cmd.actor

    def job(w: Writer) -> tuple[int, bytes]:
        if UserStore.exists(w.conn, rec.username):
            return rejection_body(
                Rejection(Code.DUPLICATE, f"user {rec.username!r} exists", "username")
            )
        r = w.submit(RequestUser(rec.username, grant_of(role, body.account_id, perms), ref), actor)
        if isinstance(r, Rejection):
            return rejection_body(r)
        UserStore.insert(w.conn, rec)
        appoint = appointment(rec.username, role, provinces)
        if appoint is not None:  # where a verifier verifies, what a regulator regulates
            a = w.submit(appoint, BOOTSTRAP_ACTOR)
            if isinstance(a, Rejection) and a.code != Code.DUPLICATE:
                log.warning("the appointment of %s was refused: %s", rec.username, a)
        u = identity_of(w.state).users[rec.username]
        out = UserCreated(
            user_id=u.username,
            status=u.status.value,
            username=u.username,
            role=u.grant.role,
            account_id=u.grant.account_id,
            permissions=list(u.grant.permissions) if role is Role.PARTICIPANT else [],
            person_id=u.person_id,
            requested_by=u.requested_by,
        )
        return 201, out.model_dump_json().encode()

    return await cmd.job(job)


@router.get("/users", response_model=UserList, responses=errors(401, 403, 422))
async def list_users(
    principal: PrincipalDep,
    services: ServicesDep,
    status: Annotated[
        UserStatus | None, Query(description="pending_approval, active or disabled")
    ] = None,
    pending: Annotated[
        bool | None, Query(description="true: only users with something waiting for approval")
    ] = None,
) -> Response:
    """Every login with its role, account, person, status and who asked and approved."""
    authorize(principal, Action.USERS_VIEW)
    users = identity_of(services.state).users.values()
    rows = [
        UserOut(**user_view(u))
        for u in sorted(users, key=lambda u: u.username)
        if (status is None or u.status is status)
        and (pending is None or (u.pending is not None) == pending)
    ]
    return json_response(UserList(data=rows))


def _render(username: str) -> Render:
    def render(_events: tuple[Event, ...], state: MarketState) -> UserOut:
        return _out(state, username)

    return render


@router.post("/users/{user_id}/approve", response_model=UserOut, responses=COMMAND_ERRORS)
async def approve_user(
    user_id: str, cmd: CommandDep, body: ApproveIn | None = None
) -> Response:
    """Approve a login waiting for approval, or its pending role change. The approver must be a
    different natural person from the requester and from the login's own person."""
    cmd.require(Action.USERS_APPROVE)

    def job(w: Writer) -> tuple[int, bytes]:
        r = w.submit(ApproveUser(user_id, body.reason if body else ""), cmd.actor)
        if isinstance(r, Rejection):
            return rejection_body(r)
        for ev in r:
            if isinstance(ev, UserApproved):
                UserStore.mirror(w.conn, ev.username, ev.grant)
        return 200, _out(w.state, user_id).model_dump_json().encode()

    return await cmd.job(job)


@router.post("/users/{user_id}/disable", response_model=UserOut, responses=COMMAND_ERRORS)
async def disable_user(user_id: str, body: DisableIn, cmd: CommandDep) -> Response:
    """Disable a login (or withdraw one waiting for approval, or the re-enabling of a disabled
    login waiting for approval): its sessions end at once."""
    cmd.require(Action.USERS_DISABLE)
    resp = await cmd.run(DisableUser(user_id, body.reason), _render(user_id), status=200)
    if resp.status_code == 200:
        cmd.services.sessions.revoke_user(user_id)  # its open feeds close now
        await cmd.services.save_sessions()
    return resp


@router.post("/users/{user_id}/enable", response_model=UserOut, responses=COMMAND_ERRORS)
async def enable_user(user_id: str, body: DisableIn, cmd: CommandDep) -> Response:
    """Ask to re-enable a disabled login, with a reason. Like a new login it takes effect when
    a registry operator who is a different natural person approves
    (``POST /users/{user_id}/approve``); until then the login stays disabled."""
    cmd.require(Action.USERS_ENABLE)
    return await cmd.run(RequestEnable(user_id, body.reason), _render(user_id), status=200)


@router.post("/users/{user_id}/role", response_model=UserOut, responses=COMMAND_ERRORS)
async def change_role(user_id: str, body: RoleChangeIn, cmd: CommandDep) -> Response:
    """Ask for a new role, account or permissions; a different person approves
    (``POST /users/{user_id}/approve``)."""
    cmd.require(Action.USERS_ROLE)
    try:
        role, perms = check_grant_fields(body.role, body.account_id, body.permissions)
    except UserError as exc:
        raise ApiError(exc.code, exc.message, exc.field) from None
    change = RequestRoleChange(user_id, grant_of(role, body.account_id, perms))
    return await cmd.run(change, _render(user_id), status=200)


@router.post("/users/{user_id}/mfa/reset", response_model=UserOut, responses=COMMAND_ERRORS)
async def reset_mfa(user_id: str, body: DisableIn, cmd: CommandDep) -> Response:
    """Turn a user's two-factor login off (a lost phone), with a reason; the user enrols again.
    Journaled with who did it; nobody resets their own."""
    cmd.require(Action.USERS_MFA_RESET)
    actor = cmd.actor

    def job(w: Writer) -> tuple[int, bytes]:
        r = w.submit(SetMfa(user_id, False), actor)
        if isinstance(r, Rejection):
            return rejection_body(r)
        clear_secret(w.conn, user_id)
        return 200, _out(w.state, user_id).model_dump_json().encode()

    return await cmd.job(job)
